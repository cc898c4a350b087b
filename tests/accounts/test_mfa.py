import pytest
from allauth.mfa.models import Authenticator

from accounts.models import Role
from tests.world import make_user


@pytest.mark.django_db
class TestRequiredTwoStepVerification:
    def test_a_coach_without_an_authenticator_must_set_one_up_first(self, world, client_of):
        coach = make_user("new.coach@example.org", Role.COACH, world.cohort_1)
        Authenticator.objects.filter(user=coach).delete()
        response = client_of(coach).get("/projects/")
        assert response.status_code == 302 and response["Location"] == "/accounts/2fa/totp/activate/"
        setup = client_of(coach).get("/accounts/2fa/totp/activate/")
        # allauth asks for the password again before showing the set-up page; it is not sent round in a loop.
        assert setup.status_code == 302 and setup["Location"].startswith("/accounts/reauthenticate/")
        assert client_of(coach).get(setup["Location"]).status_code == 200

    def test_a_coach_with_an_authenticator_goes_through(self, world, client_of):
        assert client_of(world.coach_1).get("/projects/").status_code == 200

    def test_a_team_member_is_not_asked(self, world, client_of):
        assert client_of(world.a_member).get("/projects/").status_code == 200

    def test_the_roles_come_from_a_setting(self, world, client_of, settings):
        settings.MFA_REQUIRED_ROLES = ["team_member"]
        response = client_of(world.a_member).get("/projects/")
        assert response.status_code == 302 and "totp/activate" in response["Location"]
