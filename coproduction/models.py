"""Always Event projects and, with the co-production issue, everything a team records about them."""

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

    class Meta(TenantModel.Meta):
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("project_detail", kwargs={"project_id": self.pk})
