"""A finished report's file, downloaded from the page or the API: one answer for both."""

from django.http import FileResponse, Http404

from alwaysevents.audit import audit

from .models import ReportRun
from .presenters import ReportRunPresenter
from .selectors import run_visible


def report_file_response(request, run_id) -> FileResponse:
    """The run's file as an attachment, audited; not found until it is ready or when out of scope."""
    run = run_visible(access=request.access, run_id=run_id)
    if run.status != ReportRun.Status.DONE or not run.file:
        raise Http404("This report is not ready")
    presenter = ReportRunPresenter(run, request.access)
    audit(actor=request.user, action="report.download", obj=run)
    return FileResponse(
        run.file.open("rb"),
        as_attachment=True,
        filename=presenter.file_name,
        content_type=presenter.content_type,
    )
