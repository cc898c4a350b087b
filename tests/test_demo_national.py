"""The national seed at 2% of its size: the counts it promises, every row in its project's organisation, the
same data from the same seed, a refusal to seed twice, and dashboards that render for the users it makes.
The full size runs only in the benchmark (benchmarks/bench_web.py)."""

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db.models import F, ForeignKey, Sum
from django.urls import NoReverseMatch, reverse

from accounts.access import Access
from accounts.models import Role, RoleGrant, User
from alwaysevents.models import AuditEvent
from alwaysevents.tenancy import TenantModel
from coproduction.models import PdsaCycle, PdsaCyclePartner, ProjectPartner
from demo.national import (
    EMAIL_DOMAIN,
    PARTNERED_EVERY,
    SYSTEM_WIDE_SHARE,
    WEEKS,
    AlreadySeeded,
    Plan,
    seed_national,
)
from measurement.models import DataPoint, Measure
from programmes.models import Organisation, Place
from projects.models import Project
from projects.selectors import projects_visible

pytestmark = pytest.mark.django_db

SCALE = 0.02


@pytest.fixture
def national():
    return seed_national(scale=SCALE)


def test_it_makes_the_promised_counts_at_its_scale(national, system_scope):
    plan = Plan.at(SCALE)
    assert Organisation.objects.filter(kind="system").count() == plan.systems == national.counts["systems"]
    assert Organisation.objects.filter(kind="provider").count() == plan.providers
    assert Project.objects.count() == plan.projects
    assert PdsaCycle.objects.count() == plan.cycles == national.counts["PDSA cycles"]
    assert Measure.objects.count() == 3 * plan.projects
    assert Measure.objects.filter(is_aim_measure=True).count() == plan.projects
    assert DataPoint.objects.count() == 3 * plan.projects * WEEKS
    assert Project.objects.filter(organisation__kind="system").exists()  # some system-wide work
    assert {p.phase.order for p in Project.objects.select_related("phase")} == {1, 2, 3, 4, 5}
    biggest = max(
        national.cohorts, key=lambda cohort: Project.objects.filter(enrolment__cohort=cohort).count()
    )
    assert biggest.name == "National cohort 1"
    assert Project.objects.filter(enrolment__cohort=biggest).count() == plan.projects // 2
    emails = set(User.objects.filter(email__endswith=EMAIL_DOMAIN).values_list("email", flat=True))
    assert {
        "admin@national.example",
        "coach.cohort1@national.example",
        "viewer.qn01@national.example",
    } <= emails
    regions = Organisation.objects.filter(kind="system").values("region").distinct().count()
    partnered = ProjectPartner.objects.values("project").distinct().count()
    assert len(emails) == 1 + len(national.cohorts) + plan.systems + regions + plan.projects + partnered
    assert RoleGrant.objects.filter(user__email__endswith=EMAIL_DOMAIN).count() == len(emails)


def test_systems_have_regions_and_places_and_partners_that_are_not_nhs(national, system_scope):
    plan = Plan.at(SCALE)
    systems = Organisation.objects.filter(kind="system", ods_code__startswith="QN")
    assert not systems.filter(region__isnull=True).exists()
    assert Place.objects.filter(system__in=systems).count() == 2 * plan.systems == national.counts["places"]
    placed = Organisation.objects.filter(kind="provider", place__isnull=False).select_related("place")
    assert placed.exists() and all(org.place.system_id == org.system_id for org in placed)
    not_nhs = Organisation.objects.filter(kind__in=["local_authority", "independent_care", "vcse"])
    assert not_nhs.count() == 3 * plan.systems and not not_nhs.filter(system__isnull=True).exists()
    assert not_nhs.filter(kind="independent_care", cqc_location_id__startswith="1-99").count() == plan.systems


def test_one_system_wide_project_in_six_has_partners_of_its_own_system(national, system_scope):
    system_wide = round(Plan.at(SCALE).projects * SYSTEM_WIDE_SHARE)
    partnered = Project.objects.filter(pk__in=ProjectPartner.objects.values("project"))
    assert partnered.count() == -(-system_wide // PARTNERED_EVERY) >= 1
    for project in partnered:
        partners = ProjectPartner.objects.filter(project=project).select_related("partner_organisation")
        assert 2 <= len(partners) <= 5
        assert {p.partner_organisation.system_id for p in partners} == {project.organisation_id}
        staff = RoleGrant.objects.get(role=Role.PARTNER_STAFF, partnership__project=project)
        assert [p.pk for p in projects_visible(access=Access.for_user(staff.user))] == [project.pk]
    attributed = PdsaCyclePartner.objects.select_related("cycle", "partner")
    assert attributed.count() == national.counts["cycle attributions"] > 0
    assert all(link.cycle.project_id == link.partner.project_id for link in attributed)


def test_every_row_belongs_to_the_organisation_of_what_it_points_at(national, system_scope):
    checked = 0
    for model in apps.get_models():
        if not issubclass(model, TenantModel):
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, ForeignKey) and issubclass(field.related_model, TenantModel):
                rows = model.objects.filter(**{f"{field.name}__isnull": False})
                assert not rows.exclude(organisation_id=F(f"{field.name}__organisation_id")).exists(), (
                    f"{model.__name__}.{field.name}"
                )
                checked += rows.count()
    assert checked > 3 * WEEKS * Plan.at(SCALE).projects


def test_it_writes_one_audit_event_for_the_job_not_one_a_row(national):
    assert AuditEvent.objects.filter(system_job="seed_national").count() == 2  # the programme and the seed


def test_it_refuses_to_seed_twice_and_the_same_seed_gives_the_same_data(national, system_scope):
    before = _fingerprint()
    with pytest.raises(AlreadySeeded):
        seed_national(scale=SCALE)
    with pytest.raises(CommandError, match="already seeded"):
        call_command("seed_demo", "--scale", "national")
    assert _fingerprint() == before
    seed_national(scale=SCALE, reset=True)
    assert _fingerprint() == before
    seed_national(scale=SCALE, reset=True, seed=1)
    assert _fingerprint() != before


def test_a_reset_keeps_the_audit_trail_of_synthetic_users_who_acted(national, system_scope):
    from alwaysevents.audit import audit

    coach = User.objects.get(email=f"coach.cohort1@{EMAIL_DOMAIN}")
    event = audit(actor=coach, action="project.update", obj=Project.objects.first())
    seed_national(scale=SCALE, reset=True)
    event.refresh_from_db()
    assert event.actor is None and "synthetic" in event.system_job


def test_the_small_demo_and_the_national_data_live_side_by_side(national, system_scope):
    call_command("seed_demo")
    demo_organisations = Organisation.objects.exclude(ods_code__startswith="QN").exclude(
        system__ods_code__startswith="QN"
    )
    demo_partners = ProjectPartner.objects.exclude(organisation__ods_code__startswith="QN")
    before = (demo_organisations.count(), demo_partners.count())
    assert Project.objects.count() == Plan.at(SCALE).projects + 6
    seed_national(scale=SCALE, reset=True)
    assert Project.objects.count() == Plan.at(SCALE).projects + 6
    assert (demo_organisations.count(), demo_partners.count()) == before
    assert Place.objects.filter(system__ods_code="QJ2").count() == 3  # the small demo's places stay


def test_its_users_see_their_dashboards_and_projects(national, client_of, settings):
    settings.MFA_REQUIRED_ROLES = []  # the national logins, like the small demo's, have no authenticator
    cohort = national.cohorts[0]
    coach = User.objects.get(email="coach.cohort1@national.example")
    page = client_of(coach).get(f"/dashboards/coach/?cohort={cohort.pk}")
    assert page.status_code == 200
    assert page.content.decode().count('href="/projects/') >= Plan.at(SCALE).projects // 2

    admin = User.objects.get(email="admin@national.example")
    assert client_of(admin).get("/dashboards/coach/").status_code == 200

    member = User.objects.get(email="team.1@national.example")
    project = RoleGrant.objects.get(user=member).project
    assert client_of(member).get(project.get_absolute_url()).status_code == 200

    viewer = User.objects.get(email="viewer.qn01@national.example")
    assert client_of(viewer).get("/").status_code == 200
    try:
        system_url = reverse("system_dashboard")
    except NoReverseMatch:
        pytest.skip("the system dashboard is not built yet")
    system = Organisation.objects.get(ods_code="QN01")
    assert client_of(viewer).get(f"{system_url}?system={system.pk}").status_code == 200

    regional = User.objects.get(email=f"region.{system.region.code.lower()}@{EMAIL_DOMAIN}")
    page = client_of(regional).get("/dashboards/region/")
    assert page.status_code == 200 and system.name in page.content.decode()


def _fingerprint() -> tuple:
    return (
        sorted(
            Organisation.objects.filter(ods_code__startswith="RN").values_list(
                "ods_code", "name", "system__ods_code"
            )
        ),
        sorted(
            Project.objects.values_list(
                "title", "organisation__ods_code", "phase__order", "enrolment__cohort__name", "area_of_focus"
            )
        ),
        DataPoint.objects.aggregate(total=Sum("numerator"))["total"],
        sorted(PdsaCycle.objects.values_list("ramp__title", "number", "status", "act_decision")),
        sorted(
            ProjectPartner.objects.values_list(
                "project__title", "partner_organisation__name", "role_in_pathway"
            )
        ),
        PdsaCyclePartner.objects.count(),
    )
