"""A small two-organisation world for tests: organisation A (a provider in system S1) and organisation B
(a provider in system S2), each with a project, and one user for every role."""

from dataclasses import dataclass
from datetime import date, timedelta
from types import SimpleNamespace

from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

from accounts.models import Role, User
from accounts.services import role_grant_create
from alwaysevents.tenancy import all_organisations
from coproduction import models as co
from measurement.models import DataPoint, Measure, PeriodMark
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

PASSWORD = "a-long-test-password-1"


@dataclass
class World:
    programme: Programme
    cohort_1: Cohort
    cohort_2: Cohort
    system_a: Organisation
    system_b: Organisation
    org_a: Organisation
    org_b: Organisation
    project_a: Project
    project_b: Project
    a_member: User
    a_partner: User
    a_admin: User
    a_buddy: User
    a_viewer: User
    b_member: User
    b_buddy: User
    b_viewer: User
    coach_1: User
    coach_2: User
    programme_admin: User
    nobody: User
    records_a: SimpleNamespace
    records_b: SimpleNamespace
    # Integrated care: regions, a place, and partner organisations on A's projects.
    region_a: Region = None
    region_b: Region = None
    place_a: Place = None
    partner_org_a: Organisation = None
    partnership_a: co.ProjectPartner = None
    a_partner_staff: User = None
    project_a2: Project = None
    a2_partner_staff: User = None
    removed_partner_staff: User = None
    a_region_viewer: User = None
    b_region_viewer: User = None


def make_user(email: str, role=None, target=None) -> User:
    user = User.objects.create_user(email, PASSWORD, full_name=email.split("@")[0].replace(".", " ").title())
    if role:
        role_grant_create(granted_by=None, user=user, role=role, target=target, system_job="test")
    if role in (Role.COACH, Role.PROGRAMME_ADMIN):
        TOTP.activate(user, generate_totp_secret())  # their roles require two-step verification
    return user


def make_project(organisation, cohort, title, programme) -> Project:
    enrolment, _ = Enrolment.objects.get_or_create(organisation=organisation, cohort=cohort)
    with all_organisations(reason="test set-up"):
        return Project.objects.create(
            organisation=organisation,
            enrolment=enrolment,
            title=title,
            area_of_focus="Outpatients",
            phase=Phase.objects.get(programme=programme, order=1),
        )


def make_records(project: Project, commenter: User, recipient: User) -> SimpleNamespace:
    """One of each co-production record, so every route has a real object to be swept with."""
    common = {"organisation": project.organisation, "project": project}
    with all_organisations(reason="test set-up"):
        link = co.CollectionLink.objects.create(**common, setting="Outpatients waiting area")
        theme = co.Theme.objects.create(**common, name="Finding the way")
        response = co.Response.objects.create(
            **common,
            method="conversation",
            collected_on=date(2026, 2, 1),
            text="Knowing where to go",
            respondent="carer",
        )
        co.ResponseTheme.objects.create(**common, response=response, theme=theme)
        member = co.TeamMember.objects.create(**common, role="carer", name="Sam", consent_to_be_named=True)
        session = co.CoDesignSession.objects.create(
            **common, held_on=date(2026, 3, 1), title="First workshop"
        )
        candidate = co.CandidateEvent.objects.create(
            **common, title="I will always know where to go", chosen=True
        )
        co.CriterionAssessment.objects.create(
            **common, candidate=candidate, criterion="important", verdict="met"
        )
        statement = co.Statement.objects.create(
            **common,
            candidate=candidate,
            vision="I will always be able to find my way",
            aim_what="Find the way",
            aim_for_whom="children and families",
            aim_target_percent=90,
            aim_by_when=date(2026, 12, 31),
        )
        primary = co.Driver.objects.create(**common, text="Clear signs")
        driver = co.Driver.objects.create(**common, parent=primary, text="Signs at child height")
        idea = co.ChangeIdea.objects.create(**common, title="Painted bones on the floor", origin="patient")
        co.ChangeIdeaDriver.objects.create(**common, change_idea=idea, driver=driver)
        ramp = co.Ramp.objects.create(**common, change_idea=idea, title="Painted bones")
        cycle = co.PdsaCycle.objects.create(
            **common, ramp=ramp, number=1, objective="Test one route for a day"
        )
        co.PdsaQuestion.objects.create(
            **common, cycle=cycle, question="Will families follow it?", prediction="Yes"
        )
        comment = co.Comment.objects.create(
            **common, target="pdsa_cycle", target_id=cycle.pk, author=commenter, body="Looks good @lead"
        )
        notification = co.Notification.objects.create(
            **common, recipient=recipient, comment=comment, reason="mention"
        )
        measure = Measure.objects.create(
            **common,
            name="Found the way without asking",
            is_aim_measure=True,
            numerator="Families who found it",
            denominator="Families asked",
            starts_on=date(2026, 1, 5),
            target=90,
        )
        for week in range(12):
            DataPoint.objects.create(
                organisation=project.organisation,
                measure=measure,
                period_start=date(2026, 1, 5) + timedelta(weeks=week),
                numerator=5 + week % 4,
                denominator=10,
            )
        mark = PeriodMark.objects.create(
            organisation=project.organisation,
            measure=measure,
            period_start=date(2026, 2, 2),
            kind="exclude",
            reason="Clinic closed",
        )
    return SimpleNamespace(
        measure=measure,
        mark=mark,
        link=link,
        theme=theme,
        response=response,
        member=member,
        session=session,
        candidate=candidate,
        statement=statement,
        primary_driver=primary,
        driver=driver,
        idea=idea,
        ramp=ramp,
        cycle=cycle,
        comment=comment,
        notification=notification,
        checklist_item=project.phase.checklist_items.first(),
    )


def build_world() -> World:
    programme = programme_create(name="Test programme", system_job="test")
    cohort_1 = Cohort.objects.create(programme=programme, name="Cohort 1", launch_date=date(2026, 1, 1))
    cohort_2 = Cohort.objects.create(programme=programme, name="Cohort 2", launch_date=date(2026, 6, 1))
    system_a = Organisation.objects.create(kind="system", name="Alpha ICS", ods_code="QA1")
    system_b = Organisation.objects.create(kind="system", name="Beta ICS", ods_code="QB1")
    org_a = Organisation.objects.create(
        kind="provider", name="Alpha Hospital Trust", ods_code="RA1", provider_type="acute", system=system_a
    )
    org_b = Organisation.objects.create(
        kind="provider",
        name="Beta Community Trust",
        ods_code="RB1",
        provider_type="community",
        system=system_b,
    )
    project_a = make_project(org_a, cohort_1, "Alpha wayfinding project", programme)
    project_b = make_project(org_b, cohort_2, "Beta discharge project", programme)
    world = World(
        programme=programme,
        cohort_1=cohort_1,
        cohort_2=cohort_2,
        system_a=system_a,
        system_b=system_b,
        org_a=org_a,
        org_b=org_b,
        project_a=project_a,
        project_b=project_b,
        a_member=make_user("a.member@example.org", Role.TEAM_MEMBER, project_a),
        a_partner=make_user("a.partner@example.org", Role.PARTNER, project_a),
        a_admin=make_user("a.admin@example.org", Role.ORGANISATION_ADMIN, org_a),
        a_buddy=make_user("a.buddy@example.org", Role.BUDDY, project_a),
        a_viewer=make_user("a.viewer@example.org", Role.SYSTEM_VIEWER, system_a),
        b_member=make_user("b.member@example.org", Role.TEAM_MEMBER, project_b),
        b_buddy=make_user("b.buddy@example.org", Role.BUDDY, project_b),
        b_viewer=make_user("b.viewer@example.org", Role.SYSTEM_VIEWER, system_b),
        coach_1=make_user("coach.one@example.org", Role.COACH, cohort_1),
        coach_2=make_user("coach.two@example.org", Role.COACH, cohort_2),
        programme_admin=make_user("programme.admin@example.org", Role.PROGRAMME_ADMIN, programme),
        nobody=make_user("nobody@example.org"),
        records_a=None,
        records_b=None,
    )
    world.records_a = make_records(project_a, commenter=world.a_buddy, recipient=world.a_member)
    world.records_b = make_records(project_b, commenter=world.b_buddy, recipient=world.b_member)
    add_integrated_care(world)
    return world


def make_partnership(project: Project, organisation: Organisation, **fields) -> co.ProjectPartner:
    with all_organisations(reason="test set-up"):
        return co.ProjectPartner.objects.create(
            organisation=project.organisation,
            project=project,
            partner_organisation=organisation,
            role_in_pathway=fields.pop("role_in_pathway", "Care at home"),
            site_name=fields.pop("site_name", organisation.name),
            joined_on=fields.pop("joined_on", date(2026, 1, 1)),
            **fields,
        )


def add_integrated_care(world: World) -> None:
    """System A in region A with a place; A's project has a current partner (a home care agency) and a
    removed one; A's second project has a partner whose staff must see nothing of A's first project."""
    regions = nhs_england_regions()
    world.region_a, world.region_b = regions["Y58"], regions["Y56"]
    Organisation.objects.filter(pk=world.system_a.pk).update(region=world.region_a)
    Organisation.objects.filter(pk=world.system_b.pk).update(region=world.region_b)
    world.system_a.refresh_from_db()
    world.system_b.refresh_from_db()
    world.place_a = Place.objects.create(system=world.system_a, name="Alpha Place Alliance")
    with all_organisations(reason="test set-up"):
        Project.objects.filter(pk=world.project_a.pk).update(place=world.place_a)
    world.project_a.refresh_from_db()
    world.partner_org_a = Organisation.objects.create(
        kind="independent_care",
        provider_type="domiciliary_care",
        name="Alpha Home Care Agency",
        cqc_location_id="1-100000001",
        system=world.system_a,
    )
    world.partnership_a = make_partnership(
        world.project_a, world.partner_org_a, site_name="Alpha home visits"
    )
    world.a_partner_staff = make_user("a.partner.staff@example.org", Role.PARTNER_STAFF, world.partnership_a)
    gone = Organisation.objects.create(kind="vcse", name="Alpha Carers Network", system=world.system_a)
    removed = make_partnership(
        world.project_a, gone, joined_on=date(2026, 1, 1), left_on=date.today() - timedelta(days=1)
    )
    world.removed_partner_staff = make_user("removed.partner@example.org", Role.PARTNER_STAFF, removed)
    world.project_a2 = make_project(world.org_a, world.cohort_1, "Alpha second project", world.programme)
    practice = Organisation.objects.create(
        kind="primary_care",
        provider_type="gp_practice",
        name="Alpha Surgery",
        ods_code="A10001",
        system=world.system_a,
    )
    partnership_a2 = make_partnership(world.project_a2, practice)
    world.a2_partner_staff = make_user("a2.partner.staff@example.org", Role.PARTNER_STAFF, partnership_a2)
    world.a_region_viewer = make_user("a.region@example.org", Role.REGIONAL_VIEWER, world.region_a)
    world.b_region_viewer = make_user("b.region@example.org", Role.REGIONAL_VIEWER, world.region_b)
