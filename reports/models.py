"""Report runs: the source of truth for every PDF, XLSX or CSV report a user asks for."""

from django.conf import settings
from django.db import models
from django.urls import reverse

from alwaysevents.tenancy import TenantModel


def report_file_name(run: "ReportRun", filename: str) -> str:
    """One fixed storage name per run, so a task delivered twice overwrites rather than adds a file."""
    return f"reports/{run.pk}.{run.kind}"


class ReportRun(TenantModel):
    """One requested report. Tenant-owned by the organisation the scope belongs to (the project's
    organisation for a project report), so it is read in the same tenant scope as the data it holds."""

    class ScopeKind(models.TextChoices):
        PROJECT = "project", "Project"
        ORGANISATION = "organisation", "Organisation"
        SYSTEM = "system", "Integrated care system"
        COHORT = "cohort", "Cohort"

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
    scope_id = models.UUIDField(help_text="The project, organisation, system or cohort reported on.")
    project = models.ForeignKey(
        "coproduction.Project", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=Kind, default=Kind.PDF)
    parameters = models.JSONField(default=dict, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="report_runs"
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
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
                condition=~models.Q(scope_kind="project") | models.Q(project__isnull=False),
                name="report_run_project_scope_has_project",
            ),
        ]
        indexes = [models.Index(fields=["project", "-created_at"], name="report_run_project_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.get_scope_kind_display().lower()} {self.scope_id}"

    def get_absolute_url(self) -> str:
        return reverse("report_run", kwargs={"run_id": self.pk})

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
