"""The comments and notifications API: explicit input and output serializers over the page's services."""

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated
from projects.selectors import project_visible

from ..models import Comment, Notification
from ..presenters.conversation import person_name
from ..selectors.conversation import threads_by_state, unread_only
from ..services.conversation import (
    BODY_MAX_LENGTH,
    comment_create,
    comment_page_url,
    comment_reply,
    comment_target_visible,
    comment_thread_reopen,
    comment_thread_resolve,
    notification_mark_read,
    notification_visible,
    notifications_of,
    thread_visible,
    threads_of_project,
    threads_on_target,
)


def _invalid(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class CommentOutput(serializers.ModelSerializer):
    author = serializers.SerializerMethodField()
    resolved_by = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "project",
            "target",
            "target_id",
            "thread",
            "author",
            "body",
            "created_at",
            "resolved_at",
            "resolved_by",
            "version",
            "url",
        ]

    def get_author(self, comment: Comment) -> str:
        return person_name(comment.author)

    def get_resolved_by(self, comment: Comment) -> str | None:
        return person_name(comment.resolved_by) if comment.resolved_at else None

    def get_url(self, comment: Comment) -> str:
        return comment_page_url(comment)


class ThreadOutput(CommentOutput):
    replies = CommentOutput(many=True, read_only=True, source="replies.all")

    class Meta(CommentOutput.Meta):
        fields = [*CommentOutput.Meta.fields, "replies"]


class ProjectCommentListApi(APIView):
    class CommentFilterInput(serializers.Serializer):
        target = serializers.ChoiceField(choices=Comment.Target.choices, required=False)
        target_id = serializers.UUIDField(required=False)
        status = serializers.ChoiceField(choices=["all", "unresolved", "resolved"], default="all")

        def validate(self, data):
            if ("target" in data) != ("target_id" in data):
                raise serializers.ValidationError("Give both target and target_id, or neither")
            return data

    class CommentCreateInput(serializers.Serializer):
        target = serializers.ChoiceField(choices=Comment.Target.choices)
        target_id = serializers.UUIDField(
            help_text="The record's id; the project's id for project and diagram."
        )
        body = serializers.CharField(max_length=BODY_MAX_LENGTH)

    @extend_schema(
        parameters=[CommentFilterInput],
        responses=ThreadOutput(many=True),
        operation_id="project_comments_list",
        description="The project's threads, or those on one record: unresolved first, with their replies.",
    )
    def get(self, request, project_id):
        filters = self.CommentFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        data = filters.validated_data
        if "target" in data:
            commented = comment_target_visible(
                access=request.access,
                project_id=project_id,
                target=data["target"],
                target_id=data["target_id"],
            )
            threads = threads_on_target(target=commented)
        else:
            threads = threads_of_project(
                project=project_visible(access=request.access, project_id=project_id)
            )
        resolved = {"all": None, "unresolved": False, "resolved": True}[data["status"]]
        return paginated(self, request, threads_by_state(threads, resolved=resolved), ThreadOutput)

    @extend_schema(
        request=CommentCreateInput,
        responses={201: ThreadOutput},
        operation_id="project_comments_create",
        description="Start a thread. People it @mentions who can read the project are notified.",
    )
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        data = self.CommentCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            comment = comment_create(access=request.access, project=project, **data.validated_data)
        except ValidationError as error:
            raise _invalid(error) from error
        return Response(ThreadOutput(comment).data, status=status.HTTP_201_CREATED)


class CommentThreadApi(APIView):
    """One thread with its replies; POST replies on it."""

    class CommentReplyInput(serializers.Serializer):
        body = serializers.CharField(max_length=BODY_MAX_LENGTH)

    @extend_schema(responses=ThreadOutput, operation_id="project_comment_thread_retrieve")
    def get(self, request, project_id, comment_id):
        thread = thread_visible(access=request.access, project_id=project_id, comment_id=comment_id)
        return Response(ThreadOutput(thread).data)

    @extend_schema(
        request=CommentReplyInput,
        responses={201: CommentOutput},
        operation_id="project_comment_thread_reply",
        description="Reply on a thread: its other participants and anyone @mentioned are notified.",
    )
    def post(self, request, project_id, comment_id):
        thread = thread_visible(access=request.access, project_id=project_id, comment_id=comment_id)
        data = self.CommentReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            reply = comment_reply(access=request.access, thread=thread, body=data.validated_data["body"])
        except ValidationError as error:
            raise _invalid(error) from error
        return Response(CommentOutput(reply).data, status=status.HTTP_201_CREATED)


class CommentResolutionApi(APIView):
    """Whether a thread is resolved; POST resolves or reopens it."""

    class CommentResolutionOutput(serializers.Serializer):
        thread = serializers.UUIDField()
        project = serializers.UUIDField()
        resolved = serializers.BooleanField()
        resolved_at = serializers.DateTimeField(allow_null=True)
        resolved_by = serializers.CharField(allow_null=True)
        version = serializers.IntegerField()

    class CommentResolutionInput(serializers.Serializer):
        resolved = serializers.BooleanField(help_text="true resolves the thread, false reopens it.")
        version = serializers.IntegerField(min_value=1, help_text="The thread's version you last saw.")

    def _output(self, thread: Comment) -> dict:
        return self.CommentResolutionOutput(
            {
                "thread": thread.pk,
                "project": thread.project_id,
                "resolved": thread.resolved_at is not None,
                "resolved_at": thread.resolved_at,
                "resolved_by": person_name(thread.resolved_by) if thread.resolved_at else None,
                "version": thread.version,
            }
        ).data

    @extend_schema(responses=CommentResolutionOutput, operation_id="project_comment_resolution_retrieve")
    def get(self, request, project_id, comment_id):
        thread = thread_visible(access=request.access, project_id=project_id, comment_id=comment_id)
        return Response(self._output(thread))

    @extend_schema(
        request=CommentResolutionInput,
        responses=CommentResolutionOutput,
        operation_id="project_comment_resolution_update",
        description="Resolve or reopen a thread. A version older than the thread's answers 409.",
    )
    def post(self, request, project_id, comment_id):
        thread = thread_visible(access=request.access, project_id=project_id, comment_id=comment_id)
        data = self.CommentResolutionInput(data=request.data)
        data.is_valid(raise_exception=True)
        service = comment_thread_resolve if data.validated_data["resolved"] else comment_thread_reopen
        thread = service(
            access=request.access, thread=thread, expected_version=data.validated_data["version"]
        )
        return Response(self._output(thread))


class NotificationOutput(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title")
    author = serializers.SerializerMethodField()
    reason_text = serializers.CharField(source="get_reason_display")
    target = serializers.CharField(source="comment.target")
    target_id = serializers.UUIDField(source="comment.target_id")
    url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "project",
            "project_title",
            "comment",
            "target",
            "target_id",
            "author",
            "reason",
            "reason_text",
            "created_at",
            "read_at",
            "url",
        ]

    def get_author(self, notification: Notification) -> str:
        return person_name(notification.comment.author)

    def get_url(self, notification: Notification) -> str:
        return comment_page_url(notification.comment)


class NotificationListApi(APIView):
    class NotificationFilterInput(serializers.Serializer):
        unread = serializers.BooleanField(required=False, help_text="true lists only unread notifications.")

    @extend_schema(
        parameters=[NotificationFilterInput],
        responses=NotificationOutput(many=True),
        operation_id="notifications_list",
        description="Your notifications across projects, unread first.",
    )
    def get(self, request):
        filters = self.NotificationFilterInput(data=request.query_params)
        filters.is_valid(raise_exception=True)
        notifications = notifications_of(access=request.access)
        if filters.validated_data.get("unread"):
            notifications = unread_only(notifications)
        return paginated(self, request, notifications, NotificationOutput)


class NotificationDetailApi(APIView):
    @extend_schema(responses=NotificationOutput, operation_id="notifications_retrieve")
    def get(self, request, notification_id):
        notification = notification_visible(access=request.access, notification_id=notification_id)
        return Response(NotificationOutput(notification).data)


class NotificationReadApi(APIView):
    """Whether a notification is read; POST marks it read."""

    class NotificationReadOutput(serializers.Serializer):
        notification = serializers.UUIDField()
        project = serializers.UUIDField()
        read = serializers.BooleanField()
        read_at = serializers.DateTimeField(allow_null=True)

    def _output(self, notification: Notification) -> dict:
        return self.NotificationReadOutput(
            {
                "notification": notification.pk,
                "project": notification.project_id,
                "read": notification.read_at is not None,
                "read_at": notification.read_at,
            }
        ).data

    @extend_schema(responses=NotificationReadOutput, operation_id="notifications_read_retrieve")
    def get(self, request, notification_id):
        return Response(
            self._output(notification_visible(access=request.access, notification_id=notification_id))
        )

    @extend_schema(request=None, responses=NotificationReadOutput, operation_id="notifications_read_create")
    def post(self, request, notification_id):
        notification = notification_visible(access=request.access, notification_id=notification_id)
        return Response(
            self._output(notification_mark_read(access=request.access, notification=notification))
        )


urlpatterns = [
    path(
        "projects/<uuid:project_id>/comments/",
        ProjectCommentListApi.as_view(),
        name="api_project_comment_list",
    ),
    path(
        "projects/<uuid:project_id>/comments/<uuid:comment_id>/",
        CommentThreadApi.as_view(),
        name="api_project_comment_thread",
    ),
    path(
        "projects/<uuid:project_id>/comments/<uuid:comment_id>/resolution/",
        CommentResolutionApi.as_view(),
        name="api_project_comment_resolution",
    ),
    path("notifications/", NotificationListApi.as_view(), name="api_notification_list"),
    path(
        "notifications/<uuid:notification_id>/",
        NotificationDetailApi.as_view(),
        name="api_notification_detail",
    ),
    path(
        "notifications/<uuid:notification_id>/read/",
        NotificationReadApi.as_view(),
        name="api_notification_read",
    ),
]
