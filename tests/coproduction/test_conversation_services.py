from unittest import mock

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from accounts.access import Access
from accounts.models import RoleGrant
from alwaysevents.concurrency import StaleEdit
from alwaysevents.models import AuditEvent
from coproduction.mentions import (
    mentioned_names,
    people_who_can_read_project,
    render_comment_body,
)
from coproduction.models import Comment, Notification
from coproduction.services import conversation
from coproduction.services.conversation import (
    comment_create,
    comment_reply,
    comment_thread_reopen,
    comment_thread_resolve,
    notification_send_email,
)
from coproduction.tasks import send_notification_email_task

pytestmark = pytest.mark.urls("tests.coproduction.urls_conversation")


def start_thread(world, user, body="A first thought", target="pdsa_cycle", target_id=None):
    return comment_create(
        access=Access.for_user(user),
        project=world.project_a,
        target=target,
        target_id=target_id or world.records_a.cycle.pk,
        body=body,
    )


@pytest.mark.django_db
class TestMentionRule:
    def test_a_mention_is_the_email_local_part_not_inside_an_email_address(self):
        text = "Thanks @a.member. Ask @Coach.One, not someone@example.org or x@a.partner"
        assert mentioned_names(text) == {"a.member", "coach.one"}

    def test_the_readers_of_a_project_follow_the_access_rules(self, world):
        readers = set(people_who_can_read_project(project=world.project_a))
        everyone = [
            world.a_member, world.a_partner, world.a_admin, world.a_buddy, world.a_viewer, world.b_member,
            world.b_buddy, world.b_viewer, world.coach_1, world.coach_2, world.programme_admin, world.nobody,
        ]  # fmt: skip
        expected = {user for user in everyone if Access.for_user(user).can_read_project(world.project_a)}
        assert readers == expected
        assert world.coach_1 in readers and world.a_viewer in readers and world.coach_2 not in readers

    def test_rendering_escapes_html_and_highlights_only_real_mentions(self):
        html = render_comment_body(
            "<script>x</script> @lead and @ghost\nnext", mentionable=frozenset({"lead"})
        )
        assert "<script>" not in html and "&lt;script&gt;" in html
        assert '<strong class="ae-mention">@lead</strong>' in html
        assert "@ghost" in html and '<strong class="ae-mention">@ghost' not in html
        assert "<br>" in html


@pytest.mark.django_db
class TestComments:
    def test_a_buddy_starts_a_thread_and_only_readers_mentioned_are_notified(self, world, system_scope):
        comment = start_thread(world, world.a_buddy, body="@a.member @b.member @nobody @a.buddy have a look")
        assert (comment.organisation, comment.project, comment.thread) == (world.org_a, world.project_a, None)
        notifications = Notification.objects.filter(comment=comment)
        assert [(n.recipient, n.reason) for n in notifications] == [(world.a_member, "mention")]
        event = AuditEvent.objects.get(action="comment.create")
        assert (event.actor, event.project_id, event.organisation) == (
            world.a_buddy,
            world.project_a.pk,
            world.org_a,
        )

    def test_a_record_of_another_project_is_refused_and_nothing_is_saved(self, world, system_scope):
        before = Comment.objects.count()
        with pytest.raises(ValidationError):
            start_thread(world, world.a_member, target_id=world.records_b.cycle.pk)
        with pytest.raises(ValidationError):
            start_thread(world, world.a_member, target="candidate", target_id=world.records_a.cycle.pk)
        with pytest.raises(ValidationError):
            start_thread(world, world.a_member, target="driver_diagram", target_id=world.records_a.cycle.pk)
        with pytest.raises(ValidationError):
            start_thread(world, world.a_member, target="response", target_id=world.records_a.response.pk)
        assert Comment.objects.count() == before

    def test_every_target_kind_can_be_commented_on(self, world, system_scope):
        records = world.records_a
        for target, target_id in [
            ("project", world.project_a.pk),
            ("driver_diagram", world.project_a.pk),
            ("candidate", records.candidate.pk),
            ("statement", records.statement.pk),
            ("change_idea", records.idea.pk),
            ("pdsa_cycle", records.cycle.pk),
        ]:
            assert start_thread(world, world.coach_1, target=target, target_id=target_id).target == target

    def test_an_empty_comment_is_refused(self, world, system_scope):
        with pytest.raises(ValidationError):
            start_thread(world, world.a_member, body="   ")

    def test_who_may_comment(self, world, system_scope):
        for user in (world.a_member, world.a_partner, world.a_admin, world.a_buddy, world.coach_1):
            start_thread(world, user)
        start_thread(world, world.programme_admin)
        with pytest.raises(PermissionDenied):
            start_thread(world, world.a_viewer)
        with pytest.raises(Http404):
            start_thread(world, world.b_member)

    def test_a_reply_notifies_the_other_participants_but_never_its_author(self, world, system_scope):
        thread = start_thread(world, world.a_buddy)
        comment_reply(access=Access.for_user(world.coach_1), thread=thread, body="I agree")
        reply = comment_reply(access=Access.for_user(world.a_member), thread=thread, body="Thanks @coach.one")
        told = {(n.recipient, n.reason) for n in Notification.objects.filter(comment=reply)}
        assert told == {(world.a_buddy, "reply"), (world.coach_1, "mention")}
        assert reply.thread == thread and reply.target_id == thread.target_id

    def test_a_participant_who_lost_access_is_not_told(self, world, system_scope):
        thread = start_thread(world, world.a_buddy)
        RoleGrant.objects.filter(user=world.a_buddy).delete()
        reply = comment_reply(access=Access.for_user(world.a_member), thread=thread, body="Reply")
        assert not Notification.objects.filter(comment=reply).exists()

    def test_a_resolved_thread_takes_no_replies(self, world, system_scope):
        thread = start_thread(world, world.a_buddy)
        comment_thread_resolve(access=Access.for_user(world.a_member), thread=thread, expected_version=1)
        with pytest.raises(ValidationError):
            comment_reply(access=Access.for_user(world.a_member), thread=thread, body="Late")

    def test_resolving_and_reopening_are_audited_and_stale_clicks_refused(self, world, system_scope):
        thread = start_thread(world, world.a_member)
        thread = comment_thread_resolve(
            access=Access.for_user(world.coach_1), thread=thread, expected_version=1
        )
        assert thread.resolved_by == world.coach_1 and thread.version == 2
        with pytest.raises(StaleEdit):
            comment_thread_reopen(access=Access.for_user(world.a_member), thread=thread, expected_version=1)
        thread = comment_thread_reopen(
            access=Access.for_user(world.a_buddy), thread=thread, expected_version=2
        )
        assert thread.resolved_at is None and thread.version == 3
        actions = list(AuditEvent.objects.filter(object_id=str(thread.pk)).values_list("action", flat=True))
        assert sorted(actions) == ["comment.create", "comment.reopen", "comment.resolve"]

    def test_a_system_viewer_cannot_resolve(self, world, system_scope):
        thread = start_thread(world, world.a_member)
        with pytest.raises(PermissionDenied):
            comment_thread_resolve(access=Access.for_user(world.a_viewer), thread=thread, expected_version=1)

    def test_each_notification_is_emailed_after_commit(
        self, world, system_scope, django_capture_on_commit_callbacks
    ):
        with (
            mock.patch.object(send_notification_email_task, "delay") as delay,
            django_capture_on_commit_callbacks(execute=True),
        ):
            comment = start_thread(world, world.a_buddy, body="@a.member @coach.one see this")
        sent = {call.args[0] for call in delay.call_args_list}
        assert sent == {str(n.pk) for n in Notification.objects.filter(comment=comment)} and len(sent) == 2


@pytest.mark.django_db
class TestNotificationEmail:
    def test_the_task_sends_one_email_once(self, world, system_scope):
        notification = world.records_a.notification
        send_notification_email_task(str(notification.pk))
        send_notification_email_task(str(notification.pk))  # redelivered
        assert len(mail.outbox) == 1
        email = mail.outbox[0]
        assert email.to == [world.a_member.email]
        assert world.project_a.title in email.subject
        assert f"/comments/pdsa_cycle/{world.records_a.cycle.pk}/#comment-" in email.body
        assert "Looks good" not in email.body  # the comment's words stay in the service
        notification.refresh_from_db()
        assert notification.emailed_at is not None
        assert (
            AuditEvent.objects.filter(
                action="notification.email", system_job="send_notification_email"
            ).count()
            == 1
        )

    def test_nothing_is_sent_to_someone_who_lost_access(self, world, system_scope):
        RoleGrant.objects.filter(user=world.a_member).delete()
        assert notification_send_email(notification_id=world.records_a.notification.pk) is False
        assert mail.outbox == []

    def test_the_scope_is_opened_by_the_task_not_left_to_the_caller(self, world):
        send_notification_email_task(str(world.records_a.notification.pk))
        assert len(mail.outbox) == 1


def test_targets_cover_every_kind():
    assert set(conversation.TARGET_MODELS) | conversation.PROJECT_TARGETS == set(Comment.Target.values)
