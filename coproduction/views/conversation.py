"""Comment threads on a project's records, the reader's notifications, and the project's activity timeline."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path, register_converter
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alwaysevents.concurrency import StaleEdit
from alwaysevents.pagination import paginate, pagination_links
from projects.selectors import project_visible

from ..forms.conversation import CommentForm, ReplyForm, ThreadStateForm
from ..models import Comment
from ..presenters.conversation import (
    STATUS_FILTERS,
    CommentPagePresenter,
    NotificationPresenter,
    ProjectCommentsPresenter,
    activity_entries,
)
from ..services.conversation import (
    comment_create,
    comment_page_url,
    comment_reply,
    comment_target_visible,
    comment_thread_reopen,
    comment_thread_resolve,
    notification_mark_read,
    notification_visible,
    notifications_mark_all_read,
    notifications_of,
    project_activity,
    thread_visible,
    threads_of_project,
    threads_on_target,
)


class CommentTargetConverter:
    """Only the kinds of record a comment can be on: any other word in the URL is not found."""

    regex = "|".join(Comment.Target.values)

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return str(value)


register_converter(CommentTargetConverter, "comment_target")


# --- Comments ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def comment_list(request, project_id, target, target_id):
    commented = comment_target_visible(
        access=request.access, project_id=project_id, target=target, target_id=target_id
    )
    new_form = bound_reply = None
    if request.method == "POST":
        request.access.require_comment_on_project(commented.project)
        if "thread" in request.POST:
            thread = _thread_of_reply(request, commented)
            bound_reply = ReplyForm(request.POST, thread_id=thread.pk)
            if bound_reply.is_valid():
                try:
                    comment = comment_reply(
                        access=request.access, thread=thread, body=bound_reply.cleaned_data["body"]
                    )
                except ValidationError as error:
                    bound_reply.add_error(None, error)
                else:
                    messages.success(request, "Reply added")
                    return redirect(comment_page_url(comment))
        else:
            new_form = CommentForm(request.POST)
            if new_form.is_valid():
                try:
                    comment = comment_create(
                        access=request.access,
                        project=commented.project,
                        target=commented.kind,
                        target_id=commented.target_id,
                        body=new_form.cleaned_data["body"],
                    )
                except ValidationError as error:
                    new_form.add_error(None, error)
                else:
                    messages.success(request, "Comment added")
                    return redirect(comment_page_url(comment))
    page = CommentPagePresenter(
        target=commented,
        access=request.access,
        threads=list(threads_on_target(target=commented)),
        new_form=new_form,
        bound_reply=bound_reply,
    )
    return render(
        request,
        "coproduction/conversation/comment_list.jinja",
        {"page": page, "project": commented.project, "page_has_errors": page.form_errors},
    )


def _thread_of_reply(request, commented) -> Comment:
    """The thread a posted reply answers: it must be a thread on this very record."""
    try:
        thread_id = uuid.UUID(request.POST.get("thread", ""))
    except ValueError as error:
        raise Http404("No such thread") from error
    thread = thread_visible(access=request.access, project_id=commented.project.pk, comment_id=thread_id)
    if (thread.target, thread.target_id) != (commented.kind, commented.target_id):
        raise Http404("No such thread")
    return thread


@require_POST
def comment_resolve(request, project_id, comment_id):
    return _change_thread_state(request, project_id, comment_id, resolve=True)


@require_POST
def comment_reopen(request, project_id, comment_id):
    return _change_thread_state(request, project_id, comment_id, resolve=False)


def _change_thread_state(request, project_id, comment_id, *, resolve: bool):
    thread = thread_visible(access=request.access, project_id=project_id, comment_id=comment_id)
    request.access.require_comment_on_project(thread.project)
    form = ThreadStateForm(request.POST, version=thread.version)
    if not form.is_valid():
        messages.error(request, "The thread could not be changed. Try again.")
    else:
        service = comment_thread_resolve if resolve else comment_thread_reopen
        try:
            service(access=request.access, thread=thread, expected_version=form.cleaned_data["version"])
        except StaleEdit:
            messages.error(
                request,
                "Someone else resolved or reopened this thread after you opened the page. "
                "Its current state is shown below.",
            )
        else:
            messages.success(request, "Thread resolved" if resolve else "Thread reopened")
    if form.is_valid() and form.cleaned_data["return_to"] == "project":
        return redirect("project_comments", project_id=thread.project.pk)
    return redirect(comment_page_url(thread))


@require_GET
def project_comments(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    status = request.GET.get("status", "all")
    if status not in STATUS_FILTERS:
        status = "all"
    page = paginate(
        threads_of_project(project=project, resolved=STATUS_FILTERS[status]), request, per_page=25
    )
    return render(
        request,
        "coproduction/conversation/project_comments.jinja",
        {
            "project": project,
            "comments": ProjectCommentsPresenter(
                project=project, access=request.access, page=page, status=status
            ),
            "pagination": pagination_links(page, request),
        },
    )


# --- Notifications -------------------------------------------------------------------------------


@require_GET
def notification_list(request):
    page = paginate(notifications_of(access=request.access), request, per_page=50)
    return render(
        request,
        "coproduction/conversation/notification_list.jinja",
        {
            "notifications": [NotificationPresenter(notification) for notification in page.object_list],
            "has_unread": any(notification.read_at is None for notification in page.object_list),
            "pagination": pagination_links(page, request),
        },
    )


@require_POST
def notification_read(request, notification_id):
    notification = notification_visible(access=request.access, notification_id=notification_id)
    notification_mark_read(access=request.access, notification=notification)
    messages.success(request, "Notification marked as read")
    return redirect("notification_list")


@require_POST
def notification_read_all(request):
    count = notifications_mark_all_read(access=request.access)
    messages.success(request, f"{count} notification{'' if count == 1 else 's'} marked as read")
    return redirect("notification_list")


# --- Activity ------------------------------------------------------------------------------------


@require_GET
def project_activity_list(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    page = paginate(project_activity(project=project), request, per_page=50)
    return render(
        request,
        "coproduction/conversation/project_activity.jinja",
        {
            "project": project,
            "entries": activity_entries(project=project, page=page),
            "pagination": pagination_links(page, request),
        },
    )


urlpatterns = [
    path("projects/<uuid:project_id>/comments/", project_comments, name="project_comments"),
    path(
        "projects/<uuid:project_id>/comments/<comment_target:target>/<uuid:target_id>/",
        comment_list,
        name="comment_list",
    ),
    path(
        "projects/<uuid:project_id>/comments/<uuid:comment_id>/resolve/",
        comment_resolve,
        name="comment_resolve",
    ),
    path(
        "projects/<uuid:project_id>/comments/<uuid:comment_id>/reopen/", comment_reopen, name="comment_reopen"
    ),
    path("projects/<uuid:project_id>/activity/", project_activity_list, name="project_activity"),
    path("notifications/", notification_list, name="notification_list"),
    path("notifications/read/", notification_read_all, name="notification_read_all"),
    path("notifications/<uuid:notification_id>/read/", notification_read, name="notification_read"),
]
