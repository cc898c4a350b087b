"""The demo world: a programme with two cohorts, systems with providers, projects from the seed's examples
and one user for each role. Running it again changes nothing (every row is found by its natural key)."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from accounts.models import Role, User
from accounts.services import role_grant_create
from coproduction.demo import seed_journeys
from coproduction.models import Project
from measurement.demo import seed_measures
from programmes.demo import seed_coaching
from programmes.models import Cohort, Enrolment, Organisation, Phase, Programme
from programmes.services import programme_create

from .audit import audit
from .tenancy import all_organisations

JOB = "seed_demo"
PROGRAMME_NAME = "Always Events national programme"

SYSTEMS = {
    "QSL": "NHS Somerset Integrated Care System",
    "QOP": "Greater Manchester Integrated Care Partnership",
    "QJ2": "Joined Up Care Derbyshire",
    "QMJ": "North Central London Integrated Care System",
    "QHM": "North East and North Cumbria Integrated Care System",
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
]

# key, owner ods code, cohort, title, area of focus, phase order
PROJECTS = [
    ("rnoh", "RAN", "Cohort 1", "Finding our way to children's outpatients", "Children's outpatients", 4),
    ("somerset", "QSL", "Cohort 1", "Supported moving on in care", "Discharge from hospital", 3),
    ("manchester", "QOP", "Cohort 2", "Joint reviews of domiciliary care", "Domiciliary care reviews", 2),
    ("derbyshire", "QJ2", "Cohort 2", "Knowing what happens next in frailty care", "Frailty", 2),
    ("south_tyneside", "R0B", "Cohort 2", "Living well with long-term conditions", "Long-term conditions", 1),
]

# email, full name, role, target key
USERS = [
    ("admin@example.org", "Asha Patel", Role.PROGRAMME_ADMIN, "programme"),
    ("coach@example.org", "Chris Morgan", Role.COACH, "cohort:Cohort 1"),
    ("buddy@example.org", "Bea Lewis", Role.BUDDY, "project:rnoh"),
    ("ics@example.org", "Ibrahim Khan", Role.SYSTEM_VIEWER, "organisation:QSL"),
    ("lead@example.org", "Lucy Evans", Role.TEAM_MEMBER, "project:rnoh"),
    ("partner@example.org", "Pat Quinn", Role.PARTNER, "project:rnoh"),
    ("other@example.org", "Owen Hughes", Role.TEAM_MEMBER, "project:derbyshire"),
]


@dataclass
class DemoWorld:
    programme: Programme
    cohorts: dict[str, Cohort]
    organisations: dict[str, Organisation]
    projects: dict[str, Project]
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
        organisations = _organisations()
        projects = {key: _project(key, organisations, cohorts, programme, rest) for key, *rest in PROJECTS}
        users = {
            email: _user(email, name, role, target, programme, cohorts, organisations, projects)
            for email, name, role, target in USERS
        }
        seed_journeys(projects, users)
        seed_measures(projects)
        seed_coaching(projects)
        return DemoWorld(programme, cohorts, organisations, projects, users)


def _programme() -> Programme:
    existing = Programme.objects.filter(name=PROGRAMME_NAME).first()
    return existing or programme_create(
        name=PROGRAMME_NAME,
        description="The NHS England Patient Experience Team's Always Events programme.",
        system_job=JOB,
    )


def _organisations() -> dict[str, Organisation]:
    organisations = {}
    for ods_code, name in SYSTEMS.items():
        organisations[ods_code] = _organisation(ods_code, name=name, kind=Organisation.Kind.SYSTEM)
    for ods_code, name, provider_type, system_code in PROVIDERS:
        organisations[ods_code] = _organisation(
            ods_code,
            name=name,
            kind=Organisation.Kind.PROVIDER,
            provider_type=provider_type,
            system=organisations[system_code],
        )
    return organisations


def _organisation(ods_code: str, **fields) -> Organisation:
    organisation, created = Organisation.objects.get_or_create(ods_code=ods_code, defaults=fields)
    if created:
        audit(system_job=JOB, action="organisation.create", obj=organisation, changed=list(fields))
    return organisation


def _project(key, organisations, cohorts, programme, rest) -> Project:
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
        )
        audit(
            system_job=JOB, action="project.create", obj=project, changed=["title", "area_of_focus", "phase"]
        )
    return project


def _user(email, name, role, target_key, programme, cohorts, organisations, projects) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email, settings.DEMO_PASSWORD, full_name=name)
        audit(system_job=JOB, action="user.create", obj=user, changed=["email", "full_name"])
    kind, _, key = target_key.partition(":")
    target = {
        "programme": lambda: programme,
        "cohort": lambda: cohorts[key],
        "organisation": lambda: organisations[key],
        "project": lambda: projects[key],
    }[kind]()
    role_grant_create(granted_by=None, user=user, role=role, target=target, system_job=JOB)
    return user
