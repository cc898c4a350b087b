"""Follows docs/authorization.md row by row: each role's read / edit / comment on project A, and scope."""

import pytest

from accounts.access import Access
from programmes.models import Organisation
from projects.selectors import projects_visible

# persona: (read A, edit A, comment on A, read B)
MATRIX = {
    "programme_admin": (True, False, True, True),
    "coach_1": (True, False, True, False),
    "coach_2": (False, False, False, True),
    "a_buddy": (True, False, True, False),
    "b_buddy": (False, False, False, True),
    "a_viewer": (True, False, False, False),
    "b_viewer": (False, False, False, True),
    "a_admin": (True, True, True, False),
    "a_member": (True, True, True, False),
    "a_partner": (True, True, True, False),
    "b_member": (False, False, False, True),
    "a_partner_staff": (True, True, True, False),
    "a2_partner_staff": (False, False, False, False),
    "removed_partner_staff": (False, False, False, False),
    "a_region_viewer": (True, False, True, False),
    "b_region_viewer": (False, False, False, True),
    "nobody": (False, False, False, False),
}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", MATRIX)
def test_each_role_reads_edits_and_comments_as_the_matrix_says(world, system_scope, persona):
    access = Access.for_user(getattr(world, persona))
    project_a = world.project_a
    read_a, edit_a, comment_a, read_b = MATRIX[persona]
    assert access.can_read_project(project_a) is read_a
    assert access.can_edit_project(project_a) is edit_a
    assert access.can_comment_on_project(project_a) is comment_a
    assert access.can_read_project(world.project_b) is read_b


@pytest.mark.django_db
@pytest.mark.parametrize("persona", MATRIX)
def test_the_selector_filter_agrees_with_the_object_check(world, system_scope, persona):
    access = Access.for_user(getattr(world, persona))
    visible = set(projects_visible(access=access))
    projects = (world.project_a, world.project_a2, world.project_b)
    expected = {p for p in projects if access.can_read_project(p)}
    assert visible == expected


@pytest.mark.django_db
def test_the_tenant_scope_holds_only_organisations_a_grant_reaches(world):
    assert Access.for_user(world.a_member).organisation_ids == {world.org_a.pk}
    members_of_a = set(Organisation.objects.filter(system=world.system_a).values_list("pk", flat=True))
    assert world.org_a.pk in members_of_a
    assert Access.for_user(world.a_viewer).organisation_ids == {world.system_a.pk, *members_of_a}
    # A partner's staff work in the lead organisation's tenant: the project's rows are the lead's.
    assert Access.for_user(world.a_partner_staff).organisation_ids == {world.org_a.pk}
    assert Access.for_user(world.removed_partner_staff).organisation_ids == frozenset()
    assert Access.for_user(world.coach_2).organisation_ids == {world.org_b.pk}
    assert Access.for_user(world.nobody).organisation_ids == frozenset()


@pytest.mark.django_db
def test_a_system_viewer_sees_the_systems_own_projects(world, system_scope):
    from tests.world import make_project

    system_project = make_project(
        world.system_a, world.cohort_1, "Alpha system-wide discharge", world.programme
    )
    visible = set(projects_visible(access=Access.for_user(world.a_viewer)))
    assert visible == {world.project_a, world.project_a2, system_project}


@pytest.mark.django_db
def test_an_organisation_admin_administers_only_their_organisation(world):
    access = Access.for_user(world.a_admin)
    assert access.can_administer_organisation(world.org_a)
    assert not access.can_administer_organisation(world.org_b)
    assert Access.for_user(world.programme_admin).can_administer_organisation(world.org_b)
    assert not Access.for_user(world.a_member).can_administer_organisation(world.org_a)


@pytest.mark.django_db
def test_an_inactive_user_has_no_access(world, system_scope):
    world.a_member.is_active = False
    world.a_member.save()
    assert not Access.for_user(world.a_member).can_read_project(world.project_a)


@pytest.mark.django_db
def test_a_partners_staff_see_their_project_and_nothing_else_of_the_lead(world, system_scope):
    access = Access.for_user(world.a_partner_staff)
    assert set(projects_visible(access=access)) == {world.project_a}
    assert not access.can_read_project(world.project_a2)
    assert access.sites_entered_by(world.project_a) == frozenset({world.partnership_a.pk})
    assert Access.for_user(world.a_member).sites_entered_by(world.project_a) is None


@pytest.mark.django_db
def test_a_regional_team_reads_the_projects_of_its_regions_systems(world, system_scope):
    assert set(projects_visible(access=Access.for_user(world.a_region_viewer))) == {
        world.project_a,
        world.project_a2,
    }
    assert set(projects_visible(access=Access.for_user(world.b_region_viewer))) == {world.project_b}
