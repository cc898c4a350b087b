import pytest
from django.urls import reverse

from accounts.access import Access
from alwaysevents.models import AuditEvent
from reports.models import ReportRun
from reports.services import report_render, report_request

pytestmark = pytest.mark.urls("tests.reports.urls")


def new_url(world):
    return reverse("report_request", kwargs={"project_id": world.project_a.pk})


def run_of(world, user=None) -> ReportRun:
    return report_request(access=Access.for_user(user or world.a_member), scope=world.project_a)


def test_the_request_page_offers_the_kinds_and_recent_runs(world, client_of, system_scope):
    run_of(world)
    page = client_of(world.a_member).get(new_url(world))
    assert page.status_code == 200
    body = page.content.decode()
    assert "PDF progress report" in body and "Excel workbook (XLSX)" in body and "CSV spreadsheet" in body
    assert "Recent reports" in body and 'scope="col"' in body


def test_asking_for_a_report_redirects_to_its_progress(
    world, client_of, system_scope, media, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(world.a_member).post(new_url(world), {"kind": "pdf"})
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.requested_by == world.a_member


def test_no_kind_chosen_shows_an_error_and_changes_nothing(world, client_of, system_scope):
    page = client_of(world.a_member).post(new_url(world), {"kind": "docx"})
    assert page.status_code == 200
    body = page.content.decode()
    assert "<title>Error: " in body and "There is a problem" in body
    assert not ReportRun.objects.exists()


def test_a_queued_run_shows_progress_polls_with_htmx_and_refreshes_without_javascript(
    world, client_of, system_scope
):
    run = run_of(world)
    page = client_of(world.a_member).get(run.get_absolute_url())
    body = page.content.decode()
    assert page.status_code == 200
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body
    assert 'hx-trigger="every 1s"' in body and f'hx-get="{run.get_absolute_url()}"' in body
    assert "<progress" in body and "Waiting to start" in body
    fragment = client_of(world.a_member).get(run.get_absolute_url(), headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "<html" not in fragment.content.decode()
    assert 'hx-trigger="every 1s"' in fragment.content.decode()


def test_a_done_run_stops_polling_and_offers_the_download(world, client_of, system_scope, media):
    run = run_of(world)
    report_render(run_id=run.pk)
    client = client_of(world.a_member)
    fragment = client.get(run.get_absolute_url(), headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment
    download_url = reverse("report_download", kwargs={"run_id": run.pk})
    assert download_url in fragment
    page = client.get(run.get_absolute_url()).content.decode()
    assert "http-equiv" not in page
    response = client.get(download_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert 'attachment; filename="alpha-wayfinding-project-report-' in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="report.download", actor=world.a_member).count() == 1


def test_a_run_not_ready_has_no_download(world, client_of, system_scope):
    run = run_of(world)
    assert (
        client_of(world.a_member).get(reverse("report_download", kwargs={"run_id": run.pk})).status_code
        == 404
    )


def test_a_failed_run_shows_its_error_and_can_be_retried(world, client_of, system_scope, media):
    run = run_of(world)
    ReportRun.objects.filter(pk=run.pk).update(
        status=ReportRun.Status.FAILED, error="The report could not be made"
    )
    client = client_of(world.a_member)
    body = client.get(run.get_absolute_url()).content.decode()
    assert "The report could not be made" in body and "Try again" in body and "hx-trigger" not in body
    response = client.post(reverse("report_retry", kwargs={"run_id": run.pk}))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED and run.error == ""


def test_with_the_broker_down_the_page_says_so_instead_of_failing(
    world, client_of, system_scope, broker_down, django_capture_on_commit_callbacks
):
    client = client_of(world.a_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(new_url(world), {"kind": "pdf"})
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Report generation is unavailable right now; try again later." in page.content.decode()


def test_others_who_read_the_project_see_the_run_and_outsiders_get_404(world, client_of, system_scope):
    run = run_of(world)
    for reader in (
        world.a_member,
        world.a_partner,
        world.a_admin,
        world.a_buddy,
        world.a_viewer,
        world.coach_1,
        world.programme_admin,
    ):
        assert client_of(reader).get(run.get_absolute_url()).status_code == 200, reader
    urls = [
        (new_url(world), "get"),
        (new_url(world), "post"),
        (run.get_absolute_url(), "get"),
        (reverse("report_download", kwargs={"run_id": run.pk}), "get"),
        (reverse("report_retry", kwargs={"run_id": run.pk}), "post"),
    ]
    for outsider in (world.b_member, world.b_buddy, world.b_viewer, world.coach_2, world.nobody):
        client = client_of(outsider)
        for url, method in urls:
            response = getattr(client, method)(url, {"kind": "pdf"} if method == "post" else None)
            assert response.status_code == 404, (outsider, url)
            assert str(world.project_a.pk) not in response.content.decode()
    assert ReportRun.objects.count() == 1


def test_anonymous_visitors_are_sent_to_sign_in(world, client, system_scope):
    run = run_of(world)
    response = client.get(run.get_absolute_url())
    assert response.status_code == 302 and "login" in response["Location"]


# --- API ---------------------------------------------------------------------------------------------


def test_the_api_creates_polls_and_downloads_a_report(world, client_of, system_scope, media):
    client = client_of(world.a_member)
    created = client.post(
        f"/api/v1/projects/{world.project_a.pk}/reports/", {"kind": "csv"}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    run_id = created.json()["id"]
    assert created.json()["status"] == "queued" and created.json()["download_url"] is None
    report_render(run_id=run_id)
    polled = client.get(f"/api/v1/reports/{run_id}/").json()
    assert polled["status"] == "done" and polled["progress"] == 100
    download = client.get(polled["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "text/csv"
    assert world.records_a.statement.vision.encode() in b"".join(download.streaming_content)


def test_the_api_refuses_a_bad_kind_and_outsiders(world, client_of, system_scope):
    client = client_of(world.a_member)
    bad = client.post(
        f"/api/v1/projects/{world.project_a.pk}/reports/", {"kind": "docx"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "kind" in bad.json()
    run = run_of(world)
    outsider = client_of(world.b_member)
    assert (
        outsider.post(
            f"/api/v1/projects/{world.project_a.pk}/reports/",
            {"kind": "pdf"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert outsider.get(f"/api/v1/reports/{run.pk}/").status_code == 404
    assert outsider.get(f"/api/v1/reports/{run.pk}/download/").status_code == 404
    assert ReportRun.objects.count() == 1
