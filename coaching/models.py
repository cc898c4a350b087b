"""The support around each project: coaching calls and their actions, monthly returns, and the dashboards'
read model.

The tables keep the names they had in `programmes` (the models moved here without moving their rows), and so
do the constraints the tenancy base names after the app label.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from alwaysevents.tenancy import TenantModel
from programmes.models import Cohort, Enrolment, Organisation, Phase, Programme
from projects.models import ProjectRecord


def kept_tenant_constraints(table: str) -> list[models.UniqueConstraint]:
    """TenantModel's (organisation, id) constraint under the name it had before the move."""
    return [models.UniqueConstraint(fields=["organisation", "id"], name=f"{table}_org_id")]


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
        db_table = "programmes_coachingcall"
        constraints = kept_tenant_constraints("programmes_coachingcall")
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
        db_table = "programmes_callaction"
        constraints = kept_tenant_constraints("programmes_callaction")
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
        db_table = "programmes_monthlyreturn"
        ordering = ["-month"]
        constraints = [
            *kept_tenant_constraints("programmes_monthlyreturn"),
            models.UniqueConstraint(fields=["project", "month"], name="one_return_per_project_month"),
            models.CheckConstraint(condition=Q(month__day=1), name="return_month_is_first_day"),
        ]

    def __str__(self) -> str:
        return f"Monthly return for {self.month:%B %Y}"

    def get_absolute_url(self) -> str:
        return reverse("return_edit", kwargs={"project_id": self.project_id, "return_id": self.pk})


class DashboardEntry(TenantModel):
    """The dashboards' read model: one row per project holding the facts every dashboard shows, rebuilt in
    the transaction of each write that changes them (`coaching.services_dashboards`), so a dashboard page
    filters, sorts, counts and pages projects in one table and reads only the rows it shows. The names a row
    shows (project, organisation, system, phase, cohort, programme) are copied too, and a write to any of
    them rebuilds the entries that show it; partners are kept as ids, their names joined when read. Facts
    that move with the clock alone are rebuilt by a beat task once `expires_at` passes
    (docs/adr/012-dashboard-read-model.md)."""

    class ReturnStatus(models.TextChoices):
        SUBMITTED = "submitted", "Submitted"
        DRAFT = "draft", "Draft"
        MISSING = "missing", "Not started"

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="dashboard_entry"
    )
    project_title = models.CharField(max_length=200, default="")
    organisation_name = models.CharField(max_length=200, default="")
    organisation_kind = models.CharField(max_length=20, default="")
    organisation_ods_code = models.CharField(max_length=20, blank=True, default="")
    # The system the project belongs to: its lead organisation when that is a system, else that one's system
    system = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    system_name = models.CharField(max_length=200, blank=True, default="")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.SET_NULL, null=True, related_name="+")
    cohort = models.ForeignKey(Cohort, on_delete=models.SET_NULL, null=True, related_name="+")
    cohort_name = models.CharField(max_length=100, default="")
    programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True, related_name="+")
    programme_name = models.CharField(max_length=200, default="")
    phase = models.ForeignKey(Phase, on_delete=models.SET_NULL, null=True, related_name="+")
    phase_order = models.PositiveSmallIntegerField(default=0)
    phase_name = models.CharField(max_length=100, default="")
    suggested_score = models.DecimalField(max_digits=2, decimal_places=1)
    aim_measure = models.ForeignKey(
        "measurement.Measure", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    latest_value = models.FloatField(null=True, blank=True)
    latest_start = models.DateField(null=True, blank=True)
    variation_icon = models.CharField(max_length=40, blank=True)
    assurance_icon = models.CharField(max_length=40, blank=True)
    # improvement, concern, neutral, common_cause or no_data: what the icon filter and the roll-ups count
    icon_group = models.CharField(max_length=20)
    last_data_entry = models.DateTimeField(null=True, blank=True)
    return_month = models.DateField(help_text="The month whose return the status is of: the previous one.")
    return_status = models.CharField(max_length=10, choices=ReturnStatus)
    unresolved_comments = models.PositiveIntegerField(default=0)
    next_call = models.DateTimeField(null=True, blank=True)
    last_coaching_call = models.DateTimeField(null=True, blank=True)  # the last held, of kind "coaching"
    # The current partner organisations' ids (their names are joined when read, so a rename rebuilds nothing)
    partners = models.JSONField(default=list, blank=True)
    equity = models.JSONField(
        null=True, blank=True
    )  # the aim measure's equity marker, as readers outside see it
    expires_at = models.DateTimeField(db_index=True, help_text="When a fact moves with the clock alone.")

    class Meta(TenantModel.Meta):
        db_table = "programmes_dashboardentry"
        constraints = kept_tenant_constraints("programmes_dashboardentry")
        verbose_name_plural = "dashboard entries"

    def __str__(self) -> str:
        return f"Dashboard entry of {self.project_id}"
