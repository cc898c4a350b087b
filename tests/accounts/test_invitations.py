import pytest
from django.core import mail

from accounts.access import Access
from accounts.models import Invitation, Role, RoleGrant, User
from accounts.services import invitation_create, invitation_send_email


def _send_and_get_link(invitation) -> str:
    assert invitation_send_email(invitation_id=invitation.pk)
    body = mail.outbox[-1].body
    return next(line.strip() for line in body.splitlines() if "/invitations/" in line).split(
        "127.0.0.1:8000"
    )[1]


@pytest.mark.django_db
class TestInvitations:
    def test_an_organisation_admin_invites_a_team_member_who_signs_up(self, world, client_of, system_scope):
        page = client_of(world.a_admin).post(
            "/invitations/new/",
            {"email": "New.Person@example.org", "grant": f"team_member:{world.project_a.pk}"},
        )
        assert page.status_code == 302
        invitation = Invitation.objects.get(email="new.person@example.org")
        link = _send_and_get_link(invitation)
        assert mail.outbox[-1].to == ["new.person@example.org"]

        from django.test import Client

        browser = Client()
        assert "Accept your invitation" in browser.get(link).content.decode()
        response = browser.post(
            "/accounts/signup/",
            {
                "email": "new.person@example.org",
                "password1": "a-very-long-passphrase-9",
                "password2": "a-very-long-passphrase-9",
            },
        )
        assert response.status_code == 302
        user = User.objects.get(email="new.person@example.org")
        assert Access.for_user(user).can_edit_project(world.project_a)
        assert browser.get(link).status_code == 404  # the link works once

    def test_sign_up_is_closed_without_an_invitation(self, db, client):
        body = client.get("/accounts/signup/").content.decode()
        assert "Sign Up Closed" in body or "closed" in body.lower()
        client.post(
            "/accounts/signup/",
            {
                "email": "x@example.org",
                "password1": "a-very-long-passphrase-9",
                "password2": "a-very-long-passphrase-9",
            },
        )
        assert not User.objects.filter(email="x@example.org").exists()

    def test_the_invited_address_cannot_be_swapped_at_sign_up(self, world, system_scope):
        invitation = invitation_create(
            access=Access.for_user(world.a_admin),
            email="right@example.org",
            role=Role.PARTNER,
            target=world.project_a,
        )
        from django.test import Client

        browser = Client()
        browser.get(_send_and_get_link(invitation))
        response = browser.post(
            "/accounts/signup/",
            {
                "email": "wrong@example.org",
                "password1": "a-very-long-passphrase-9",
                "password2": "a-very-long-passphrase-9",
            },
        )
        assert (
            "Use the email address your invitation was sent to: right@example.org"
            in response.content.decode()
        )
        assert not User.objects.filter(email="wrong@example.org").exists()

    def test_an_existing_user_accepts_while_signed_in(self, world, client_of, system_scope):
        invitation = invitation_create(
            access=Access.for_user(world.programme_admin),
            email=world.b_member.email,
            role=Role.BUDDY,
            target=world.project_a,
        )
        link = _send_and_get_link(invitation)
        client = client_of(world.b_member)
        assert client.post(link).status_code == 302
        assert RoleGrant.objects.filter(
            user=world.b_member, role=Role.BUDDY, project=world.project_a
        ).exists()

    def test_the_email_is_sent_once_even_if_the_task_runs_twice(self, world, system_scope):
        invitation = invitation_create(
            access=Access.for_user(world.a_admin),
            email="twice@example.org",
            role=Role.TEAM_MEMBER,
            target=world.project_a,
        )
        assert invitation_send_email(invitation_id=invitation.pk) is True
        assert invitation_send_email(invitation_id=invitation.pk) is False
        assert len(mail.outbox) == 1

    def test_a_team_member_cannot_invite(self, world, client_of):
        assert client_of(world.a_member).get("/invitations/new/").status_code == 404

    def test_an_admin_cannot_invite_into_another_organisations_project(self, world, system_scope):
        with pytest.raises(PermissionError):
            invitation_create(
                access=Access.for_user(world.a_admin),
                email="x@example.org",
                role=Role.TEAM_MEMBER,
                target=world.project_b,
            )

    def test_a_bad_email_address_gets_a_clear_message(self, world, client_of, system_scope):
        response = client_of(world.a_admin).post(
            "/invitations/new/", {"email": "not-an-email", "grant": f"team_member:{world.project_a.pk}"}
        )
        assert response.status_code == 400
        assert "Enter an email address in the correct format" in response.content.decode()
        assert not Invitation.objects.exists()
