"""Organisations, programmes, cohorts, phases and enrolments: the reference data every project hangs from."""

import functools
import operator
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse

# The identifier formats we accept: an ODS code (trusts R.., systems Q.., practices A12345, PCNs U12345) and a
# CQC location ID ("1-" and 8 to 11 digits).
ODS_CODE = RegexValidator(
    r"^[A-Z0-9]{3,6}$", "An ODS code is 3 to 6 capital letters and digits, e.g. RAN or B82005."
)
CQC_LOCATION_ID = RegexValidator(r"^1-[0-9]{8,11}$", "A CQC location ID looks like 1-123456789.")


class Region(models.Model):
    """One of NHS England's seven regions; each integrated care system belongs to one. Reference data."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100, unique=True)
    code = models.CharField(
        max_length=3,
        unique=True,
        validators=[RegexValidator(r"^Y[0-9]{2}$", "A region code looks like Y58.")],
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("region_detail", kwargs={"region_id": self.pk})


# NHS England's seven regions (code, name), as migration 0006 seeds them.
NHS_ENGLAND_REGIONS = (
    ("Y56", "London"),
    ("Y58", "South West"),
    ("Y59", "South East"),
    ("Y60", "Midlands"),
    ("Y61", "East of England"),
    ("Y62", "North West"),
    ("Y63", "North East and Yorkshire"),
)


def nhs_england_regions() -> dict[str, Region]:
    """The seven regions by code; any missing put back (a test that flushes the database removes what the
    migrations seeded, and the demo seed may run after it)."""
    return {
        code: Region.objects.get_or_create(code=code, defaults={"name": name})[0]
        for code, name in NHS_ENGLAND_REGIONS
    }


# Which types each kind of organisation may have ("" = none), and which kinds must have an ODS code: the one
# table the check constraint, the form and the API all read.
TYPES_OF_KIND = {
    "provider": ("acute", "community", "mental_health", "primary_care", "social_care", "ambulance"),
    "system": ("",),
    "local_authority": ("",),
    "independent_care": ("domiciliary_care", "care_home"),
    "primary_care": ("gp_practice", "pcn"),
    "vcse": ("",),
}
KINDS_NEEDING_ODS = ("provider", "system", "primary_care")


class Organisation(models.Model):
    """An organisation taking part: an NHS provider, an integrated care system (the tenant for system-wide
    work), or a partner that is not NHS: a local authority, an independent care provider, primary care or a
    voluntary, community and social enterprise organisation."""

    class Kind(models.TextChoices):
        PROVIDER = "provider", "NHS provider"
        SYSTEM = "system", "Integrated care system"
        LOCAL_AUTHORITY = "local_authority", "Local authority (adult social care)"
        INDEPENDENT_CARE = "independent_care", "Independent care provider"
        PRIMARY_CARE = "primary_care", "GP practice or primary care network"
        VCSE = "vcse", "Voluntary, community or social enterprise"

    class ProviderType(models.TextChoices):
        ACUTE = "acute", "Acute"
        COMMUNITY = "community", "Community"
        MENTAL_HEALTH = "mental_health", "Mental health"
        PRIMARY_CARE = "primary_care", "Primary care"
        SOCIAL_CARE = "social_care", "Social care"
        AMBULANCE = "ambulance", "Ambulance"
        DOMICILIARY_CARE = "domiciliary_care", "Domiciliary care"
        CARE_HOME = "care_home", "Care home"
        GP_PRACTICE = "gp_practice", "GP practice"
        PRIMARY_CARE_NETWORK = "pcn", "Primary care network"

    TYPES_OF_KIND = TYPES_OF_KIND
    KINDS_NEEDING_ODS = KINDS_NEEDING_ODS

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=20, choices=Kind)
    name = models.CharField(max_length=200)
    ods_code = models.CharField(  # NULL, not "": many organisations without one must not clash
        "ODS code", max_length=10, unique=True, null=True, blank=True, validators=[ODS_CODE]
    )
    cqc_location_id = models.CharField(
        "CQC location ID", max_length=14, unique=True, null=True, blank=True, validators=[CQC_LOCATION_ID]
    )
    provider_type = models.CharField("Type", max_length=20, choices=ProviderType, blank=True)
    system = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="providers",
        limit_choices_to={"kind": Kind.SYSTEM},
        help_text="The integrated care system an organisation belongs to.",
    )
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="systems",
        help_text="The NHS England region of a system.",
    )
    place = models.ForeignKey(
        "Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="organisations",
        help_text="The place within its system an organisation belongs to, if any.",
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=functools.reduce(
                    operator.or_,
                    (Q(kind=kind, provider_type__in=list(types)) for kind, types in TYPES_OF_KIND.items()),
                ),
                name="organisation_kind_type",
                violation_error_message="Choose a type that fits the kind of organisation.",
            ),
            models.CheckConstraint(
                condition=~Q(kind="system") | (Q(system__isnull=True) & Q(place__isnull=True)),
                name="organisation_system_is_top",
                violation_error_message="A system does not belong to another system or to a place.",
            ),
            models.CheckConstraint(
                condition=Q(kind="system") | Q(region__isnull=True),
                name="organisation_region_only_for_systems",
                violation_error_message="Only a system belongs to a region; its members follow it.",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=list(KINDS_NEEDING_ODS)) | Q(ods_code__isnull=False),
                name="organisation_ods_where_needed",
                violation_error_message="NHS providers, systems and primary care need an ODS code.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_system(self) -> bool:
        return self.kind == self.Kind.SYSTEM

    @property
    def identifier(self) -> str:
        """The identifier to show: the ODS code, else the CQC location ID, else nothing."""
        return self.ods_code or self.cqc_location_id or ""

    def clean(self) -> None:
        errors = {}
        if self.provider_type not in self.TYPES_OF_KIND.get(self.kind, ()):
            errors["provider_type"] = "Choose a type that fits the kind of organisation."
        if self.kind in self.KINDS_NEEDING_ODS and not self.ods_code:
            errors["ods_code"] = f"Enter the ODS code of this {self.get_kind_display().lower()}."
        if self.is_system and (self.system_id or self.place_id):
            errors["system"] = "A system does not belong to another system or to a place."
        if self.region_id and not self.is_system:
            errors["region"] = "Only a system belongs to a region."
        if self.place_id and self.place.system_id != self.system_id:
            errors["place"] = "Choose a place of the organisation's own system."
        if errors:
            raise ValidationError(errors)


class Place(models.Model):
    """A place within an integrated care system (a Place Alliance, a borough, a locality). Reference data the
    programme admins keep; organisations and projects may belong to one."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    system = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="places",
        limit_choices_to={"kind": Organisation.Kind.SYSTEM},
    )
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["system__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["system", "name"], name="place_unique_name_in_system"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("place_detail", kwargs={"place_id": self.pk})


class Programme(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


# The population groups a measure may be broken down by, seeded into every programme (docs/measurement.md,
# "Measures by population group"). Each: key, name, help, ordered (the groups run from one end to the other,
# so the gap is between the first and the last), from_places, and the groups as (key, label).
DEFAULT_DIMENSIONS = (
    (
        "deprivation",
        "Deprivation quintile (IMD)",
        "Index of Multiple Deprivation quintile of the person's home area: 1 is the most deprived fifth.",
        True,
        False,
        (("1", "1 (most deprived)"), ("2", "2"), ("3", "3"), ("4", "4"), ("5", "5 (least deprived)")),
    ),
    (
        "age",
        "Age band",
        "",
        True,
        False,
        (
            ("0-17", "0 to 17"),
            ("18-44", "18 to 44"),
            ("45-64", "45 to 64"),
            ("65-79", "65 to 79"),
            ("80+", "80 and over"),
        ),
    ),
    (
        "sex",
        "Sex",
        "",
        False,
        False,
        (("female", "Female"), ("male", "Male")),
    ),
    (
        "ethnic-group",
        "Ethnic group",
        "The ONS 2021 census's high-level ethnic groups.",
        False,
        False,
        (
            ("asian", "Asian, Asian British or Asian Welsh"),
            ("black", "Black, Black British, Black Welsh, Caribbean or African"),
            ("mixed", "Mixed or Multiple ethnic groups"),
            ("white", "White"),
            ("other", "Other ethnic group"),
        ),
    ),
    (
        "conditions",
        "Number of long-term conditions",
        "",
        True,
        False,
        (("0", "None"), ("1", "One"), ("2", "Two"), ("3+", "Three or more")),
    ),
    ("place", "Place", "The places of the project's integrated care system.", False, True, ()),
)


class Dimension(models.Model):
    """One way of breaking a measure down by population group, kept for the whole programme. Counts by
    group are aggregates: no person is recorded, only how many of each group."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="dimensions")
    key = models.SlugField(max_length=40)
    name = models.CharField(max_length=100)
    help_text = models.CharField(max_length=300, blank=True)
    ordered = models.BooleanField(
        default=False, help_text="The groups run from one end to the other: the gap is first against last."
    )
    from_places = models.BooleanField(
        default=False, help_text="The groups are the places of the project's integrated care system."
    )
    strata = models.JSONField(default=list, blank=True, help_text="The groups in order: [[key, label], ...].")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["programme", "position"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "key"], name="dimension_unique_key_in_programme"),
        ]

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
