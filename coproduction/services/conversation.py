"""Comments, @mentions and notifications, and the project's activity timeline from the audit log.

Reads come first (they take the reader's `Access`, or a project already read through `project_visible`);
writes follow: keyword-only, atomic, checked with `require_comment_on_project`, audited.
"""

import uuid
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import BooleanField, DateTimeField, ExpressionWrapper, F, Max, Model, Q, QuerySet
from django.db.models.functions import Coalesce
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.access import Access
from accounts.models import User
from alwaysevents.audit import audit
from alwaysevents.concurrency import StaleEdit, save_versioned
from alwaysevents.models import AuditEvent
from projects.models import Project
from projects.selectors import project_visible, records_of

from ..mentions import mentioned_people, people_who_can_read_project
from ..models import CandidateEvent, ChangeIdea, Comment, Notification, PdsaCycle, Statement

Target = Comment.Target

# The records each target kind names; "project" and "driver_diagram" name the project itself.
TARGET_MODELS: dict[str, type[Model]] = {
    Target.CANDIDATE: CandidateEvent,
    Target.STATEMENT: Statement,
    Target.CHANGE_IDEA: ChangeIdea,
    Target.PDSA_CYCLE: PdsaCycle,
}
PROJECT_TARGETS = frozenset({Target.PROJECT, Target.DRIVER_DIAGRAM})
BODY_MAX_LENGTH = 5000
# How an email names what was commented on: "a comment on a PDSA cycle".
TARGET_PHRASES = {
    Target.PROJECT: "the project",
    Target.CANDIDATE: "a candidate event",
    Target.STATEMENT: "the vision and aim",
    Target.DRIVER_DIAGRAM: "the driver diagram",
    Target.CHANGE_IDEA: "a change idea",
    Target.PDSA_CYCLE: "a PDSA cycle",
}


# --- Reads -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommentTarget:
    """What a thread is about: one record of a project (or the project, or its driver diagram)."""

    project: Project
    kind: str
    record: Model

    @property
    def target_id(self) -> uuid.UUID:
        return self.record.pk


def comment_target_of(*, project: Project, target: str, target_id) -> CommentTarget:
    """The record a comment on `project` names, or ValidationError: an unknown kind, or a record that does
    not exist in this project (another project's record is never found)."""
    if target not in Target.values:
        raise ValidationError({"target": "Choose what the comment is about"})
    if target in PROJECT_TARGETS:
        if str(target_id) != str(project.pk):
            raise ValidationError(
                {"target_id": "Comments on the project or its driver diagram name the project"}
            )
        return CommentTarget(project=project, kind=target, record=project)
    try:
        record = records_of(project=project, model=TARGET_MODELS[target]).get(pk=target_id)
    except (TARGET_MODELS[target].DoesNotExist, ValueError, ValidationError) as error:
        raise ValidationError({"target_id": "There is no such record in this project"}) from error
    return CommentTarget(project=project, kind=target, record=record)


def comment_target_visible(*, access: Access, project_id: uuid.UUID, target: str, target_id) -> CommentTarget:
    """The target of a comment page, or Http404 when the project or record is out of the reader's scope."""
    project = project_visible(access=access, project_id=project_id)
    try:
        return comment_target_of(project=project, target=target, target_id=target_id)
    except ValidationError as error:
        raise Http404("No such record") from error


def _threads(project: Project) -> QuerySet[Comment]:
    return (
        records_of(project=project, model=Comment)
        .filter(thread__isnull=True)
        .annotate(
            # Replies always come after their thread's first comment.
            last_activity=Coalesce(Max("replies__created_at"), "created_at", output_field=DateTimeField())
        )
        .select_related("author", "resolved_by")
        .prefetch_related("replies__author")
    )


def threads_on_target(*, target: CommentTarget) -> QuerySet[Comment]:
    """The threads on one record, the most recently active first."""
    return (
        _threads(target.project)
        .filter(target=target.kind, target_id=target.target_id)
        .order_by("-last_activity", "-created_at")
    )


def threads_of_project(*, project: Project, resolved: bool | None = None) -> QuerySet[Comment]:
    """Every thread of the project: the unresolved first, then the most recently active."""
    threads = _threads(project).annotate(
        is_resolved=ExpressionWrapper(Q(resolved_at__isnull=False), output_field=BooleanField())
    )
    if resolved is not None:
        threads = threads.filter(resolved_at__isnull=not resolved)
    return threads.order_by("is_resolved", "-last_activity", "-created_at")


def thread_visible(*, access: Access, project_id: uuid.UUID, comment_id: uuid.UUID) -> Comment:
    """The thread a comment belongs to (its root), or Http404 outside the reader's scope."""
    project = project_visible(access=access, project_id=project_id)
    try:
        comment = records_of(project=project, model=Comment).select_related("thread").get(pk=comment_id)
    except (Comment.DoesNotExist, ValueError) as error:
        raise Http404("No such comment") from error
    thread = comment.thread or comment
    thread.project = project
    return thread


def notifications_of(*, access: Access) -> QuerySet[Notification]:
    """The reader's own notifications, on projects they can still read: unread first, newest first."""
    return (
        Notification.objects.filter(
            recipient_id=access.user.pk,
            project__in=Project.objects.filter(access.readable_projects()).values("pk"),
        )
        .annotate(is_read=ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField()))
        .select_related("comment__author", "comment__thread", "project")
        .order_by("is_read", "-created_at")
    )


def notification_visible(*, access: Access, notification_id: uuid.UUID) -> Notification:
    try:
        return notifications_of(access=access).get(pk=notification_id)
    except (Notification.DoesNotExist, ValueError) as error:
        raise Http404("No such notification") from error


def unread_notification_count(*, access: Access) -> int:
    """For the header on every page. Most people have nothing unread: one narrow query says so, and only
    then are the unread ones narrowed to the projects the person may still read."""
    unread = Notification.objects.filter(recipient_id=access.user.pk, read_at__isnull=True)
    if not unread.exists():
        return 0
    return unread.filter(project__in=Project.objects.filter(access.readable_projects()).values("pk")).count()


# Personal bookkeeping, not the team's work: left out of the activity timeline.
PRIVATE_ACTIONS = ("notification.",)


def project_activity(*, project: Project) -> QuerySet[AuditEvent]:
    """The audit log of one project (read through `project_visible`), newest first."""
    events = AuditEvent.objects.filter(project_id=project.pk, organisation_id=project.organisation_id)
    for prefix in PRIVATE_ACTIONS:
        events = events.exclude(action__startswith=prefix)
    return events.select_related("actor").order_by("-occurred_at")


def comment_page_url(comment: Comment) -> str:
    """The page of the comment's thread, scrolled to the comment."""
    url = reverse(
        "comment_list",
        kwargs={"project_id": comment.project_id, "target": comment.target, "target_id": comment.target_id},
    )
    return f"{url}#comment-{comment.pk}"


# --- Writes ------------------------------------------------------------------------------------


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": "Enter your comment"})
    if len(body) > BODY_MAX_LENGTH:
        raise ValidationError({"body": f"Your comment must be {BODY_MAX_LENGTH} characters or fewer"})
    return body


@transaction.atomic
def comment_create(*, access: Access, project: Project, target: str, target_id, body: str) -> Comment:
    """Start a thread on a record of `project`. Mentioned readers of the project are notified."""
    access.require_comment_on_project(project)
    commented = comment_target_of(project=project, target=target, target_id=target_id)
    comment = Comment.objects.create(
        organisation=project.organisation,
        project=project,
        target=commented.kind,
        target_id=commented.target_id,
        author=access.user,
        body=_clean_body(body),
    )
    audit(actor=access.user, action="comment.create", obj=comment, changed=["body"])
    _notify(comment=comment, project=project)
    return comment


@transaction.atomic
def comment_reply(*, access: Access, thread: Comment, body: str) -> Comment:
    """Reply on a thread: its other participants are told, and anyone mentioned."""
    project = thread.project
    access.require_comment_on_project(project)
    if thread.thread_id is not None:
        raise ValueError("Replies go on the thread's first comment")
    if thread.resolved_at is not None:
        raise ValidationError({"body": "This thread is resolved. Reopen it to reply."})
    reply = Comment.objects.create(
        organisation=project.organisation,
        project=project,
        target=thread.target,
        target_id=thread.target_id,
        thread=thread,
        author=access.user,
        body=_clean_body(body),
    )
    audit(actor=access.user, action="comment.reply", obj=reply, changed=["body"])
    _notify(comment=reply, project=project)
    return reply


@transaction.atomic
def comment_thread_resolve(*, access: Access, thread: Comment, expected_version: int) -> Comment:
    return _set_resolved(access=access, thread=thread, expected_version=expected_version, resolved=True)


@transaction.atomic
def comment_thread_reopen(*, access: Access, thread: Comment, expected_version: int) -> Comment:
    return _set_resolved(access=access, thread=thread, expected_version=expected_version, resolved=False)


def _set_resolved(*, access: Access, thread: Comment, expected_version: int, resolved: bool) -> Comment:
    """Anyone who may comment may resolve or reopen a thread; a click based on an older version is refused."""
    access.require_comment_on_project(thread.project)
    if thread.thread_id is not None:
        raise ValueError("Only a thread's first comment is resolved")
    if thread.version != expected_version:
        raise StaleEdit(current=thread)
    if (thread.resolved_at is not None) == resolved:
        return thread
    changes = (
        {"resolved_at": timezone.now(), "resolved_by_id": access.user.pk}
        if resolved
        else {"resolved_at": None, "resolved_by_id": None}
    )
    return save_versioned(
        obj=thread,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="comment.resolve" if resolved else "comment.reopen",
    )


def _notify(*, comment: Comment, project: Project) -> list[Notification]:
    """One notification per person told about `comment`: the readers it mentions, and on a reply the thread's
    other participants who can still read the project. Never its author. Each is emailed after commit."""
    reasons: dict[uuid.UUID, str] = {}
    for person in mentioned_people(project=project, body=comment.body):
        reasons[person.pk] = Notification.Reason.MENTION
    if comment.thread_id:
        participants = Comment.objects.filter(
            Q(pk=comment.thread_id) | Q(thread_id=comment.thread_id), organisation_id=project.organisation_id
        ).values("author_id")
        for person_id in (
            people_who_can_read_project(project=project)
            .filter(pk__in=participants)
            .values_list("pk", flat=True)
        ):
            reasons.setdefault(person_id, Notification.Reason.REPLY)
    reasons.pop(comment.author_id, None)
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                organisation=project.organisation,
                project=project,
                recipient_id=recipient_id,
                comment=comment,
                reason=reason,
            )
            for recipient_id, reason in reasons.items()
        ]
    )
    from ..tasks import send_notification_email_task

    for notification in notifications:
        transaction.on_commit(partial(send_notification_email_task.delay, str(notification.pk)))
    return notifications


@transaction.atomic
def notification_mark_read(*, access: Access, notification: Notification) -> Notification:
    """Mark one of the reader's own notifications as read; marking it again changes nothing."""
    if notification.recipient_id != access.user.pk:
        raise Http404("No such notification")
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=now, version=F("version") + 1, updated_at=now
        )
        audit(actor=access.user, action="notification.read", obj=notification, changed=["read_at"])
        notification.refresh_from_db()
    return notification


@transaction.atomic
def notifications_mark_all_read(*, access: Access) -> int:
    """Mark every unread notification of the reader as read; returns how many."""
    unread = list(
        notifications_of(access=access).filter(read_at__isnull=True).select_for_update(of=("self",))
    )
    now = timezone.now()
    Notification.objects.filter(pk__in=[notification.pk for notification in unread]).update(
        read_at=now, version=F("version") + 1, updated_at=now
    )
    for notification in unread:
        audit(actor=access.user, action="notification.read", obj=notification, changed=["read_at"])
    return len(unread)


@transaction.atomic
def notification_send_email(*, notification_id) -> bool:
    """Email one notification, once: a task delivered twice sends nothing the second time. The email names
    who commented and where, and links to the comment; the comment's words stay in the service."""
    notification = (
        Notification.objects.select_for_update(of=("self",))
        .select_related("recipient", "comment__author", "project__organisation", "project__enrolment__cohort")
        .get(pk=notification_id)
    )
    recipient: User = notification.recipient
    if notification.emailed_at is not None or not recipient.is_active:
        return False
    if not Access.for_user(recipient).can_read_project(notification.project):
        return False  # they lost access after the comment was written: tell them nothing
    comment = notification.comment
    context = {
        "recipient": recipient,
        "author": comment.author,
        "reason": notification.get_reason_display(),
        "project": notification.project,
        "about": TARGET_PHRASES[comment.target],
        "url": settings.SITE_URL + comment_page_url(comment),
        "notifications_url": settings.SITE_URL + reverse("notification_list"),
    }
    send_mail(
        subject=f"{comment.author} {notification.get_reason_display()} on {notification.project}",
        message=render_to_string("coproduction/email/notification.txt.jinja", context),
        from_email=None,
        recipient_list=[recipient.email],
    )
    notification.emailed_at = timezone.now()
    notification.save(update_fields=["emailed_at"])
    audit(
        system_job="send_notification_email",
        action="notification.email",
        obj=notification,
        changed=["emailed_at"],
    )
    return True
