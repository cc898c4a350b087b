import re

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import ApiToken
from tests.world import PASSWORD


@pytest.mark.django_db
class TestApiTokens:
    def test_a_user_creates_a_token_sees_it_once_and_uses_it(self, world, client_of):
        page = client_of(world.a_member).post("/account/tokens/", {"name": "weekly upload"}).content.decode()
        key = re.search(r'<p class="ae-token" id="new-token">([^<]+)</p>', page).group(1)
        response = Client().get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}")
        assert response.status_code == 200 and response.json()["count"] == 1
        assert key not in client_of(world.a_member).get("/account/").content.decode()
        assert ApiToken.objects.get().key_hash != key

    def test_a_revoked_token_is_refused(self, world, client_of):
        page = client_of(world.a_member).post("/account/tokens/", {"name": "script"}).content.decode()
        key = re.search(r'id="new-token">([^<]+)<', page).group(1)
        token = ApiToken.objects.get()
        assert client_of(world.a_member).post(f"/account/tokens/{token.pk}/revoke/").status_code == 302
        assert Client().get("/api/v1/projects/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 401

    def test_a_token_without_a_name_gets_a_clear_message(self, world, client_of):
        response = client_of(world.a_member).post("/account/tokens/", {"name": ""})
        assert response.status_code == 400 and "Enter a name for the token" in response.content.decode()
        assert not ApiToken.objects.exists()

    def test_the_command_prints_a_working_token_and_nothing_else(self, world, capsys):
        call_command("create_api_token", world.a_member.email)
        key = capsys.readouterr().out
        assert key.endswith("\n") and len(key.strip().split()) == 1
        assert Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {key.strip()}").json()["email"] == (
            world.a_member.email
        )

    def test_the_api_without_credentials_answers_401(self, db):
        assert Client().get("/api/v1/projects/").status_code == 401


@pytest.mark.django_db
def test_repeated_failed_sign_ins_are_rate_limited(world):
    client = Client()
    pages = [
        client.post("/accounts/login/", {"login": world.a_member.email, "password": "wrong"}).content.decode()
        for _ in range(6)
    ]
    assert "Too many failed login attempts" not in pages[0]
    assert "Too many failed login attempts" in pages[-1]
    # Even the right password is refused while the limit holds.
    right = client.post("/accounts/login/", {"login": world.a_member.email, "password": PASSWORD})
    assert "_auth_user_id" not in client.session and right.status_code == 200
