"""The demo world: a programme with two cohorts, systems in their regions with places, NHS providers and the
partners that are not NHS, projects from the seed's examples (the integrated-care ones with partner
organisations) and one user for each role. Running it again changes nothing (every row is found by its natural
key); a demo seeded before the integrated-care examples gains them on its next run."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from accounts.models import Role, User
from accounts.services import role_grant_create
from alwaysevents.audit import audit
from alwaysevents.tenancy import all_organisations
from coaching.services_dashboards import dashboard_entries_refresh_expired
from coproduction.models import ProjectPartner
from demo.coaching import seed_coaching
from demo.coproduction import seed_equity_cycles, seed_integrated_care, seed_journeys
from demo.measurement import seed_measures, seed_site_measures, seed_stratified_measures
from programmes.models import (
    Cohort,
    Enrolment,
    Organisation,
    Phase,
    Place,
    Programme,
    Region,
    nhs_england_regions,
)
from programmes.services import programme_create
from projects.models import Project

JOB = "seed_demo"
PROGRAMME_NAME = "Always Events national programme"

# ods code: name, NHS England region code (programmes migration 0006 made the seven regions)
SYSTEMS = {
    "QSL": ("NHS Somerset Integrated Care System", "Y58"),
    "QOP": ("Greater Manchester Integrated Care Partnership", "Y62"),
    "QJ2": ("Joined Up Care Derbyshire", "Y60"),
    "QMJ": ("North Central London Integrated Care System", "Y56"),
    "QHM": ("North East and North Cumbria Integrated Care System", "Y63"),
}

# system ods code: its places (Derbyshire's Place Alliances; boroughs in Greater Manchester, the North East)
PLACES = {
    "QJ2": ["Chesterfield Place Alliance", "Erewash Place Alliance", "High Peak Place Alliance"],
    "QOP": ["Manchester"],
    "QHM": ["South Tyneside"],
}

# ods code, name, provider type, system ods code
PROVIDERS = [
    ("RH5", "Somerset NHS Foundation Trust", Organisation.ProviderType.ACUTE, "QSL"),
    ("RBA", "Somerset Community Health", Organisation.ProviderType.COMMUNITY, "QSL"),
    ("RAN", "Royal National Orthopaedic Hospital NHS Trust", Organisation.ProviderType.ACUTE, "QMJ"),
    ("R0A", "Manchester University NHS Foundation Trust", Organisation.ProviderType.ACUTE, "QOP"),
    ("VNH1", "Greater Manchester Home Care Partnership", Organisation.ProviderType.SOCIAL_CARE, "QOP"),
    (
        "RTG",
        "University Hospitals of Derby and Burton NHS Foundation Trust",
        Organisation.ProviderType.ACUTE,
        "QJ2",
    ),
    (
        "RY8",
        "Derbyshire Community Health Services NHS Foundation Trust",
        Organisation.ProviderType.COMMUNITY,
        "QJ2",
    ),
    ("RXM", "Derbyshire Healthcare NHS Foundation Trust", Organisation.ProviderType.MENTAL_HEALTH, "QJ2"),
    ("R0B", "South Tyneside and Sunderland NHS Foundation Trust", Organisation.ProviderType.ACUTE, "QHM"),
    ("RH6", "Somerset Mental Health Services", Organisation.ProviderType.MENTAL_HEALTH, "QSL"),
]

# The partners that are not NHS providers. key: kind, type, name, ODS code, CQC location ID, system, place
PARTNER_ORGANISATIONS = {
    "L85607": (
        Organisation.Kind.PRIMARY_CARE,
        Organisation.ProviderType.GP_PRACTICE,
        "Quantock Vale Surgery",
        "L85607",
        None,
        "QSL",
        None,
    ),
    "manchester_council": (
        Organisation.Kind.LOCAL_AUTHORITY,
        "",
        "Manchester City Council Adult Social Care",
        None,
        None,
        "QOP",
        "Manchester",
    ),
    "1-101234567": (
        Organisation.Kind.INDEPENDENT_CARE,
        Organisation.ProviderType.DOMICILIARY_CARE,
        "Northern Quarter Home Care",
        None,
        "1-101234567",
        "QOP",
        "Manchester",
    ),
    "U84031": (
        Organisation.Kind.PRIMARY_CARE,
        Organisation.ProviderType.PRIMARY_CARE_NETWORK,
        "Chesterfield and Dronfield Primary Care Network",
        "U84031",
        None,
        "QJ2",
        "Chesterfield Place Alliance",
    ),
    "U34562": (
        Organisation.Kind.PRIMARY_CARE,
        Organisation.ProviderType.PRIMARY_CARE_NETWORK,
        "Erewash Primary Care Network",
        "U34562",
        None,
        "QJ2",
        "Erewash Place Alliance",
    ),
    "U67018": (
        Organisation.Kind.PRIMARY_CARE,
        Organisation.ProviderType.PRIMARY_CARE_NETWORK,
        "Glossop Primary Care Network",
        "U67018",
        None,
        "QJ2",
        "High Peak Place Alliance",
    ),
    "south_tyneside_council": (
        Organisation.Kind.LOCAL_AUTHORITY,
        "",
        "South Tyneside Council Adult Social Care",
        None,
        None,
        "QHM",
        "South Tyneside",
    ),
    "breathe_easy_south_tyneside": (
        Organisation.Kind.VCSE,
        "",
        "Breathe Easy South Tyneside",
        None,
        None,
        "QHM",
        "South Tyneside",
    ),
}

# key, owner ods code, cohort, title, area of focus, phase order
PROJECTS = [
    ("rnoh", "RAN", "Cohort 1", "Finding our way to children's outpatients", "Children's outpatients", 4),
    ("somerset", "QSL", "Cohort 1", "Supported moving on in care", "Discharge from hospital", 3),
    ("manchester", "QOP", "Cohort 2", "Joint reviews of domiciliary care", "Domiciliary care reviews", 4),
    ("derbyshire", "QJ2", "Cohort 2", "Knowing what happens next in frailty care", "Frailty", 4),
    ("south_tyneside", "R0B", "Cohort 2", "Living well with long-term conditions", "Long-term conditions", 1),
    ("chesterfield", "QJ2", "Cohort 2", "A frailty plan written with me", "Frailty at home", 1),
]
# project key: the place within its system it belongs to
PROJECT_PLACES = {"chesterfield": "Chesterfield Place Alliance"}

# key (project key/partner's organisation key): role in the pathway, site name, joined on
PARTNERS = {
    "somerset/RH5": (
        "Acute wards: planning the discharge from the day of admission",
        "Musgrove Park Hospital wards",
        date(2026, 2, 2),
    ),
    "somerset/RBA": (
        "Community nursing: visits in the first week at home",
        "Somerset community nursing",
        date(2026, 2, 2),
    ),
    "somerset/RH6": (
        "Mental health liaison and home treatment",
        "Somerset mental health liaison",
        date(2026, 2, 16),
    ),
    "somerset/L85607": (
        "General practice: the review after discharge",
        "Quantock Vale Surgery",
        date(2026, 3, 2),
    ),
    "manchester/manchester_council": (
        "Social work: the care act review of each person's care and support plan",
        "Manchester social work teams",
        date(2026, 6, 15),
    ),
    "manchester/1-101234567": (
        "Domiciliary care: the agency's own review of each care plan",
        "Northern Quarter Home Care",
        date(2026, 6, 15),
    ),
    "derbyshire/U84031": (
        "Testing the Community Frailty Model in Chesterfield",
        "Chesterfield Place Alliance",
        date(2026, 6, 22),
    ),
    "derbyshire/U34562": (
        "Testing the Community Frailty Model in Erewash",
        "Erewash Place Alliance",
        date(2026, 6, 22),
    ),
    "derbyshire/U67018": (
        "Testing the Community Frailty Model in High Peak",
        "High Peak Place Alliance",
        date(2026, 6, 22),
    ),
    "south_tyneside/south_tyneside_council": (
        "Adult social care: reaching people who do not take up rehabilitation",
        "South Tyneside adult social care",
        date(2026, 7, 6),
    ),
    "south_tyneside/breathe_easy_south_tyneside": (
        "Peer support groups for people living with lung conditions",
        "Breathe Easy South Tyneside groups",
        date(2026, 7, 6),
    ),
}

# email, full name, role, target key
USERS = [
    ("admin@example.org", "Asha Patel", Role.PROGRAMME_ADMIN, "programme"),
    ("coach@example.org", "Chris Morgan", Role.COACH, "cohort:Cohort 1"),
    # and of cohort 2, so the coach sees South Tyneside's measure by deprivation quintile with its small
    # counts suppressed, as the team does not
    ("coach@example.org", "Chris Morgan", Role.COACH, "cohort:Cohort 2"),
    ("buddy@example.org", "Bea Lewis", Role.BUDDY, "project:rnoh"),
    ("ics@example.org", "Ibrahim Khan", Role.SYSTEM_VIEWER, "organisation:QSL"),
    ("lead@example.org", "Lucy Evans", Role.TEAM_MEMBER, "project:rnoh"),
    ("partner@example.org", "Pat Quinn", Role.PARTNER, "project:rnoh"),
    ("other@example.org", "Owen Hughes", Role.TEAM_MEMBER, "project:derbyshire"),
    ("region@example.org", "Rhiannon Price", Role.REGIONAL_VIEWER, "region:Y58"),
    ("partner-org@example.org", "Dani Okafor", Role.PARTNER_STAFF, "partner:manchester/1-101234567"),
    ("tyneside@example.org", "Sam Charlton", Role.TEAM_MEMBER, "project:south_tyneside"),
]


@dataclass
class DemoWorld:
    programme: Programme
    cohorts: dict[str, Cohort]
    organisations: dict[str, Organisation]
    places: dict[str, Place]
    projects: dict[str, Project]
    partners: dict[str, ProjectPartner]
    users: dict[str, User]


@transaction.atomic
def seed_demo() -> DemoWorld:
    with all_organisations(reason="the demo seed builds every organisation's data"):
        programme = _programme()
        cohorts = {
            name: Cohort.objects.get_or_create(
                programme=programme, name=name, defaults={"launch_date": launch}
            )[0]
            for name, launch in (("Cohort 1", date(2026, 1, 15)), ("Cohort 2", date(2026, 6, 10)))
        }
        regions = nhs_england_regions()
        organisations, places = _organisations(regions)
        projects = {
            key: _project(key, organisations, places, cohorts, programme, rest) for key, *rest in PROJECTS
        }
        partners = {key: _partner(key, organisations, projects, *rest) for key, rest in PARTNERS.items()}
        targets = {
            "programme": lambda key: programme,
            "cohort": cohorts.__getitem__,
            "organisation": organisations.__getitem__,
            "project": projects.__getitem__,
            "partner": partners.__getitem__,
            "region": regions.__getitem__,
        }
        users = {email: _user(email, name, role, target, targets) for email, name, role, target in USERS}
        seed_journeys(projects, users)
        seed_integrated_care(projects, partners, users)
        seed_measures(projects)
        seed_site_measures(projects, partners)
        seed_equity_cycles(projects, partners)
        seed_stratified_measures(projects, users)
        seed_coaching(projects)
        # A database seeded before the dashboards' read model has projects with no entry yet.
        dashboard_entries_refresh_expired()
        return DemoWorld(programme, cohorts, organisations, places, projects, partners, users)


def _programme() -> Programme:
    existing = Programme.objects.filter(name=PROGRAMME_NAME).first()
    return existing or programme_create(
        name=PROGRAMME_NAME,
        description="The NHS England Patient Experience Team's Always Events programme.",
        system_job=JOB,
    )


def _organisations(regions: dict[str, Region]) -> tuple[dict[str, Organisation], dict[str, Place]]:
    organisations, places = {}, {}
    for ods_code, (name, region_code) in SYSTEMS.items():
        system = _organisation({"ods_code": ods_code}, name=name, kind=Organisation.Kind.SYSTEM)
        organisations[ods_code] = _filled(system, region=regions[region_code])
        for place_name in PLACES.get(ods_code, []):
            places[place_name] = _place(system, place_name)
    for ods_code, name, provider_type, system_code in PROVIDERS:
        organisations[ods_code] = _organisation(
            {"ods_code": ods_code},
            name=name,
            kind=Organisation.Kind.PROVIDER,
            provider_type=provider_type,
            system=organisations[system_code],
        )
    for key, (kind, type_, name, ods_code, cqc_id, system_code, place) in PARTNER_ORGANISATIONS.items():
        # Found by their identifier; those with none (a council, a charity) by name within their system.
        natural_key = (
            {"ods_code": ods_code}
            if ods_code
            else {"cqc_location_id": cqc_id}
            if cqc_id
            else {"name": name, "system": organisations[system_code]}
        )
        organisations[key] = _organisation(
            natural_key,
            kind=kind,
            provider_type=type_,
            name=name,
            ods_code=ods_code,
            cqc_location_id=cqc_id,
            system=organisations[system_code],
            place=places.get(place),
        )
    return organisations, places


def _organisation(natural_key: dict, **fields) -> Organisation:
    organisation = Organisation.objects.filter(**natural_key).first()
    if organisation is None:
        organisation = Organisation(**{**fields, **natural_key})
        organisation.full_clean()  # the demo's identifiers pass the same checks as anyone's
        organisation.save()
        audit(system_job=JOB, action="organisation.create", obj=organisation, changed=list(fields))
    return organisation


def _filled(obj, **fields):
    """Set the fields a row from an earlier demo left empty (systems seeded before regions existed)."""
    empty = {name: value for name, value in fields.items() if getattr(obj, f"{name}_id") is None}
    if empty:
        for name, value in empty.items():
            setattr(obj, name, value)
        obj.save(update_fields=list(empty))
        audit(system_job=JOB, action=f"{obj._meta.model_name}.update", obj=obj, changed=list(empty))
    return obj


def _place(system: Organisation, name: str) -> Place:
    place, created = Place.objects.get_or_create(system=system, name=name)
    if created:
        audit(system_job=JOB, action="place.create", obj=place, changed=["system", "name"])
    return place


def _project(key, organisations, places, cohorts, programme, rest) -> Project:
    ods_code, cohort_name, title, area, phase_order = rest
    organisation = organisations[ods_code]
    enrolment, _ = Enrolment.objects.get_or_create(
        organisation=organisation,
        cohort=cohorts[cohort_name],
        defaults={"executive_sponsor": "Director of Nursing", "status": Enrolment.Status.ACTIVE},
    )
    project = Project.objects.filter(organisation=organisation, title=title).first()
    if project is None:
        project = Project.objects.create(
            organisation=organisation,
            enrolment=enrolment,
            title=title,
            area_of_focus=area,
            phase=Phase.objects.get(programme=programme, order=phase_order),
            place=places.get(PROJECT_PLACES.get(key)),
        )
        audit(
            system_job=JOB,
            action="project.create",
            obj=project,
            changed=["title", "area_of_focus", "phase", "place"],
        )
    return project


def _partner(key, organisations, projects, role_in_pathway, site_name, joined_on) -> ProjectPartner:
    project_key, _, organisation_key = key.partition("/")
    project = projects[project_key]
    partner, created = ProjectPartner.objects.get_or_create(
        organisation=project.organisation,
        project=project,
        partner_organisation=organisations[organisation_key],
        defaults={"role_in_pathway": role_in_pathway, "site_name": site_name, "joined_on": joined_on},
    )
    if created:
        audit(
            system_job=JOB,
            action="project_partner.add",
            obj=partner,
            changed=["partner_organisation", "role_in_pathway", "site_name", "joined_on"],
        )
    return partner


def _user(email, name, role, target_key, targets) -> User:
    """`target_key` is "<kind>:<key>": programme, cohort:<name>, organisation:<key>, project:<key>,
    partner:<project key>/<organisation key> or region:<code>."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, settings.DEMO_PASSWORD, full_name=name)
        audit(system_job=JOB, action="user.create", obj=user, changed=["email", "full_name"])
    kind, _, key = target_key.partition(":")
    target = targets[kind](key)
    role_grant_create(granted_by=None, user=user, role=role, target=target, system_job=JOB)
    return user
