"""An Always Event project, and the base of every record its team keeps (DOMAIN.md). Every app that works on
projects builds on these; they build on nothing above the reference data (docs/architecture.md)."""

from django.db import models
from django.urls import reverse

from alwaysevents.tenancy import TenantModel


class Project(TenantModel):
    """One Always Event: a provider's, or a system's when it runs across several member providers."""

    enrolment = models.ForeignKey("programmes.Enrolment", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(max_length=200)
    area_of_focus = models.CharField(
        max_length=200, help_text="The service or pathway, for example children's outpatients."
    )
    phase = models.ForeignKey("programmes.Phase", on_delete=models.PROTECT, related_name="projects")
    progress_score_override = models.DecimalField(max_digits=2, decimal_places=1, null=True, blank=True)
    progress_score_reason = models.TextField(blank=True)
    place = models.ForeignKey(
        "programmes.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="projects",
        help_text="The place within the system the project belongs to, if any.",
    )

    class Meta(TenantModel.Meta):
        # The table and its constraint keep the names they had in coproduction, the app that held the model
        # until December 2026 (projects 0001).
        db_table = "coproduction_project"
        ordering = ["title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "id"], name="coproduction_project_org_id"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("project_detail", kwargs={"project_id": self.pk})


class ProjectRecord(TenantModel):
    """A record that belongs to one project (and so to its organisation)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")

    class Meta(TenantModel.Meta):
        abstract = True
