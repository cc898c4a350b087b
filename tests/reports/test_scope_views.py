"""The pages and API of organisation, system and cohort reports."""

import re

import pytest
from django.urls import reverse

from accounts.access import Access
from alwaysevents.models import AuditEvent
from reports.models import ReportRun
from reports.scopes import scope_visible
from reports.services import report_render, scope_report_request

pytestmark = pytest.mark.urls("tests.reports.urls")

PAGES = {
    "organisation": ("report_request_organisation", "organisation_id", "org_a", "organisations"),
    "system": ("report_request_system", "system_id", "system_a", "systems"),
    "cohort": ("report_request_cohort", "cohort_id", "cohort_1", "cohorts"),
    "region": ("report_request_region", "region_id", "region_a", "regions"),
}


def page_url(world, kind) -> str:
    name, argument, target, _ = PAGES[kind]
    return reverse(name, kwargs={argument: getattr(world, target).pk})


def api_url(world, kind) -> str:
    _, _, target, plural = PAGES[kind]
    return f"/api/v1/{plural}/{getattr(world, target).pk}/reports/"


def system_run(world, user=None) -> ReportRun:
    access = Access.for_user(user or world.a_viewer)
    scope = scope_visible(access=access, kind="system", scope_id=world.system_a.pk)
    return scope_report_request(access=access, scope=scope)


@pytest.mark.parametrize("kind", list(PAGES))
def test_the_request_page_offers_the_kinds_and_asking_redirects_to_the_run(
    world, client_of, system_scope, media, eager_tasks, django_capture_on_commit_callbacks, kind
):
    client = client_of(world.programme_admin)
    page = client.get(page_url(world, kind))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Progress reports" in body and "2 projects here" in body  # A's two projects
    options = re.findall(r'<option value="(\w+)"', body)
    assert options == ReportRun.Kind.values, "the reusable form offers exactly the kinds a run may have"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page_url(world, kind), {"kind": "pdf"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.scope_kind == kind
    progress = client.get(run.get_absolute_url()).content.decode()
    assert "Download the report (PDF)" in progress and page_url(world, kind) in progress
    assert page_url(world, kind) in client.get(
        page_url(world, kind)
    ).content.decode() and "Recent reports" in (client.get(page_url(world, kind)).content.decode())


def test_a_bad_kind_shows_an_error_and_changes_nothing(world, client_of, system_scope):
    page = client_of(world.a_viewer).post(page_url(world, "system"), {"kind": "docx"})
    assert page.status_code == 200
    assert "There is a problem" in page.content.decode()
    assert not ReportRun.objects.exists()


def test_the_run_downloads_for_readers_of_the_scope_and_is_404_for_everyone_else(
    world, client_of, system_scope, media
):
    run = system_run(world)
    report_render(run_id=run.pk)
    download = reverse("report_download", kwargs={"run_id": run.pk})
    for reader in (world.a_viewer, world.coach_1, world.programme_admin):
        response = client_of(reader).get(download)
        assert response.status_code == 200, reader
        assert response["Content-Type"] == "application/pdf"
        assert 'filename="alpha-ics-report-' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="report.download", object_id=str(run.pk)).count() == 3
    urls = [
        (page_url(world, "system"), "get"),
        (page_url(world, "system"), "post"),
        (run.get_absolute_url(), "get"),
        (download, "get"),
        (reverse("report_retry", kwargs={"run_id": run.pk}), "post"),
        (api_url(world, "system"), "get"),
        (f"/api/v1/reports/{run.pk}/", "get"),
        (f"/api/v1/reports/{run.pk}/download/", "get"),
    ]
    # a team member, an organisation admin and a buddy read project A, but do not oversee the system
    for outsider in (
        world.a_member,
        world.a_admin,
        world.a_buddy,
        world.b_viewer,
        world.coach_2,
        world.nobody,
    ):
        client = client_of(outsider)
        for url, method in urls:
            response = getattr(client, method)(url, {"kind": "pdf"} if method == "post" else None)
            assert response.status_code == 404, (outsider, url)
    assert ReportRun.objects.count() == 1


def test_outsiders_get_404_on_every_scopes_pages(world, client_of, system_scope):
    for kind, outsiders in {
        "organisation": (world.b_viewer, world.coach_2, world.a_member),
        "cohort": (world.coach_2, world.a_viewer, world.a_admin),
        "region": (world.b_region_viewer, world.a_viewer, world.coach_1, world.a_partner_staff),
    }.items():
        for outsider in outsiders:
            client = client_of(outsider)
            assert client.get(page_url(world, kind)).status_code == 404, (kind, outsider)
            assert client.post(page_url(world, kind), {"kind": "pdf"}).status_code == 404, (kind, outsider)
            assert client.post(api_url(world, kind), {"kind": "pdf"}).status_code == 404, (kind, outsider)
    assert not ReportRun.objects.exists()


@pytest.mark.parametrize("kind", list(PAGES))
def test_the_api_creates_lists_polls_and_downloads_a_scopes_report(
    world, client_of, system_scope, media, kind
):
    client = client_of(world.programme_admin)
    created = client.post(api_url(world, kind), {"kind": "csv"}, content_type="application/json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["scope_kind"], body["project"], body["status"]) == (kind, None, "queued")
    report_render(run_id=body["id"])
    listed = client.get(api_url(world, kind)).json()["results"]
    assert [run["id"] for run in listed] == [body["id"]]
    polled = client.get(f"/api/v1/reports/{body['id']}/").json()
    assert polled["status"] == "done"
    download = client.get(polled["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    assert world.project_a.title.encode() in b"".join(download.streaming_content)


def test_the_api_refuses_a_bad_kind(world, client_of, system_scope):
    bad = client_of(world.a_viewer).post(
        api_url(world, "system"), {"kind": "docx"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()
    assert not ReportRun.objects.exists()
