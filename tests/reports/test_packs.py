"""Pre-call packs as PDFs: what the pack holds, its state on the pack page, making it (again), and the API."""

from datetime import date, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.access import Access
from alwaysevents.models import AuditEvent
from coaching.models import CallAction, CoachingCall, MonthlyReturn
from coaching.services_packs import pack_request, pack_request_automatic
from reports.models import ReportRun
from reports.services import report_render

from .helpers import pdf_info, pdf_text

pytestmark = pytest.mark.urls("tests.reports.urls")


@pytest.fixture
def calls(world, system_scope):
    """A call last week with an action not done, and tomorrow's call with one of its own."""
    common = {"organisation": world.org_a, "project": world.project_a}
    last = CoachingCall.objects.create(**common, scheduled_for=timezone.now() - timedelta(days=7))
    CallAction.objects.create(**common, call=last, text="Print the new floor map", owner="Lucy Evans")
    CallAction.objects.create(**common, call=last, text="Already done", done_on=date(2026, 11, 1))
    call = CoachingCall.objects.create(**common, scheduled_for=timezone.now() + timedelta(days=1))
    CallAction.objects.create(**common, call=call, text="Bring the trail map", due_on=date(2026, 12, 9))
    MonthlyReturn.objects.create(
        **common, month=date(2026, 10, 1), status="submitted", barriers="Porters are short-staffed"
    )
    return last, call


def pack_url(call) -> str:
    return reverse("call_pack", kwargs={"project_id": call.project_id, "call_id": call.pk})


def generate_url(call) -> str:
    return reverse("call_pack_generate", kwargs={"project_id": call.project_id, "call_id": call.pk})


def test_the_pack_pdf_holds_the_project_aim_cycles_actions_comments_and_last_return(world, calls, media):
    _, call = calls
    run = pack_request_automatic(call=call, job="test")
    assert report_render(run_id=run.pk) is True
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.file.name == f"reports/{run.pk}.pdf"
    content = run.file.read()
    text = pdf_text(content)
    for expected in (
        world.project_a.title,
        "Always Events pre-call pack",
        world.records_a.measure.name,  # the aim measure, with its chart and reasons
        world.records_a.cycle.objective,
        "Bring the trail map",
        "Print the new floor map",
        "Carried from the coaching call",
        world.records_a.comment.body,
        "October 2026",
        "Porters are short-staffed",
    ):
        assert expected in text, expected
    assert "Already done" not in text
    info = pdf_info(content)
    assert info["Title"] == f"Pre-call pack: {world.project_a.title}" and info["Tagged"] == "yes"
    assert mail.outbox == [], "nobody asked for the automatic pack, so nobody is emailed"
    assert AuditEvent.objects.filter(
        object_id=str(run.pk), action="report.request", system_job="test"
    ).exists()


def test_the_pack_says_whether_the_gap_of_an_aim_measure_by_deprivation_is_closing(world, calls, media):
    from tests.equity_data import SMALL_DENOMINATOR, SMALL_NUMERATOR, add_stratified_aim

    world.records_a.measure.is_aim_measure = False
    world.records_a.measure.save(update_fields=["is_aim_measure"])
    add_stratified_aim(world)
    _, call = calls
    run = pack_request_automatic(call=call, job="test")
    assert report_render(run_id=run.pk) is True
    run.refresh_from_db()
    text = pdf_text(run.file.read())
    assert "Is the gap closing? The gap has narrowed" in text
    assert f"{SMALL_NUMERATOR} of {SMALL_DENOMINATOR}" not in text


def test_the_pack_page_offers_to_generate_then_shows_progress_then_the_download(
    world, calls, client_of, media
):
    _, call = calls
    client = client_of(world.coach_1)
    body = client.get(pack_url(call)).content.decode()
    assert "Generate the pre-call pack (PDF)" in body and generate_url(call) in body

    response = client.post(generate_url(call))
    assert response.status_code == 302 and response["Location"] == pack_url(call)
    run = ReportRun.objects.get(call=call)
    assert (run.scope_kind, run.requested_by, run.project) == ("call", world.coach_1, world.project_a)
    body = client.get(pack_url(call)).content.decode()
    assert "<progress" in body and f'hx-get="{run.get_absolute_url()}"' in body
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in body
    assert "Generate the pre-call pack" not in body

    report_render(run_id=run.pk)
    body = client.get(pack_url(call)).content.decode()
    download = reverse("report_download", kwargs={"run_id": run.pk})
    assert "Download the pre-call pack (PDF)" in body and download in body
    assert "Make it again" not in body and "http-equiv" not in body
    fetched = client.get(download)
    assert fetched.status_code == 200 and b"".join(fetched.streaming_content).startswith(b"%PDF")
    assert "pre-call-pack" in fetched["Content-Disposition"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.coach_1.email]


def test_once_its_data_changed_the_pack_can_be_made_again(world, calls, client_of, media):
    _, call = calls
    run = pack_request(access=Access.for_user(world.coach_1), call=call)
    report_render(run_id=run.pk)
    client = client_of(world.coach_1)
    assert "Make it again" not in client.get(pack_url(call)).content.decode()
    action = CallAction.objects.get(text="Print the new floor map")
    action.done_on = timezone.localdate()
    action.save()
    body = client.get(pack_url(call)).content.decode()
    assert "Make it again" in body and "has changed since it was made" in body
    client.post(generate_url(call))
    assert ReportRun.objects.filter(call=call).count() == 2, "making it again is a new run"


def test_readers_of_the_project_see_the_pack_and_outsiders_get_404(world, calls, client_of, media):
    _, call = calls
    run = pack_request(access=Access.for_user(world.coach_1), call=call)
    report_render(run_id=run.pk)
    download = reverse("report_download", kwargs={"run_id": run.pk})
    for reader in (world.a_member, world.a_viewer, world.programme_admin):
        assert client_of(reader).get(download).status_code == 200, reader
    api = f"/api/v1/projects/{call.project_id}/calls/{call.pk}/packs/"
    for outsider in (world.b_member, world.coach_2, world.b_viewer, world.nobody):
        client = client_of(outsider)
        assert client.post(generate_url(call)).status_code == 404, outsider
        assert client.get(run.get_absolute_url()).status_code == 404, outsider
        assert client.get(download).status_code == 404, outsider
        assert client.post(api).status_code == 404, outsider
        assert client.get(api).status_code == 404, outsider
    assert ReportRun.objects.filter(call=call).count() == 1


def test_a_call_of_another_project_is_404(world, calls, client_of, system_scope):
    _, call = calls
    url = reverse("call_pack_generate", kwargs={"project_id": world.project_b.pk, "call_id": call.pk})
    assert client_of(world.programme_admin).post(url).status_code == 404
    assert not ReportRun.objects.exists()


def test_the_api_makes_lists_and_polls_a_pack(world, calls, client_of, media):
    _, call = calls
    client = client_of(world.coach_1)
    api = f"/api/v1/projects/{call.project_id}/calls/{call.pk}/packs/"
    created = client.post(api)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["scope_kind"], body["call"], body["kind"]) == ("call", str(call.pk), "pdf")
    report_render(run_id=body["id"])
    listed = client.get(api).json()["results"]
    assert [run["id"] for run in listed] == [body["id"]] and listed[0]["status"] == "done"
    assert client.get(listed[0]["download_url"]).status_code == 200


def test_the_run_page_of_an_automatic_pack_says_who_made_it(world, calls, client_of, system_scope):
    _, call = calls
    run = pack_request_automatic(call=call, job="test")
    body = client_of(world.coach_1).get(run.get_absolute_url()).content.decode()
    assert "Made automatically before the call" in body and "Back to the pre-call pack" in body
