"""Organisations, programmes, cohorts, phases and enrolments: the reference data every project hangs from."""

import uuid

from django.db import models
from django.db.models import Q
from django.urls import reverse


class Organisation(models.Model):
    """An NHS provider or an integrated care system: the tenant."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", "Provider"
        SYSTEM = "system", "Integrated care system"

    class ProviderType(models.TextChoices):
        ACUTE = "acute", "Acute"
        COMMUNITY = "community", "Community"
        MENTAL_HEALTH = "mental_health", "Mental health"
        PRIMARY_CARE = "primary_care", "Primary care"
        SOCIAL_CARE = "social_care", "Social care"
        AMBULANCE = "ambulance", "Ambulance"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind)
    name = models.CharField(max_length=200)
    ods_code = models.CharField("ODS code", max_length=10, unique=True)
    provider_type = models.CharField(max_length=20, choices=ProviderType, blank=True)
    system = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        limit_choices_to={"kind": Kind.SYSTEM},
        help_text="The integrated care system a provider belongs to.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="provider") & ~Q(provider_type=""))
                | (Q(kind="system") & Q(provider_type="") & Q(system__isnull=True)),
                name="organisation_kind_fields",
                violation_error_message="A provider needs a type; a system has neither a type nor a system.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_system(self) -> bool:
        return self.kind == self.Kind.SYSTEM


class Programme(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Phase(models.Model):
    """One step of a programme's journey; each programme keeps its own list (DOMAIN.md)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="phases")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["programme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "order"], name="phase_unique_order_in_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.order} {self.name}"


class ChecklistItem(models.Model):
    """Something a project must have done before it leaves a phase."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    phase = models.ForeignKey(Phase, on_delete=models.CASCADE, related_name="checklist_items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)

    class Meta:
        ordering = ["phase", "order"]

    def __str__(self) -> str:
        return self.text


class Cohort(models.Model):
    """A wave of organisations that starts together with a launch day."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="cohorts")
    name = models.CharField(max_length=100)
    launch_date = models.DateField()

    class Meta:
        ordering = ["programme", "launch_date"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "name"], name="cohort_unique_name_in_programme"),
        ]

    def __str__(self) -> str:
        return f"{self.programme}: {self.name}"


class Enrolment(models.Model):
    """An organisation's place in a cohort. A reference row the programme admin keeps, not tenant data:
    access rules read it before any tenant scope exists (docs/adr/001-tenancy.md)."""

    class Status(models.TextChoices):
        INVITED = "invited", "Invited"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        WITHDRAWN = "withdrawn", "Withdrawn"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="enrolments")
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments")
    executive_sponsor = models.CharField(max_length=200, blank=True, help_text="Name and job title.")
    status = models.CharField(max_length=20, choices=Status, default=Status.ACTIVE)
    enrolled_on = models.DateField(auto_now_add=True)

    class Meta:
        ordering = ["cohort", "organisation__name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "cohort"], name="enrolment_unique_per_cohort"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.cohort}"

    def get_absolute_url(self) -> str:
        return reverse("admin:programmes_enrolment_change", args=[self.pk])


# --- Support around each project: coaching calls and their actions, monthly returns -------------------
# Imported here, not at the top: coproduction's models refer to this module's models by name only.
from django.conf import settings  # noqa: E402

from alwaysevents.tenancy import TenantModel  # noqa: E402
from coproduction.models import ProjectRecord  # noqa: E402


class CoachingCall(ProjectRecord):
    """A call (or site visit) the programme's coaches hold with one project's team, or with several
    projects' teams together (a group call: one row per project, sharing `group_id`)."""

    class Kind(models.TextChoices):
        COACHING = "coaching", "Coaching call"
        LEADERSHIP = "leadership", "Leadership call"
        ALL_SITE = "all_site", "All-site call"
        SITE_VISIT = "site_visit", "Site visit"

    kind = models.CharField("Type", max_length=20, choices=Kind, default=Kind.COACHING)
    scheduled_for = models.DateTimeField()
    attendees = models.TextField(blank=True, help_text="Names of the staff taking part, one a line.")
    notes = models.TextField(blank=True)
    # A call held with several projects at once is one row per project (each in its project's
    # organisation, so tenancy holds) sharing this id.
    group_id = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta(TenantModel.Meta):
        ordering = ["-scheduled_for"]
        indexes = [models.Index(fields=["project", "scheduled_for"], name="call_project_when")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.scheduled_for:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        return reverse("call_detail", kwargs={"project_id": self.project_id, "call_id": self.pk})


class CallAction(ProjectRecord):
    """Something agreed on a call; until it is done it is carried to the project's next call."""

    call = models.ForeignKey(CoachingCall, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField("Action", max_length=300)
    owner = models.CharField(max_length=120, blank=True, help_text="The name of who will do it.")
    due_on = models.DateField(null=True, blank=True)
    done_on = models.DateField(null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["due_on", "created_at"]

    def __str__(self) -> str:
        return self.text


class MonthlyReturn(ProjectRecord):
    """A project's return for one month: figures filled from what the team recorded, frozen as a snapshot
    when it is submitted, and the barriers and help wanted the team types."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    month = models.DateField(help_text="The first day of the month.")
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    snapshot = models.JSONField(default=dict, blank=True, editable=False)
    barriers = models.TextField(blank=True)
    help_wanted = models.TextField(blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["-month"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(fields=["project", "month"], name="one_return_per_project_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="return_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"Monthly return for {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("return_edit", kwargs={"project_id": self.project_id, "return_id": self.pk})
