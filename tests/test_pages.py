import pytest


@pytest.mark.django_db
class TestHome:
    def test_it_asks_an_anonymous_visitor_to_sign_in(self, client):
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")

    @pytest.mark.parametrize(
        ("persona", "heading"),
        [
            ("a_member", "Your projects"),
            ("a_buddy", "Projects you buddy"),
            ("coach_1", "Projects you coach"),
            ("a_viewer", "Your system&#39;s projects"),
            ("a_admin", "Your organisation&#39;s projects"),
            ("programme_admin", "Programme"),
        ],
    )
    def test_each_role_sees_its_own_section(self, world, client_of, persona, heading):
        body = client_of(getattr(world, persona)).get("/").content.decode()
        assert f"<h2>{heading}</h2>" in body and world.project_a.title in body

    def test_someone_with_no_role_is_told_what_to_do(self, world, client_of):
        assert "You have no roles yet" in client_of(world.nobody).get("/").content.decode()

    def test_navigation_follows_the_role(self, world, client_of):
        assert "Programme admin" in client_of(world.programme_admin).get("/").content.decode()
        member_page = client_of(world.a_member).get("/").content.decode()
        assert "Programme admin" not in member_page and "Invite people" not in member_page
        assert "Invite people" in client_of(world.a_admin).get("/").content.decode()

    def test_pages_carry_a_strict_content_security_policy(self, world, client_of):
        policy = client_of(world.a_member).get("/")["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy and "'nonce-" in policy


@pytest.mark.django_db
def test_the_admin_is_only_for_programme_admins(world, client_of):
    assert client_of(world.programme_admin).get("/admin/").status_code == 200
    assert client_of(world.a_admin).get("/admin/").status_code in (302, 403)
