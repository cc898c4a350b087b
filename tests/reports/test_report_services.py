from datetime import date

import pytest
from django.core import mail
from django.db import OperationalError
from django.http import Http404

from accounts.access import Access
from alwaysevents.models import AuditEvent
from coproduction import models as co
from reports import services
from reports.models import ReportRun
from reports.services import UNAVAILABLE, report_render, report_request, report_retry

from .helpers import pdf_info, pdf_text

pytestmark = pytest.mark.urls("tests.reports.urls")


def request_run(world, user=None, kind="pdf") -> ReportRun:
    user = user or world.a_member
    return report_request(access=Access.for_user(user), scope=world.project_a, kind=kind)


def files_in(media) -> list[str]:
    folder = media / "reports"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_report_is_queued_on_commit_and_rendered_once(
    world, system_scope, media, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = request_run(world)
    assert run.status == ReportRun.Status.QUEUED, "nothing runs before the run is committed"
    assert run.organisation == world.org_a and run.project == world.project_a
    for callback in callbacks:
        callback()
    run.refresh_from_db()
    assert (run.status, run.progress, run.attempts) == (ReportRun.Status.DONE, 100, 1)
    assert files_in(media) == [f"{run.pk}.pdf"]
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [world.a_member.email]
    assert f"/reports/{run.pk}/" in mail.outbox[0].body
    actions = set(AuditEvent.objects.filter(object_id=str(run.pk)).values_list("action", flat=True))
    assert actions == {"report.request", "report.render", "report.email"}


def test_rendering_twice_makes_one_file_and_one_email(world, system_scope, media):
    run = request_run(world)
    assert report_render(run_id=run.pk) is True
    assert report_render(run_id=run.pk) is False
    assert files_in(media) == [f"{run.pk}.pdf"]
    assert len(mail.outbox) == 1
    assert AuditEvent.objects.filter(action="report.render", object_id=str(run.pk)).count() == 1


def test_a_delivery_after_an_unfinished_one_replaces_its_file(world, system_scope, media):
    run = request_run(world)
    (media / "reports").mkdir(parents=True)
    (media / "reports" / f"{run.pk}.pdf").write_bytes(b"half a file from a worker that died")
    report_render(run_id=run.pk)
    assert files_in(media) == [f"{run.pk}.pdf"]
    assert (media / "reports" / f"{run.pk}.pdf").read_bytes().startswith(b"%PDF")


def test_anyone_who_reads_the_project_may_ask_but_nobody_else(world, system_scope):
    assert request_run(world, user=world.coach_1).requested_by == world.coach_1
    assert request_run(world, user=world.a_viewer).requested_by == world.a_viewer
    for outsider in (world.b_member, world.b_viewer, world.coach_2, world.nobody):
        with pytest.raises(Http404):
            request_run(world, user=outsider)
    assert ReportRun.objects.count() == 2


def test_an_unknown_kind_is_refused(world, system_scope):
    with pytest.raises(ValueError):
        request_run(world, kind="docx")
    assert not ReportRun.objects.exists()


def test_a_failure_fails_the_run_clearly_and_a_retry_makes_it(world, system_scope, media, monkeypatch):
    run = request_run(world)

    def broken(**kwargs):
        raise RuntimeError("font cache corrupt")

    monkeypatch.setattr(services, "render_pdf", broken)
    assert report_render(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert "could not be made (RuntimeError)" in run.error and "Try again" in run.error
    assert files_in(media) == [] and mail.outbox == []

    monkeypatch.undo()
    run = report_retry(access=Access.for_user(world.a_member), run=run)
    assert (run.status, run.error, run.progress) == (ReportRun.Status.QUEUED, "", 0)
    assert report_render(run_id=run.pk) is True
    run.refresh_from_db()
    assert (run.status, run.attempts) == (ReportRun.Status.DONE, 2)
    assert files_in(media) == [f"{run.pk}.pdf"] and len(mail.outbox) == 1


def test_a_retry_leaves_a_run_that_did_not_fail_alone(world, system_scope, media):
    run = request_run(world)
    report_render(run_id=run.pk)
    run = report_retry(access=Access.for_user(world.a_member), run=run)
    assert run.status == ReportRun.Status.DONE
    assert not AuditEvent.objects.filter(action="report.retry").exists()


def test_an_outsider_cannot_retry(world, system_scope):
    run = request_run(world)
    ReportRun.objects.filter(pk=run.pk).update(status=ReportRun.Status.FAILED, error="x")
    with pytest.raises(Http404):
        report_retry(access=Access.for_user(world.b_member), run=run)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED


def test_a_transient_error_is_left_to_the_task_to_retry(world, system_scope, media, monkeypatch):
    run = request_run(world)

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "render_pdf", database_gone)
    with pytest.raises(OperationalError):
        report_render(run_id=run.pk, transient=(OperationalError, ConnectionError))
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING and run.error == ""


def test_with_the_broker_down_the_run_fails_and_says_why(
    world, system_scope, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = request_run(world)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.error == UNAVAILABLE


def test_the_pdf_holds_the_statements_measures_cycles_and_unflagged_quotes(world, system_scope, media):
    records = world.records_a
    common = {"organisation": world.org_a, "project": world.project_a}
    flagged = co.Response.objects.create(
        **common,
        method="survey",
        collected_on=date(2026, 2, 2),
        text="Call Jo Bloggs on 07700 900123",
        identifier_flags=["phone"],
    )
    co.ResponseTheme.objects.create(**common, response=flagged, theme=records.theme)
    records.cycle.next_steps = "Paint the route to radiology"
    records.cycle.act_decision = "adopt"
    records.cycle.save()
    run = request_run(world)
    report_render(run_id=run.pk)
    run.refresh_from_db()
    content = run.file.read()
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for expected in (
        "Alpha wayfinding project",
        "Alpha Hospital Trust",
        "Alpha ICS",
        records.statement.vision,
        "Find the way for children and families: 90% by 31 December 2026",
        records.measure.name,
        records.cycle.objective,
        "Adopt",
        "Painted bones on the floor",
        records.theme.name,
        records.response.text,
        "Paint the route to radiology",
        "Contents",
        "Page 2 of",
    ):
        assert expected in text, expected
    assert "07700" not in text, "a response flagged as identifying someone is never quoted"
    info = pdf_info(content)
    assert info["Title"] == "Progress report: Alpha wayfinding project"
    assert info["Tagged"] == "yes"
    (media / "last-report.pdf").write_bytes(content)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_spreadsheets_hold_the_same_data(world, system_scope, media, kind):
    run = request_run(world, kind=kind)
    report_render(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE and run.file.name == f"reports/{run.pk}.{kind}"
    content = run.file.read()
    if kind == "xlsx":
        import io

        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(content))
        assert "PDSA cycles" in workbook.sheetnames
        cells = {cell.value for sheet in workbook for row in sheet.iter_rows() for cell in row}
    else:
        cells = content.decode("utf-8-sig")
    for expected in (
        world.records_a.statement.vision,
        world.records_a.measure.name,
        world.records_a.cycle.objective,
    ):
        assert any(expected in str(cell) for cell in cells) if kind == "xlsx" else expected in cells


def test_the_task_is_routed_to_the_pdf_queue_and_retries_only_transient_errors():
    from alwaysevents.celery import app
    from reports.tasks import render_report_task

    route = app.amqp.router.route({}, render_report_task.name, args=(), kwargs={})
    assert route["queue"].name == "pdf"
    assert render_report_task.acks_late is True
    assert set(render_report_task.autoretry_for) == {OperationalError, ConnectionError}
    assert render_report_task.retry_backoff and render_report_task.max_retries == 3
    assert 0 < render_report_task.soft_time_limit < render_report_task.time_limit


def test_a_transient_error_on_the_last_retry_fails_the_run(world, system_scope, media, monkeypatch):
    from reports.tasks import render_report_task

    run = request_run(world)

    def database_gone(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(services, "render_pdf", database_gone)
    render_report_task.apply(args=[str(run.pk)], retries=render_report_task.max_retries)
    run.refresh_from_db()
    assert (run.status, run.error) == (ReportRun.Status.FAILED, UNAVAILABLE)


def test_an_email_that_cannot_be_sent_fails_the_run_without_keeping_it_half_done(
    world, system_scope, media, monkeypatch
):
    import smtplib

    run = request_run(world)

    def refuse(**kwargs):
        raise smtplib.SMTPRecipientsRefused({})

    monkeypatch.setattr(services, "send_mail", refuse)
    assert report_render(run_id=run.pk) is False
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED and "SMTPRecipientsRefused" in run.error
    assert run.emailed_at is None
