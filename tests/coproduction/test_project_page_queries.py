"""The project page reads a fixed number of queries whatever the size of the project, and shows the same
counts and measure facts it did when it counted and charted row by row."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from alwaysevents.tenancy import all_organisations
from coproduction import models as co
from measurement.models import DataPoint, Measure
from projects.models import Project
from tests.coaching.helpers import built_and_cached
from tests.world import make_project

pytestmark = pytest.mark.django_db


def project_of_size(world, title: str, size: int) -> Project:
    """A project of organisation A in cohort 1 with `size` of every record the page counts or shows, and
    `size` measures of `size` weekly points each."""
    project = make_project(world.org_a, world.cohort_1, title, world.programme)
    common = {"organisation": project.organisation, "project": project}
    with all_organisations(reason="test set-up"):
        for number in range(size):
            co.Response.objects.create(
                **common,
                method="conversation",
                collected_on=date(2026, 2, 1),
                text=f"Answer {number}",
                respondent="carer",
            )
            co.Theme.objects.create(**common, name=f"Theme {number}")
            co.TeamMember.objects.create(
                **common, role="carer", name=f"Member {number}", consent_to_be_named=True
            )
            co.CoDesignSession.objects.create(**common, held_on=date(2026, 3, 1), title=f"Workshop {number}")
            candidate = co.CandidateEvent.objects.create(
                **common, title=f"Event {number}", chosen=number == 0
            )
            idea = co.ChangeIdea.objects.create(**common, title=f"Idea {number}", origin="patient")
            ramp = co.Ramp.objects.create(**common, change_idea=idea, title=f"Ramp {number}")
            co.PdsaCycle.objects.create(**common, ramp=ramp, number=1, objective="Try it for a day")
            co.Comment.objects.create(
                **common, target="project", target_id=project.pk, author=world.coach_1, body=f"Note {number}"
            )
            measure = Measure.objects.create(
                **common,
                name=f"Measure {number}",
                is_aim_measure=number == 0,
                numerator="Yes",
                denominator="Asked",
                starts_on=date(2026, 1, 5),
                target=80,
            )
            DataPoint.objects.bulk_create(
                DataPoint(
                    organisation=project.organisation,
                    measure=measure,
                    period_start=date(2026, 1, 5) + timedelta(weeks=week),
                    numerator=5 + week % 3,
                    denominator=10,
                )
                for week in range(size)
            )
            if number == 0:
                co.Statement.objects.create(
                    **common,
                    candidate=candidate,
                    vision="I will always know what happens next",
                    aim_what="Know what happens next",
                    aim_for_whom="families",
                    aim_target_percent=90,
                    aim_by_when=date(2026, 12, 31),
                )
    return project


@pytest.mark.parametrize("persona", ["coach_1", "a_admin"])
def test_the_page_issues_the_same_queries_for_2_and_10_of_everything(world, client_of, persona):
    small = project_of_size(world, "Small project", 2)
    large = project_of_size(world, "Large project", 10)
    client = client_of(getattr(world, persona))
    small_counts = built_and_cached(client, small.get_absolute_url())
    large_counts = built_and_cached(client, large.get_absolute_url())
    assert large_counts == small_counts, f"2 of each: {small_counts}"
    cold, warm, cached = small_counts
    # only a cold per-measure cache loads points and rebase marks: one query each for all the measures
    assert cold == warm + 2
    assert cached < warm - 2, "the second view is the cached body: no journey reads"


def test_the_page_counts_each_step_and_shows_each_measure_from_its_summary(world, client_of):
    project = project_of_size(world, "Large project", 10)
    with all_organisations(reason="test set-up"):
        first = co.Comment.objects.filter(project=project).first()
        co.Comment.objects.create(
            organisation=project.organisation,
            project=project,
            target="project",
            target_id=project.pk,
            author=world.coach_1,
            body="A reply, not counted",
            thread=first,
        )
        co.Comment.objects.filter(pk=first.pk).update(resolved_at=timezone.now())
    body = client_of(world.a_admin).get(project.get_absolute_url()).content.decode()
    for step in ("Responses", "Themes", "Co-design team", "Sessions", "Candidate events", "Change ideas"):
        assert f"{step} (10)</a>" in body, step
    assert "PDSA cycles (10)</a>" in body and "Measures and charts (10)</a>" in body
    assert "Comments (9)</a>" in body  # open top-level comments only
    assert "I will always know what happens next" in body
    # the aim measure's latest value: the 10th week's 5 + 9 % 3 = 5 of 10
    assert "Measure 0</a>: latest 50.0%." in body
    assert body.count('class="ae-sparkline"') == 10 and "vega" not in body.lower()
