import pytest
from drf_spectacular.generators import SchemaGenerator

from accounts.services import api_token_create
from coproduction.models import Comment, Notification

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_conversation")]


def comments_url(world, project=None):
    return f"/api/v1/projects/{(project or world.project_a).pk}/comments/"


def post_json(client, url, data):
    return client.post(url, data, content_type="application/json")


class TestCommentsApi:
    def test_it_lists_the_threads_of_a_record_with_their_replies(self, world, client_of):
        cycle = world.records_a.cycle
        response = client_of(world.a_buddy).get(
            comments_url(world), {"target": "pdsa_cycle", "target_id": cycle.pk}
        )
        assert response.status_code == 200
        [thread] = response.json()["results"]
        assert (
            thread["body"] == "Looks good @lead" and thread["replies"] == [] and thread["author"] == "A Buddy"
        )

    def test_it_lists_the_whole_project_and_filters_by_status(self, world, client_of):
        client = client_of(world.a_member)
        assert client.get(comments_url(world)).json()["count"] == 1
        assert client.get(comments_url(world), {"status": "resolved"}).json()["count"] == 0

    def test_it_creates_a_thread_and_notifies_mentions(self, world, client_of, system_scope):
        response = post_json(
            client_of(world.coach_1),
            comments_url(world),
            {"target": "change_idea", "target_id": str(world.records_a.idea.pk), "body": "Nice @a.partner"},
        )
        assert response.status_code == 201, response.json()
        comment = Comment.objects.get(pk=response.json()["id"])
        assert (comment.author, comment.organisation) == (world.coach_1, world.org_a)
        assert Notification.objects.get(comment=comment).recipient == world.a_partner

    def test_bad_input_is_refused_and_changes_nothing(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        before = Comment.objects.count()
        another_projects = {"target": "pdsa_cycle", "target_id": str(world.records_b.cycle.pk), "body": "x"}
        assert post_json(client, comments_url(world), another_projects).status_code == 400
        empty = {"target": "pdsa_cycle", "target_id": str(world.records_a.cycle.pk), "body": ""}
        assert post_json(client, comments_url(world), empty).status_code == 400
        unknown = {"target": "response", "target_id": str(world.records_a.response.pk), "body": "x"}
        assert post_json(client, comments_url(world), unknown).status_code == 400
        assert Comment.objects.count() == before

    def test_a_system_viewer_may_read_but_not_comment(self, world, client_of):
        client = client_of(world.a_viewer)
        assert client.get(comments_url(world)).status_code == 200
        body = {"target": "project", "target_id": str(world.project_a.pk), "body": "Hi"}
        assert post_json(client, comments_url(world), body).status_code == 403

    def test_another_organisation_gets_404(self, world):
        _, key = api_token_create(user=world.b_member, name="test")
        auth = {"HTTP_AUTHORIZATION": f"Token {key}"}
        from django.test import Client

        client = Client()
        assert client.get(comments_url(world), **auth).status_code == 404
        thread_url = f"{comments_url(world)}{world.records_a.comment.pk}/"
        assert client.get(thread_url, **auth).status_code == 404
        assert client.post(thread_url, {"body": "x"}, **auth).status_code == 404
        assert (
            client.post(f"{thread_url}resolution/", {"resolved": True, "version": 1}, **auth).status_code
            == 404
        )

    def test_a_reply_and_a_resolution_with_a_stale_version(self, world, client_of, system_scope):
        thread_url = f"{comments_url(world)}{world.records_a.comment.pk}/"
        client = client_of(world.a_member)
        reply = post_json(client, thread_url, {"body": "Thanks"})
        assert reply.status_code == 201 and reply.json()["thread"] == str(world.records_a.comment.pk)
        assert client.get(thread_url).json()["replies"][0]["body"] == "Thanks"
        resolved = post_json(client, f"{thread_url}resolution/", {"resolved": True, "version": 1})
        assert resolved.status_code == 200 and resolved.json()["resolved"] is True
        stale = post_json(
            client_of(world.a_buddy), f"{thread_url}resolution/", {"resolved": False, "version": 1}
        )
        assert stale.status_code == 409
        assert client.get(f"{thread_url}resolution/").json()["resolved"] is True


class TestNotificationsApi:
    def test_it_lists_only_my_notifications_and_marks_one_read(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        [item] = client.get("/api/v1/notifications/").json()["results"]
        assert item["reason"] == "mention" and item["project"] == str(world.project_a.pk)
        url = f"/api/v1/notifications/{item['id']}/read/"
        assert client.get(url).json()["read"] is False
        assert client.post(url).json()["read"] is True
        assert client.get("/api/v1/notifications/", {"unread": "true"}).json()["count"] == 0

    def test_someone_elses_notification_is_not_found(self, world, client_of, system_scope):
        notification = world.records_a.notification
        client = client_of(world.b_member)
        assert client.get("/api/v1/notifications/").json()["results"][0]["project"] == str(world.project_b.pk)
        assert client.get(f"/api/v1/notifications/{notification.pk}/").status_code == 404
        assert client.post(f"/api/v1/notifications/{notification.pk}/read/").status_code == 404
        notification.refresh_from_db()
        assert notification.read_at is None


def test_the_schema_has_every_conversation_path_with_a_get():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = {
        path: methods for path, methods in schema["paths"].items() if "comments" in path or "notif" in path
    }
    assert set(paths) == {
        "/api/v1/projects/{project_id}/comments/",
        "/api/v1/projects/{project_id}/comments/{comment_id}/",
        "/api/v1/projects/{project_id}/comments/{comment_id}/resolution/",
        "/api/v1/notifications/",
        "/api/v1/notifications/{notification_id}/",
        "/api/v1/notifications/{notification_id}/read/",
    }
    assert all("get" in methods for methods in paths.values())  # the isolation sweep reads every path
