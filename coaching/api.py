"""The coaching API: coaching calls, their pre-call packs and monthly returns, over the same
selectors and services as the pages."""

from django.db import transaction
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated, service_errors
from projects.selectors import project_visible
from reports.api import ReportRunOutput

from .models import CallAction, CoachingCall, MonthlyReturn
from .selectors import call_visible, calls_of, coachable_projects, return_visible, returns_of
from .selectors_packs import packs_of_call
from .services import (
    call_create,
    call_update,
    group_call_create,
    require_coach_project,
    return_start,
    return_submit,
    return_update,
)
from .services_packs import pack_request


def _valid(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- Coaching calls -----------------------------------------------------------------------------------


class ActionOutput(serializers.ModelSerializer):
    call = serializers.UUIDField(source="call_id")

    class Meta:
        model = CallAction
        fields = ["id", "call", "text", "owner", "due_on", "done_on", "version", "created_at", "updated_at"]


class CallOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    # "call_type", not "kind": the schema names enums after their field, and measures have a "kind" too.
    call_type = serializers.ChoiceField(source="kind", choices=CoachingCall.Kind.choices)
    actions = ActionOutput(many=True, read_only=True)

    class Meta:
        model = CoachingCall
        fields = [
            "id",
            "project",
            "call_type",
            "scheduled_for",
            "attendees",
            "notes",
            "group_id",
            "actions",
            "version",
            "created_at",
            "updated_at",
        ]


class ActionInput(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    owner = serializers.CharField(max_length=120, required=False, allow_blank=True)
    due_on = serializers.DateField(required=False, allow_null=True)


class CallCreateInput(serializers.Serializer):
    call_type = serializers.ChoiceField(source="kind", choices=CoachingCall.Kind.choices)
    scheduled_for = serializers.DateTimeField()
    attendees = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    action = ActionInput(required=False, help_text="An action agreed on the call.")


class CallUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    call_type = serializers.ChoiceField(source="kind", choices=CoachingCall.Kind.choices, required=False)
    scheduled_for = serializers.DateTimeField(required=False)
    attendees = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)
    action = ActionInput(required=False, help_text="A new action agreed on the call.")
    whole_group = serializers.BooleanField(
        required=False, default=False, help_text="Also move the group's other calls to the new type and time."
    )


class GroupCallCreateInput(serializers.Serializer):
    projects = serializers.ListField(child=serializers.UUIDField(), min_length=2, max_length=500)
    call_type = serializers.ChoiceField(source="kind", choices=CoachingCall.Kind.choices)
    scheduled_for = serializers.DateTimeField()
    attendees = serializers.CharField(required=False, allow_blank=True)
    notes = serializers.CharField(required=False, allow_blank=True)


class CallListApi(APIView):
    @extend_schema(responses=CallOutput(many=True), operation_id="coaching_calls_list")
    def get(self, request, project_id):
        _, calls = calls_of(access=request.access, project_id=project_id)
        return paginated(self, request, calls.prefetch_related("actions"), CallOutput)

    @extend_schema(request=CallCreateInput, responses={201: CallOutput}, operation_id="coaching_calls_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        require_coach_project(request.access, project)
        data = dict(_valid(CallCreateInput, request.data))
        action = data.pop("action", None)
        with service_errors():
            call = call_create(access=request.access, project=project, action=action, **data)
        return Response(CallOutput(call).data, status=status.HTTP_201_CREATED)


class CallDetailApi(APIView):
    @extend_schema(responses=CallOutput, operation_id="coaching_calls_retrieve")
    def get(self, request, project_id, call_id):
        return Response(
            CallOutput(call_visible(access=request.access, project_id=project_id, call_id=call_id)).data
        )

    @extend_schema(
        request=CallUpdateInput, responses=CallOutput, operation_id="coaching_calls_partial_update"
    )
    def patch(self, request, project_id, call_id):
        call = call_visible(access=request.access, project_id=project_id, call_id=call_id)
        require_coach_project(request.access, call.project)
        data = dict(_valid(CallUpdateInput, request.data))
        version, action = data.pop("version"), data.pop("action", None)
        whole_group = data.pop("whole_group", False)
        with service_errors():
            call = call_update(
                access=request.access,
                call=call,
                expected_version=version,
                action=action,
                whole_group=whole_group,
                **data,
            )
        return Response(CallOutput(call).data)


class GroupCallCreateApi(APIView):
    @extend_schema(
        request=GroupCallCreateInput,
        responses={201: CallOutput(many=True)},
        operation_id="group_calls_create",
    )
    def post(self, request):
        if not coachable_projects(access=request.access).exists():
            raise Http404("No projects to schedule calls with")
        data = dict(_valid(GroupCallCreateInput, request.data))
        projects = [
            project_visible(access=request.access, project_id=project_id)
            for project_id in data.pop("projects")
        ]
        with service_errors():
            calls = group_call_create(access=request.access, projects=projects, **data)
        return Response(CallOutput(calls, many=True).data, status=status.HTTP_201_CREATED)


class CallPacksApi(APIView):
    @extend_schema(responses=ReportRunOutput(many=True), operation_id="call_packs_list")
    def get(self, request, project_id, call_id):
        """The call's pre-call pack runs, newest first."""
        call = call_visible(access=request.access, project_id=project_id, call_id=call_id)
        return paginated(self, request, packs_of_call(call=call), ReportRunOutput)

    @extend_schema(request=None, responses={201: ReportRunOutput}, operation_id="call_packs_create")
    def post(self, request, project_id, call_id):
        """Make the call's pre-call pack PDF (again)."""
        call = call_visible(access=request.access, project_id=project_id, call_id=call_id)
        run = pack_request(access=request.access, call=call)
        run.refresh_from_db()
        return Response(ReportRunOutput(run).data, status=status.HTTP_201_CREATED)


# --- Monthly returns ----------------------------------------------------------------------------------


class ReturnOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    submitted_by = serializers.CharField(source="submitted_by.email", allow_null=True, default=None)

    class Meta:
        model = MonthlyReturn
        fields = [
            "id",
            "project",
            "month",
            "status",
            "snapshot",
            "barriers",
            "help_wanted",
            "submitted_by",
            "submitted_at",
            "version",
            "created_at",
            "updated_at",
        ]


class ReturnStartInput(serializers.Serializer):
    month = serializers.DateField(help_text="Any day of the month; the return is for the whole month.")


class ReturnSubmitInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    barriers = serializers.CharField(required=False, allow_blank=True)
    help_wanted = serializers.CharField(required=False, allow_blank=True)


class ReturnListApi(APIView):
    @extend_schema(responses=ReturnOutput(many=True), operation_id="monthly_returns_list")
    def get(self, request, project_id):
        _, returns = returns_of(access=request.access, project_id=project_id)
        return paginated(self, request, returns, ReturnOutput)

    @extend_schema(
        request=ReturnStartInput, responses={201: ReturnOutput}, operation_id="monthly_returns_create"
    )
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = _valid(ReturnStartInput, request.data)
        with service_errors():
            monthly_return = return_start(access=request.access, project=project, month=data["month"])
        return Response(ReturnOutput(monthly_return).data, status=status.HTTP_201_CREATED)


class ReturnDetailApi(APIView):
    @extend_schema(responses=ReturnOutput, operation_id="monthly_returns_retrieve")
    def get(self, request, project_id, return_id):
        monthly_return = return_visible(access=request.access, project_id=project_id, return_id=return_id)
        return Response(ReturnOutput(monthly_return).data)


class ReturnSubmitApi(APIView):
    @extend_schema(request=ReturnSubmitInput, responses=ReturnOutput, operation_id="monthly_returns_submit")
    def post(self, request, project_id, return_id):
        """Submit the return, optionally with its barriers and help wanted; the figures are frozen now."""
        monthly_return = return_visible(access=request.access, project_id=project_id, return_id=return_id)
        request.access.require_edit_project(monthly_return.project)
        data = _valid(ReturnSubmitInput, request.data)
        version = data["version"]
        with service_errors(), transaction.atomic():
            if "barriers" in data or "help_wanted" in data:
                monthly_return = return_update(
                    access=request.access,
                    monthly_return=monthly_return,
                    expected_version=version,
                    barriers=data.get("barriers", monthly_return.barriers),
                    help_wanted=data.get("help_wanted", monthly_return.help_wanted),
                )
                version = monthly_return.version
            monthly_return = return_submit(
                access=request.access, monthly_return=monthly_return, expected_version=version
            )
        return Response(ReturnOutput(monthly_return).data)


urlpatterns = [
    path("calls/group/", GroupCallCreateApi.as_view(), name="api_group_call_create"),
    path("projects/<uuid:project_id>/calls/", CallListApi.as_view(), name="api_call_list"),
    path("projects/<uuid:project_id>/calls/<uuid:call_id>/", CallDetailApi.as_view(), name="api_call_detail"),
    path(
        "projects/<uuid:project_id>/calls/<uuid:call_id>/packs/",
        CallPacksApi.as_view(),
        name="api_call_packs",
    ),
    path("projects/<uuid:project_id>/returns/", ReturnListApi.as_view(), name="api_return_list"),
    path(
        "projects/<uuid:project_id>/returns/<uuid:return_id>/",
        ReturnDetailApi.as_view(),
        name="api_return_detail",
    ),
    path(
        "projects/<uuid:project_id>/returns/<uuid:return_id>/submit/",
        ReturnSubmitApi.as_view(),
        name="api_return_submit",
    ),
]
