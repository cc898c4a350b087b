"""A project's family of measures and their data, one row per period. The SPC engine is `measurement.spc`."""

from django.db import models
from django.db.models import Q
from django.urls import reverse

from alwaysevents.tenancy import TenantModel
from projects.models import ProjectRecord

# The fields of a measure's definition that people set, in the order the form asks for them.
DEFINITION_FIELDS = [
    "name",
    "kind",
    "is_aim_measure",
    "numerator",
    "denominator",
    "inclusions",
    "exclusions",
    "collection_method",
    "sampling_rule",
    "frequency",
    "week_start",
    "unit",
    "improvement_direction",
    "target",
    "default_chart",
    "starts_on",
    "per_site",
    "stratified_by",
    "gap_as",
]


class Measure(ProjectRecord):
    class Kind(models.TextChoices):
        PROCESS = "process", "Process (reliability)"
        OUTCOME = "outcome", "Outcome (experience)"
        BALANCING = "balancing", "Balancing"

    class CollectionMethod(models.TextChoices):
        STAFF_AUDIT = "staff_audit", "Staff audit"
        ASKED_OF_PATIENTS = "asked_of_patients", "Asked of patients"
        DATA_EXTRACT = "data_extract", "Data extract"

    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"

    class WeekStart(models.IntegerChoices):
        MONDAY = 0, "Monday"
        TUESDAY = 1, "Tuesday"
        WEDNESDAY = 2, "Wednesday"
        THURSDAY = 3, "Thursday"
        FRIDAY = 4, "Friday"
        SATURDAY = 5, "Saturday"
        SUNDAY = 6, "Sunday"

    class Unit(models.TextChoices):
        PERCENT = "percent", "%"
        COUNT = "count", "Count"
        RATE = "rate", "Rate"
        MINUTES = "minutes", "Minutes"

    class Direction(models.TextChoices):
        INCREASE = "increase", "Higher is better"
        DECREASE = "decrease", "Lower is better"
        NEUTRAL = "neutral", "Neither"

    class Chart(models.TextChoices):
        RUN = "run", "Run chart"
        P = "p", "P-chart"
        XMR = "xmr", "XmR chart (Making Data Count)"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.PROCESS)
    is_aim_measure = models.BooleanField(
        default=False, help_text="The reliability measure of the project's aim: did the Always Event happen?"
    )
    numerator = models.TextField(
        "Numerator", help_text="What is counted, for example 'families who found the way'."
    )
    denominator = models.TextField("Denominator", blank=True, help_text="Out of what. Blank for counts.")
    inclusions = models.TextField(blank=True)
    exclusions = models.TextField(blank=True)
    collection_method = models.CharField(
        max_length=20, choices=CollectionMethod, default=CollectionMethod.STAFF_AUDIT
    )
    sampling_rule = models.CharField(
        max_length=200, blank=True, help_text="For example '10 patients a week'."
    )
    frequency = models.CharField(max_length=10, choices=Frequency, default=Frequency.WEEKLY)
    week_start = models.PositiveSmallIntegerField(choices=WeekStart, default=WeekStart.MONDAY)
    unit = models.CharField(max_length=10, choices=Unit, default=Unit.PERCENT)
    improvement_direction = models.CharField(max_length=10, choices=Direction, default=Direction.INCREASE)
    target = models.DecimalField(max_digits=9, decimal_places=2, null=True, blank=True)
    default_chart = models.CharField(max_length=5, choices=Chart, default=Chart.RUN)
    starts_on = models.DateField(help_text="The first period with data; earlier periods are refused.")
    per_site = models.BooleanField(
        "Recorded per partner site",
        default=False,
        help_text="Each partner site enters its own data; the pathway is the sum of the sites.",
    )

    class Gap(models.TextChoices):
        DIFFERENCE = "difference", "Difference (percentage points, or counts)"
        RATIO = "ratio", "Ratio (most deprived ÷ least deprived)"

    stratified_by = models.JSONField(
        "Broken down by",
        default=list,
        blank=True,
        help_text="The population groups (the programme's dimensions, by key) each period is entered for; "
        "the total is the sum of the groups.",
    )
    gap_as = models.CharField(
        "Gap between groups as",
        max_length=10,
        choices=Gap,
        default=Gap.DIFFERENCE,
        help_text="How the inequality chart compares the first and last group of an ordered breakdown.",
    )
    # Bumped in the same transaction as every write of the measure's points or marks; with `version` it
    # keys the cached analyses, so a reader never needs to look at the points to know they changed.
    data_version = models.PositiveIntegerField(default=1, editable=False)
    # When a point was last entered or changed: the dashboards' "last data entry", read without the points.
    points_changed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta(TenantModel.Meta):
        ordering = ["-is_aim_measure", "kind", "name"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["project"], condition=Q(is_aim_measure=True), name="one_aim_measure"
            ),
            models.UniqueConstraint(fields=["project", "name"], name="measure_unique_name_in_project"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("measure_detail", kwargs={"project_id": self.project_id, "measure_id": self.pk})

    @property
    def data_stamp(self) -> str:
        """Changes whenever the definition (`version`), the points or the marks (`data_version`) change."""
        return f"{self.version}.{self.data_version}"

    @property
    def has_denominator(self) -> bool:
        """Percentages and rates are a numerator over a denominator; counts and minutes are single values."""
        return self.unit in (self.Unit.PERCENT, self.Unit.RATE)


class DataPoint(TenantModel):
    """One period's numerator (and denominator, for percentages). Re-importing a period replaces it."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="points")
    # The partner site a per-site measure's point belongs to; NULL for a measure of the whole project.
    site = models.ForeignKey(
        "coproduction.ProjectPartner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    period_start = models.DateField()
    numerator = models.DecimalField(max_digits=12, decimal_places=2)
    denominator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["measure", "period_start"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["measure", "period_start"],
                condition=Q(site__isnull=True),
                name="one_point_per_period",
            ),
            models.UniqueConstraint(
                fields=["measure", "site", "period_start"],
                condition=Q(site__isnull=False),
                name="one_point_per_site_period",
            ),
            models.CheckConstraint(condition=Q(numerator__gte=0), name="numerator_not_negative"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0), name="denominator_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.period_start}"


class StratumPoint(TenantModel):
    """One population group's numerator (and denominator) for one period of a stratified measure: counts,
    never people. `stratum` names the group in each of the measure's dimensions, "deprivation=1" or
    "age=65-79;deprivation=1" (dimensions in the measure's order). The period's DataPoint is their sum."""

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="stratum_points")
    period_start = models.DateField()
    stratum = models.CharField(max_length=300)
    numerator = models.DecimalField(max_digits=12, decimal_places=2)
    denominator = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)

    class Meta(TenantModel.Meta):
        ordering = ["measure", "period_start", "stratum"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["measure", "period_start", "stratum"], name="one_stratum_point_per_period"
            ),
            models.CheckConstraint(condition=Q(numerator__gte=0), name="stratum_numerator_not_negative"),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="stratum_denominator_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.period_start} {self.stratum}"


class PeriodMark(TenantModel):
    """A period where the chart starts a new baseline (rebase) or leaves a point out (exclude), with why."""

    class Kind(models.TextChoices):
        REBASE = "rebase", "Rebase: new limits from here"
        EXCLUDE = "exclude", "Exclude this point from the calculations"

    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="marks")
    period_start = models.DateField()
    kind = models.CharField(max_length=10, choices=Kind)
    reason = models.CharField(max_length=300)

    class Meta(TenantModel.Meta):
        ordering = ["measure", "period_start"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["measure", "period_start", "kind"], name="one_mark_per_period_kind"
            ),
        ]
