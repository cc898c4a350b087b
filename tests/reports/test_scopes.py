"""Organisation, system and cohort reports: who may ask and see them, what they hold, and the task's
tenancy across organisations."""

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.access import Access
from coaching.models import CallAction, CoachingCall
from programmes.models import Organisation
from projects.models import Project
from reports.models import ReportRun
from reports.scopes import scope_visible
from reports.selectors import projects_report_data, run_organisation_ids, run_visible
from reports.services import report_render, scope_report_request
from reports.tasks import render_report_task
from tests.world import make_project

from .helpers import pdf_text

pytestmark = pytest.mark.urls("tests.reports.urls")

SYSTEM, ORGANISATION, COHORT, REGION = "system", "organisation", "cohort", "region"


def ask(world, user, kind, target, report_kind="pdf") -> ReportRun:
    access = Access.for_user(user)
    scope = scope_visible(access=access, kind=kind, scope_id=target.pk)
    return scope_report_request(access=access, scope=scope, kind=report_kind)


@pytest.fixture
def second_provider(world):
    """Another provider in system A, with a project in cohort 2: a system report spans two organisations."""
    organisation = Organisation.objects.create(
        kind="provider",
        name="Alpha Mental Health Trust",
        ods_code="RA2",
        provider_type="mental_health",
        system=world.system_a,
    )
    project = make_project(organisation, world.cohort_2, "Alpha crisis line project", world.programme)
    return organisation, project


def test_a_system_report_holds_the_systems_providers_projects_and_nothing_of_another_system(
    world, second_provider, system_scope, media
):
    organisation, project = second_provider
    run = ask(world, world.programme_admin, SYSTEM, world.system_a)
    assert set(run.parameters["project_ids"]) == {
        str(world.project_a.pk),
        str(world.project_a2.pk),
        str(project.pk),
    }
    assert run.organisation_id in {world.org_a.pk, organisation.pk}
    assert run_organisation_ids(run_id=run.pk) == {world.org_a.pk, organisation.pk}
    render_report_task.apply(args=[str(run.pk)])  # the task opens the scope of those two organisations only
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    text = pdf_text(run.file.read())
    for expected in (
        "Alpha ICS",
        "Summary of projects",
        world.project_a.title,
        project.title,
        "Alpha Hospital Trust",
    ):
        assert expected in text, expected
    assert world.project_b.title not in text and "Beta" not in text


def test_a_report_holds_only_the_projects_its_requester_may_read(world, second_provider, system_scope):
    _, project = second_provider
    run = ask(world, world.coach_1, SYSTEM, world.system_a)  # coach of cohort 1: not the cohort 2 project
    assert run.parameters["project_ids"] == [str(world.project_a2.pk), str(world.project_a.pk)]
    assert run.organisation == world.org_a
    assert run_visible(access=Access.for_user(world.coach_1), run_id=run.pk) == run
    viewer_run = ask(world, world.a_viewer, SYSTEM, world.system_a)
    assert set(viewer_run.parameters["project_ids"]) == {
        str(world.project_a.pk),
        str(world.project_a2.pk),
        str(project.pk),
    }
    with pytest.raises(Http404):  # the coach may not read one of its projects, so not the run either
        run_visible(access=Access.for_user(world.coach_1), run_id=viewer_run.pk)


@pytest.mark.parametrize(
    ("kind", "target", "allowed", "refused"),
    [
        (
            ORGANISATION,
            "org_a",
            ["a_admin", "a_viewer", "coach_1", "programme_admin", "a_region_viewer"],
            ["a_member", "a_partner", "a_buddy", "b_viewer", "coach_2", "b_member", "nobody"],
        ),
        (
            SYSTEM,
            "system_a",
            ["a_viewer", "coach_1", "programme_admin", "a_region_viewer"],
            ["a_member", "a_admin", "a_buddy", "b_viewer", "coach_2", "b_region_viewer", "nobody"],
        ),
        (
            COHORT,
            "cohort_1",
            ["coach_1", "programme_admin"],
            ["a_member", "a_admin", "a_viewer", "coach_2", "nobody"],
        ),
        (
            REGION,
            "region_a",
            ["a_region_viewer", "programme_admin"],
            ["b_region_viewer", "a_viewer", "coach_1", "a_member", "a_partner_staff", "nobody"],
        ),
    ],
)
def test_who_may_ask_for_a_scopes_report(world, system_scope, kind, target, allowed, refused):
    for name in allowed:
        run = ask(world, getattr(world, name), kind, getattr(world, target))
        # A's two projects, by title
        expected = [str(world.project_a2.pk), str(world.project_a.pk)]
        assert run.scope_kind == kind and run.parameters["project_ids"] == expected, name
    for name in refused:
        with pytest.raises(Http404):
            ask(world, getattr(world, name), kind, getattr(world, target))
    assert ReportRun.objects.count() == len(allowed)


def test_a_system_is_not_an_organisation_scope_and_a_provider_is_not_a_system(world, system_scope):
    access = Access.for_user(world.programme_admin)
    with pytest.raises(Http404):
        scope_visible(access=access, kind=SYSTEM, scope_id=world.org_a.pk)
    with pytest.raises(Http404):
        scope_visible(access=access, kind=ORGANISATION, scope_id=world.system_a.pk)


def test_a_scope_with_no_readable_project_cannot_be_reported_on(world, system_scope):
    empty = Organisation.objects.create(kind="system", name="Gamma ICS", ods_code="QC1")
    from accounts.models import Role
    from tests.world import make_user

    viewer = make_user("c.viewer@example.org", Role.SYSTEM_VIEWER, empty)
    with pytest.raises(ValidationError):
        ask(world, viewer, SYSTEM, empty)
    assert not ReportRun.objects.exists()


def test_the_cohort_report_holds_its_cohorts_projects(world, system_scope, media):
    run = ask(world, world.coach_2, COHORT, world.cohort_2)
    assert run.parameters == {
        "project_ids": [str(world.project_b.pk)],
        "scope_name": "Test programme: Cohort 2",
    }
    assert run.organisation == world.org_b
    report_render(run_id=run.pk)
    run.refresh_from_db()
    text = pdf_text(run.file.read())
    assert world.project_b.title in text and world.project_a.title not in text


def test_coaching_actions_open_and_recently_done_are_in_every_report(world, system_scope, media):
    common = {"organisation": world.org_a, "project": world.project_a}
    call = CoachingCall.objects.create(**common, scheduled_for=timezone.now() - timedelta(days=7))
    CallAction.objects.create(**common, call=call, text="Print the new floor map", owner="Lucy Evans")
    CallAction.objects.create(
        **common,
        call=call,
        text="Ask the porters about signs",
        done_on=timezone.localdate() - timedelta(days=3),
    )
    CallAction.objects.create(
        **common,
        call=call,
        text="An action done long ago",
        done_on=timezone.localdate() - timedelta(days=200),
    )
    from reports.services import report_request

    project_run = report_request(access=Access.for_user(world.a_member), scope=world.project_a)
    system_run = ask(world, world.a_viewer, SYSTEM, world.system_a)
    for run in (project_run, system_run):
        report_render(run_id=run.pk)
        run.refresh_from_db()
        text = pdf_text(run.file.read())
        for expected in (
            "Coaching actions",
            "Print the new floor map",
            "Lucy Evans",
            "Ask the porters about signs",
        ):
            assert expected in text, (run.scope_kind, expected)
        assert "An action done long ago" not in text


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_spreadsheets_of_a_scope_have_a_project_column(world, second_provider, system_scope, media, kind):
    _, project = second_provider
    run = ask(world, world.programme_admin, SYSTEM, world.system_a, report_kind=kind)
    report_render(run_id=run.pk)
    run.refresh_from_db()
    content = run.file.read()
    if kind == "xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content))
        assert workbook.sheetnames[0] == "Summary" and "Coaching actions" in workbook.sheetnames
        cycles = list(workbook["PDSA cycles"].iter_rows(values_only=True))
        assert cycles[0][0] == "Project" and cycles[1][0] == world.project_a.title
        summary = [row[0] for row in workbook["Summary"].iter_rows(values_only=True)]
        assert summary == ["Project", world.project_a2.title, world.project_a.title, project.title], (
            "by organisation, then title"
        )
    else:
        text = content.decode("utf-8-sig")
        assert "Summary\r\nProject,Organisation,Phase" in text
        assert f"{world.project_a.title},{world.records_a.statement.vision}" in text


def test_several_projects_are_read_in_the_same_number_of_queries_as_one(world, second_provider, system_scope):
    def queries_for(projects) -> int:
        with CaptureQueriesContext(connection) as captured:
            projects_report_data(projects=projects)
        return len(captured)

    one = queries_for([world.project_a])
    three = queries_for(list(Project.objects.select_related("organisation")))
    assert one == three


def test_the_region_report_holds_its_systems_projects_and_nothing_of_another_region(
    world, second_provider, system_scope, media
):
    _, project = second_provider
    system_wide = make_project(world.system_a, world.cohort_1, "Alpha system-wide discharge", world.programme)
    run = ask(world, world.a_region_viewer, REGION, world.region_a)
    assert set(run.parameters["project_ids"]) == {
        str(world.project_a.pk),
        str(world.project_a2.pk),
        str(project.pk),
        str(system_wide.pk),
    }
    assert run.parameters["scope_name"] == "South West"
    render_report_task.apply(args=[str(run.pk)])
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    text = pdf_text(run.file.read())
    assert world.project_a.title in text and system_wide.title in text
    assert world.project_b.title not in text
    assert run_visible(access=Access.for_user(world.a_region_viewer), run_id=run.pk) == run
    with pytest.raises(Http404):
        run_visible(access=Access.for_user(world.b_region_viewer), run_id=run.pk)
