import pytest

from accounts.access import Access
from alwaysevents.audit import audit
from coproduction.models import Comment, Notification
from coproduction.services.conversation import comment_create, comment_thread_resolve

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_conversation")]


def cycle_comments_url(world, records=None):
    records = records or world.records_a
    return f"/projects/{records.cycle.project_id}/comments/pdsa_cycle/{records.cycle.pk}/"


def start_thread(world, user, body="A first thought"):
    return comment_create(
        access=Access.for_user(user),
        project=world.project_a,
        target="pdsa_cycle",
        target_id=world.records_a.cycle.pk,
        body=body,
    )


class TestCommentPage:
    def test_it_shows_the_threads_on_a_record_with_mentions_highlighted(self, world, client_of):
        response = client_of(world.a_member).get(cycle_comments_url(world))
        body = response.content.decode()
        assert response.status_code == 200
        assert "Looks good @lead" in body and str(world.project_a.pk) in body
        assert "Start a new thread" in body and "@sam.jones for" in body  # the mention rule, as hint text

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(cycle_comments_url(world)).status_code == 404
        assert client_of(world.b_member).post(cycle_comments_url(world), {"body": "Hi"}).status_code == 404

    def test_an_unknown_target_or_a_record_of_another_project_is_not_found(self, world, client_of):
        client = client_of(world.a_member)
        project = world.project_a.pk
        assert (
            client.get(f"/projects/{project}/comments/response/{world.records_a.response.pk}/").status_code
            == 404
        )
        assert (
            client.get(f"/projects/{project}/comments/pdsa_cycle/{world.records_b.cycle.pk}/").status_code
            == 404
        )
        assert (
            client.get(f"/projects/{project}/comments/candidate/{world.records_a.cycle.pk}/").status_code
            == 404
        )

    def test_a_buddy_starts_a_thread_but_cannot_edit_the_team_records(self, world, client_of, system_scope):
        client = client_of(world.a_buddy)
        response = client.post(cycle_comments_url(world), {"body": "Have you tried @a.member's idea?"})
        comment = Comment.objects.get(body="Have you tried @a.member's idea?")
        assert response.status_code == 302 and response["Location"].endswith(f"#comment-{comment.pk}")
        assert Notification.objects.get(comment=comment).recipient == world.a_member
        assert client.get(f"/projects/{world.project_a.pk}/edit/").status_code == 403
        page = client.get(cycle_comments_url(world)).content.decode()
        assert '<strong class="ae-mention">@a.member</strong>&#x27;s idea?' in page

    def test_an_empty_comment_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        before = Comment.objects.count()
        response = client_of(world.a_member).post(cycle_comments_url(world), {"body": "  "})
        body = response.content.decode()
        assert response.status_code == 200
        assert (
            "<title>Error: " in body and "Enter your comment" in body and 'href="#new-comment-body"' in body
        )
        assert Comment.objects.count() == before

    def test_a_reply_goes_under_its_thread(self, world, client_of, system_scope):
        thread = world.records_a.comment
        response = client_of(world.a_member).post(
            cycle_comments_url(world), {"thread": str(thread.pk), "body": "Will do"}
        )
        assert response.status_code == 302
        reply = Comment.objects.get(body="Will do")
        assert reply.thread == thread and reply.author == world.a_member
        assert Notification.objects.get(comment=reply).recipient == world.a_buddy

    def test_an_empty_reply_shows_its_error_beside_its_own_thread(self, world, client_of, system_scope):
        thread = world.records_a.comment
        before = Comment.objects.count()
        response = client_of(world.a_member).post(
            cycle_comments_url(world), {"thread": str(thread.pk), "body": ""}
        )
        body = response.content.decode()
        assert "<title>Error: " in body and f'href="#reply-{thread.pk}-body"' in body
        assert Comment.objects.count() == before

    def test_a_reply_to_a_thread_on_another_record_is_not_found(self, world, client_of, system_scope):
        other = comment_create(
            access=Access.for_user(world.a_member),
            project=world.project_a,
            target="project",
            target_id=world.project_a.pk,
            body="On the project",
        )
        response = client_of(world.a_member).post(
            cycle_comments_url(world), {"thread": str(other.pk), "body": "x"}
        )
        assert response.status_code == 404
        response = client_of(world.a_member).post(
            cycle_comments_url(world), {"thread": str(world.records_b.comment.pk), "body": "x"}
        )
        assert response.status_code == 404

    def test_a_system_viewer_reads_but_cannot_comment(self, world, client_of, system_scope):
        client = client_of(world.a_viewer)
        response = client.get(cycle_comments_url(world))
        assert response.status_code == 200 and "Start a new thread" not in response.content.decode()
        assert client.post(cycle_comments_url(world), {"body": "Hello"}).status_code == 403
        assert not Comment.objects.filter(body="Hello").exists()


class TestResolving:
    def url(self, world, action):
        return f"/projects/{world.project_a.pk}/comments/{world.records_a.comment.pk}/{action}/"

    def test_a_coach_resolves_and_a_member_reopens(self, world, client_of, system_scope):
        response = client_of(world.coach_1).post(self.url(world, "resolve"), {"version": "1"})
        assert response.status_code == 302
        thread = Comment.objects.get(pk=world.records_a.comment.pk)
        assert thread.resolved_by == world.coach_1
        client_of(world.a_member).post(self.url(world, "reopen"), {"version": "2", "return_to": "project"})
        thread.refresh_from_db()
        assert thread.resolved_at is None and thread.version == 3

    def test_a_stale_click_is_refused_with_a_message(self, world, client_of, system_scope):
        client_of(world.coach_1).post(self.url(world, "resolve"), {"version": "1"})
        response = client_of(world.a_member).post(self.url(world, "reopen"), {"version": "1"}, follow=True)
        assert "Someone else resolved or reopened this thread" in response.content.decode()
        assert Comment.objects.get(pk=world.records_a.comment.pk).resolved_at is not None

    def test_outsiders_are_not_found_and_viewers_are_refused(self, world, client_of, system_scope):
        assert client_of(world.b_member).post(self.url(world, "resolve"), {"version": "1"}).status_code == 404
        assert client_of(world.a_viewer).post(self.url(world, "resolve"), {"version": "1"}).status_code == 403
        assert Comment.objects.get(pk=world.records_a.comment.pk).resolved_at is None


class TestProjectComments:
    def url(self, world):
        return f"/projects/{world.project_a.pk}/comments/"

    def test_it_lists_unresolved_threads_first_and_filters(self, world, client_of, system_scope):
        resolved = start_thread(world, world.a_member, body="Sorted now")
        comment_thread_resolve(access=Access.for_user(world.a_member), thread=resolved, expected_version=1)
        client = client_of(world.a_buddy)
        body = client.get(self.url(world)).content.decode()
        assert body.index("Looks good @lead") < body.index("Sorted now")
        assert "Thread on PDSA cycle: Painted bones: cycle 1" in body
        assert "Sorted now" not in client.get(self.url(world) + "?status=unresolved").content.decode()
        only_resolved = client.get(self.url(world) + "?status=resolved").content.decode()
        assert "Sorted now" in only_resolved and "Looks good" not in only_resolved

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_viewer).get(self.url(world)).status_code == 404


class TestNotifications:
    def test_the_list_shows_my_notifications_and_links_to_the_comment(self, world, client_of):
        body = client_of(world.a_member).get("/notifications/").content.decode()
        assert "Buddy mentioned you" in body and "Unread" in body
        assert (
            f"/comments/pdsa_cycle/{world.records_a.cycle.pk}/#comment-{world.records_a.comment.pk}" in body
        )
        assert world.project_b.title not in body

    def test_mark_one_and_mark_all_as_read(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        notification = world.records_a.notification
        assert client.post(f"/notifications/{notification.pk}/read/").status_code == 302
        notification.refresh_from_db()
        assert notification.read_at is not None
        start_thread(world, world.a_buddy, body="@a.member again")
        start_thread(world, world.coach_1, body="@a.member and again")
        client.post("/notifications/read/")
        assert not Notification.objects.filter(recipient=world.a_member, read_at__isnull=True).exists()

    def test_someone_elses_notification_is_not_found(self, world, client_of, system_scope):
        notification = world.records_a.notification
        assert client_of(world.b_member).post(f"/notifications/{notification.pk}/read/").status_code == 404
        assert client_of(world.a_buddy).post(f"/notifications/{notification.pk}/read/").status_code == 404
        notification.refresh_from_db()
        assert notification.read_at is None

    def test_the_header_shows_the_unread_count(self, world, client_of, settings):
        for engine in settings.TEMPLATES:
            if engine["BACKEND"].endswith("Jinja2"):
                engine["OPTIONS"]["context_processors"] = [
                    *engine["OPTIONS"]["context_processors"],
                    "coproduction.context_processors.unread_notifications",
                ]
        settings.TEMPLATES = [dict(engine) for engine in settings.TEMPLATES]
        assert "Notifications (1)" in client_of(world.a_member).get("/notifications/").content.decode()
        assert "Notifications (0)" in client_of(world.b_viewer).get("/notifications/").content.decode()


class TestActivity:
    def url(self, world):
        return f"/projects/{world.project_a.pk}/activity/"

    def test_it_tells_who_did_what_in_plain_english(self, world, client_of, system_scope):
        start_thread(world, world.a_member)
        audit(
            actor=world.a_member,
            action="pdsa_cycle.update",
            obj=world.records_a.cycle,
            changed=["do_notes", "objective"],
        )
        audit(system_job="nightly", action="pdsa_cycle.advance", obj=world.records_a.cycle)
        audit(actor=world.a_member, action="response.update", obj=world.records_a.response, changed=["text"])
        body = client_of(world.a_buddy).get(self.url(world)).content.decode()
        assert "A Member started a comment thread" in body
        assert "A Member updated PDSA cycle &#39;Painted bones: cycle 1&#39;" in body
        assert "What happened, objective" in body
        assert "The system moved on the PDSA cycle" in body
        assert "A Member updated response" in body and "Knowing where to go" not in body  # no patient words
        assert body.index("started a comment thread") > body.index("updated response")  # newest first

    def test_it_pages_fifty_at_a_time(self, world, client_of, system_scope):
        for _ in range(55):
            audit(actor=world.a_member, action="theme.update", obj=world.records_a.theme, changed=["name"])
        client = client_of(world.a_member)
        assert client.get(self.url(world)).content.decode().count("updated theme") == 50
        assert client.get(self.url(world) + "?page=2").content.decode().count("updated theme") == 5

    def test_it_shows_only_this_project(self, world, client_of, system_scope):
        audit(actor=world.b_member, action="theme.update", obj=world.records_b.theme, changed=["name"])
        assert "B Member" not in client_of(world.a_member).get(self.url(world)).content.decode()

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(self.url(world)).status_code == 404


class TestForms:
    def test_every_form_that_posts_carries_the_csrf_token(self, world, client_of):
        client = client_of(world.a_member)
        for url in (
            cycle_comments_url(world),
            f"/projects/{world.project_a.pk}/comments/",
            "/notifications/",
        ):
            body = client.get(url).content.decode()
            assert body.count('method="post"') >= 1
            assert body.count('method="post"') == body.count('name="csrfmiddlewaretoken"'), url

    def test_buttons_carry_hidden_context_for_screen_readers(self, world, client_of):
        body = client_of(world.a_member).get(cycle_comments_url(world)).content.decode()
        assert '<span class="nhsuk-u-visually-hidden"> to the thread started by A Buddy</span>' in body
        assert "&lt;span" not in body
