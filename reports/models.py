"""Report runs: the source of truth for every PDF, XLSX or CSV report a user asks for."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from alwaysevents.tenancy import TenantModel


def report_file_name(run: "ReportRun", filename: str) -> str:
    """One fixed storage name per run, so a task delivered twice overwrites rather than adds a file."""
    return f"reports/{run.pk}.{run.kind}"


class ReportRun(TenantModel):
    """One requested report. Tenant-owned by an organisation whose projects it holds (the project's for a
    project report or pre-call pack, the organisation's for an organisation report, the first included
    project's for a system, cohort or region report: docs/adr/006-report-scopes.md), so everyone who may read
    the run has its organisation in their tenant scope."""

    class ScopeKind(models.TextChoices):
        PROJECT = "project", "Project"
        ORGANISATION = "organisation", "Organisation"
        SYSTEM = "system", "Integrated care system"
        COHORT = "cohort", "Cohort"
        REGION = "region", "NHS England region"
        CALL = "call", "Pre-call pack"

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF progress report"
        XLSX = "xlsx", "Excel workbook (XLSX)"
        CSV = "csv", "CSV spreadsheet"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Ready"
        FAILED = "failed", "Failed"

    scope_kind = models.CharField(max_length=20, choices=ScopeKind)
    scope_id = models.UUIDField(
        help_text="The project, organisation, system, cohort, region or call reported on."
    )
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    call = models.ForeignKey(
        "coaching.CoachingCall", on_delete=models.CASCADE, null=True, blank=True, related_name="pack_runs"
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PDF)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="report_runs",
        help_text="Empty for a pre-call pack the beat job asked for.",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    # A multi-project PDF is rendered in parts (reports/parts.py): how many of them are done so far.
    parts_done = models.PositiveSmallIntegerField(default=0)
    parts_total = models.PositiveSmallIntegerField(default=0)
    error = models.TextField(blank=True)
    file = models.FileField(upload_to=report_file_name, blank=True, max_length=200)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta(TenantModel.Meta):
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="report_run_progress_le_100"),
            models.CheckConstraint(
                condition=~models.Q(scope_kind__in=["project", "call"]) | models.Q(project__isnull=False),
                name="report_run_project_scope_has_project",
            ),
            models.CheckConstraint(
                condition=~models.Q(scope_kind="call") | models.Q(call__isnull=False),
                name="report_run_call_scope_has_call",
            ),
            models.CheckConstraint(
                condition=models.Q(scope_kind="call") | models.Q(requested_by__isnull=False),
                name="report_run_only_packs_are_unrequested",
            ),
            # The beat job asks for a call's pack once, however often or concurrently it runs.
            models.UniqueConstraint(
                fields=["call"],
                condition=models.Q(scope_kind="call", requested_by__isnull=True),
                name="report_run_one_automatic_pack_per_call",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "-created_at"], name="report_run_project_recent"),
            models.Index(fields=["scope_kind", "scope_id", "-created_at"], name="report_run_scope_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.get_scope_kind_display().lower()} {self.scope_id}"

    def get_absolute_url(self) -> str:
        return reverse("report_run", kwargs={"run_id": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
