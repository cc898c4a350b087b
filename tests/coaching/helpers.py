"""Test helpers for the programmes tests: more projects with data, and calls and returns."""

from datetime import date, timedelta

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alwaysevents import freshness, read_models
from alwaysevents.tenancy import all_organisations
from coaching.models import CallAction, CoachingCall, MonthlyReturn
from coproduction import models as co
from measurement.models import DataPoint, Measure
from tests.world import make_project


def add_project_with_data(world, title: str, *, values=(5, 6, 7, 8, 6, 5, 7, 6)):
    """A project of organisation A in cohort 1 with an aim measure, points, a call, a return and a comment."""
    project = make_project(world.org_a, world.cohort_1, title, world.programme)
    common = {"organisation": project.organisation, "project": project}
    with all_organisations(reason="test set-up"):
        measure = Measure.objects.create(
            **common,
            name="Reliability",
            is_aim_measure=True,
            numerator="Yes",
            denominator="Asked",
            starts_on=date(2026, 1, 5),
            target=80,
        )
        for week, value in enumerate(values):
            DataPoint.objects.create(
                organisation=project.organisation,
                measure=measure,
                period_start=date(2026, 1, 5) + timedelta(weeks=week),
                numerator=value,
                denominator=10,
            )
        Measure.objects.filter(pk=measure.pk).update(points_changed_at=timezone.now())
        co.Comment.objects.create(
            **common, target="project", target_id=project.pk, author=world.coach_1, body="How is it going?"
        )
        make_call(project, days=3, with_action=True)
        MonthlyReturn.objects.create(**common, month=last_month(), status="submitted")
    read_models.flush()  # the set-up's writes commit, with the entry they rebuilt
    return project


def make_call(project, *, days: int, with_action: bool = False, kind: str = "coaching") -> CoachingCall:
    with all_organisations(reason="test set-up"):
        call = CoachingCall.objects.create(
            organisation=project.organisation,
            project=project,
            kind=kind,
            scheduled_for=timezone.now() + timedelta(days=days),
        )
        if with_action:
            CallAction.objects.create(
                organisation=project.organisation,
                project=project,
                call=call,
                text="Send the posters",
                owner="Sam",
            )
    return call


def last_month(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


def queries_of(client, url: str) -> int:
    """How many queries a GET of `url` issues (the session is settled first, so its periodic renewal,
    which a new session gets on its first request, is not counted)."""
    client.get("/healthz")
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def cold_and_warm(client, url: str) -> tuple[int, int]:
    """Queries with the per-measure cache empty, then filled."""
    cache.clear()
    return queries_of(client, url), queries_of(client, url)


def built_and_cached(client, url: str) -> tuple[int, int, int]:
    """Queries of a cached page: built with every cache empty, built again with the per-measure summaries
    cached (a page is built afresh once its freshness stamp changes; losing the reference token does that),
    then served from the page cache."""
    cold = cold_and_warm(client, url)[0]
    cache.delete(freshness._key(None))
    return cold, queries_of(client, url), queries_of(client, url)
