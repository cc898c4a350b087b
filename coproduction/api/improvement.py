"""The Test-phase API: drivers, change ideas, ramps and PDSA cycles (with their questions nested), over the
same selectors and services as the pages."""

from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated, service_errors
from projects.models import Project
from projects.selectors import project_visible, record_of, record_visible, records_of

from ..models import ChangeIdea, CoDesignSession, Driver, PdsaCycle, PdsaQuestion, ProjectPartner, Ramp
from ..selectors.improvement import change_ideas_in_full, cycle_in_full, cycles_in_full, drivers_by_parent
from ..services.improvement import (
    NEXT_STATUS,
    change_idea_create,
    change_idea_update,
    driver_create,
    driver_delete,
    driver_update,
    pdsa_cycle_advance,
    pdsa_cycle_advance_problems,
    pdsa_cycle_create,
    pdsa_cycle_update,
    ramp_create,
)
from .codesign import PARTNERS_HELP, records_by_id


def _one(project: Project, model, record_id, field: str):
    if record_id is None:
        return None
    try:
        record = record_of(project=project, model=model, record_id=record_id)
    except model.DoesNotExist as error:
        raise serializers.ValidationError(
            {field: [f"No such {model._meta.verbose_name} in this project"]}
        ) from error
    record.project = project
    return record


# --- Drivers -------------------------------------------------------------------------------------


class DriverOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    parent = serializers.UUIDField(source="parent_id", allow_null=True)
    is_primary = serializers.BooleanField()

    class Meta:
        model = Driver
        fields = [
            "id",
            "project",
            "parent",
            "is_primary",
            "text",
            "order",
            "version",
            "created_at",
            "updated_at",
        ]


class DriverCreateInput(serializers.Serializer):
    text = serializers.CharField(max_length=300)
    parent = serializers.UUIDField(required=False, allow_null=True, help_text="A primary driver, or null.")


class DriverUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    text = serializers.CharField(max_length=300, required=False)
    parent = serializers.UUIDField(required=False, help_text="Secondary drivers only: the new primary.")


class DriverListApi(APIView):
    @extend_schema(responses=DriverOutput(many=True), operation_id="drivers_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, drivers_by_parent(project), DriverOutput)

    @extend_schema(request=DriverCreateInput, responses={201: DriverOutput}, operation_id="drivers_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = _valid(DriverCreateInput, request.data)
        parent = _one(project, Driver, data.get("parent"), "parent")
        with service_errors():
            driver = driver_create(access=request.access, project=project, text=data["text"], parent=parent)
        return Response(DriverOutput(driver).data, status=status.HTTP_201_CREATED)


def _valid(serializer_class, data, **kwargs) -> dict:
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class DriverDetailApi(APIView):
    def _driver(self, request, project_id, driver_id) -> Driver:
        return record_visible(access=request.access, project_id=project_id, model=Driver, record_id=driver_id)

    @extend_schema(responses=DriverOutput, operation_id="drivers_retrieve")
    def get(self, request, project_id, driver_id):
        return Response(DriverOutput(self._driver(request, project_id, driver_id)).data)

    @extend_schema(request=DriverUpdateInput, responses=DriverOutput, operation_id="drivers_partial_update")
    def patch(self, request, project_id, driver_id):
        driver = self._driver(request, project_id, driver_id)
        request.access.require_edit_project(driver.project)
        data = _valid(DriverUpdateInput, request.data)
        parent = _one(driver.project, Driver, data.get("parent", driver.parent_id), "parent")
        with service_errors():
            driver = driver_update(
                access=request.access,
                driver=driver,
                expected_version=data["version"],
                text=data.get("text", driver.text),
                parent=parent,
            )
        return Response(DriverOutput(driver).data)

    @extend_schema(responses={204: None}, operation_id="drivers_destroy")
    def delete(self, request, project_id, driver_id):
        driver = self._driver(request, project_id, driver_id)
        with service_errors():
            driver_delete(access=request.access, driver=driver)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Change ideas --------------------------------------------------------------------------------


class ChangeIdeaOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    drivers = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sessions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    partners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ChangeIdea
        fields = [
            "id",
            "project",
            "title",
            "description",
            "origin",
            "status",
            "drivers",
            "sessions",
            "partners",
            "version",
            "created_at",
            "updated_at",
        ]


class ChangeIdeaCreateInput(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    origin = serializers.ChoiceField(choices=ChangeIdea.Origin.choices, default=ChangeIdea.Origin.CO_DESIGNED)
    status = serializers.ChoiceField(choices=ChangeIdea.Status.choices, default=ChangeIdea.Status.IDEA)
    drivers = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    sessions = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    partners = serializers.ListField(child=serializers.UUIDField(), required=False, help_text=PARTNERS_HELP)


class ChangeIdeaUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    origin = serializers.ChoiceField(choices=ChangeIdea.Origin.choices, required=False)
    status = serializers.ChoiceField(choices=ChangeIdea.Status.choices, required=False)
    drivers = serializers.ListField(child=serializers.UUIDField(), required=False)
    sessions = serializers.ListField(child=serializers.UUIDField(), required=False)
    partners = serializers.ListField(child=serializers.UUIDField(), required=False)


class ChangeIdeaListApi(APIView):
    @extend_schema(responses=ChangeIdeaOutput(many=True), operation_id="change_ideas_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, change_ideas_in_full(project), ChangeIdeaOutput)

    @extend_schema(
        request=ChangeIdeaCreateInput, responses={201: ChangeIdeaOutput}, operation_id="change_ideas_create"
    )
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = dict(_valid(ChangeIdeaCreateInput, request.data))
        data["drivers"] = records_by_id(project=project, model=Driver, ids=data["drivers"], field="drivers")
        data["sessions"] = records_by_id(
            project=project, model=CoDesignSession, ids=data["sessions"], field="sessions"
        )
        data["partners"] = records_by_id(
            project=project, model=ProjectPartner, ids=data.get("partners"), field="partners"
        )
        with service_errors():
            idea = change_idea_create(access=request.access, project=project, **data)
        return Response(ChangeIdeaOutput(idea).data, status=status.HTTP_201_CREATED)


class ChangeIdeaDetailApi(APIView):
    @extend_schema(responses=ChangeIdeaOutput, operation_id="change_ideas_retrieve")
    def get(self, request, project_id, idea_id):
        idea = record_visible(
            access=request.access, project_id=project_id, model=ChangeIdea, record_id=idea_id
        )
        return Response(ChangeIdeaOutput(idea).data)

    @extend_schema(
        request=ChangeIdeaUpdateInput, responses=ChangeIdeaOutput, operation_id="change_ideas_partial_update"
    )
    def patch(self, request, project_id, idea_id):
        idea = record_visible(
            access=request.access, project_id=project_id, model=ChangeIdea, record_id=idea_id
        )
        request.access.require_edit_project(idea.project)
        data = dict(_valid(ChangeIdeaUpdateInput, request.data))
        version = data.pop("version")
        if "drivers" in data:
            data["drivers"] = records_by_id(
                project=idea.project, model=Driver, ids=data["drivers"], field="drivers"
            )
        if "sessions" in data:
            data["sessions"] = records_by_id(
                project=idea.project, model=CoDesignSession, ids=data["sessions"], field="sessions"
            )
        if "partners" in data:
            data["partners"] = records_by_id(
                project=idea.project, model=ProjectPartner, ids=data["partners"], field="partners"
            )
        with service_errors():
            idea = change_idea_update(access=request.access, idea=idea, expected_version=version, **data)
        return Response(ChangeIdeaOutput(idea).data)


# --- Ramps ---------------------------------------------------------------------------------------


class RampCycleOutput(serializers.ModelSerializer):
    class Meta:
        model = PdsaCycle
        fields = ["id", "number", "status", "act_decision", "starts_on", "ends_on"]


class RampOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    change_idea = serializers.UUIDField(source="change_idea_id")
    cycles = RampCycleOutput(many=True, read_only=True)

    class Meta:
        model = Ramp
        fields = ["id", "project", "change_idea", "title", "cycles", "version", "created_at", "updated_at"]


class RampInput(serializers.Serializer):
    change_idea = serializers.UUIDField()
    title = serializers.CharField(max_length=200)


class RampListApi(APIView):
    @extend_schema(responses=RampOutput(many=True), operation_id="ramps_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, records_of(project=project, model=Ramp), RampOutput)

    @extend_schema(request=RampInput, responses={201: RampOutput}, operation_id="ramps_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = _valid(RampInput, request.data)
        idea = _one(project, ChangeIdea, data["change_idea"], "change_idea")
        with service_errors():
            ramp = ramp_create(access=request.access, project=project, change_idea=idea, title=data["title"])
        return Response(RampOutput(ramp).data, status=status.HTTP_201_CREATED)


class RampDetailApi(APIView):
    @extend_schema(responses=RampOutput, operation_id="ramps_retrieve")
    def get(self, request, project_id, ramp_id):
        ramp = record_visible(access=request.access, project_id=project_id, model=Ramp, record_id=ramp_id)
        return Response(RampOutput(ramp).data)


# --- PDSA cycles ---------------------------------------------------------------------------------


class QuestionOutput(serializers.ModelSerializer):
    class Meta:
        model = PdsaQuestion
        fields = ["id", "order", "question", "prediction", "result"]


class CycleOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    ramp = serializers.UUIDField(source="ramp_id")
    change_idea = serializers.UUIDField(source="ramp.change_idea_id")
    questions = QuestionOutput(many=True, read_only=True)
    partners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = PdsaCycle
        fields = [
            "id",
            "project",
            "change_idea",
            "ramp",
            "number",
            "status",
            "objective",
            "questions",
            "plan_who",
            "plan_what",
            "plan_where",
            "plan_when",
            "starts_on",
            "ends_on",
            "data_plan",
            "do_notes",
            "study_notes",
            "act_decision",
            "next_steps",
            "partners",
            "version",
            "created_at",
            "updated_at",
        ]


class QuestionInput(serializers.Serializer):
    question = serializers.CharField()
    prediction = serializers.CharField()
    result = serializers.CharField(required=False, allow_blank=True, default="")


class PlanFields(serializers.Serializer):
    plan_who = serializers.CharField(max_length=300, required=False, allow_blank=True)
    plan_what = serializers.CharField(required=False, allow_blank=True)
    plan_where = serializers.CharField(max_length=300, required=False, allow_blank=True)
    plan_when = serializers.CharField(max_length=300, required=False, allow_blank=True)
    starts_on = serializers.DateField(required=False, allow_null=True)
    ends_on = serializers.DateField(required=False, allow_null=True)
    data_plan = serializers.CharField(required=False, allow_blank=True)


class CycleCreateInput(PlanFields):
    ramp = serializers.UUIDField()
    objective = serializers.CharField()
    questions = QuestionInput(many=True, help_text="At least one, each with its prediction.")
    partners = serializers.ListField(child=serializers.UUIDField(), required=False, help_text=PARTNERS_HELP)


class CycleUpdateInput(PlanFields):
    version = serializers.IntegerField(min_value=1)
    objective = serializers.CharField(required=False)
    questions = QuestionInput(many=True, required=False, help_text="Replaces the questions, in order.")
    do_notes = serializers.CharField(required=False, allow_blank=True)
    study_notes = serializers.CharField(required=False, allow_blank=True)
    act_decision = serializers.ChoiceField(
        choices=PdsaCycle.Decision.choices, required=False, allow_blank=True
    )
    next_steps = serializers.CharField(required=False, allow_blank=True)
    partners = serializers.ListField(child=serializers.UUIDField(), required=False)


class CycleAdvanceInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1, required=False)


class CycleAdvanceOutput(serializers.Serializer):
    cycle = serializers.UUIDField()
    project = serializers.UUIDField()
    status = serializers.CharField()
    next_status = serializers.CharField(allow_null=True)
    missing = serializers.ListField(child=serializers.CharField(), help_text="What must be recorded first.")


def _cycle(request, project_id, cycle_id) -> PdsaCycle:
    project = project_visible(access=request.access, project_id=project_id)
    try:
        cycle = cycle_in_full(project=project, cycle_id=cycle_id)
    except PdsaCycle.DoesNotExist as error:
        raise Http404("No such PDSA cycle") from error
    cycle.project = project
    cycle.ramp.project = project
    return cycle


class CycleListApi(APIView):
    @extend_schema(responses=CycleOutput(many=True), operation_id="pdsa_cycles_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, cycles_in_full(project), CycleOutput)

    @extend_schema(request=CycleCreateInput, responses={201: CycleOutput}, operation_id="pdsa_cycles_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = dict(_valid(CycleCreateInput, request.data))
        ramp = _one(project, Ramp, data.pop("ramp"), "ramp")
        data["partners"] = records_by_id(
            project=project, model=ProjectPartner, ids=data.get("partners"), field="partners"
        )
        with service_errors():
            cycle = pdsa_cycle_create(access=request.access, ramp=ramp, **data)
        return Response(CycleOutput(cycle).data, status=status.HTTP_201_CREATED)


class CycleDetailApi(APIView):
    @extend_schema(responses=CycleOutput, operation_id="pdsa_cycles_retrieve")
    def get(self, request, project_id, cycle_id):
        return Response(CycleOutput(_cycle(request, project_id, cycle_id)).data)

    @extend_schema(request=CycleUpdateInput, responses=CycleOutput, operation_id="pdsa_cycles_partial_update")
    def patch(self, request, project_id, cycle_id):
        cycle = _cycle(request, project_id, cycle_id)
        request.access.require_edit_project(cycle.project)
        data = dict(_valid(CycleUpdateInput, request.data))
        version = data.pop("version")
        if "partners" in data:
            data["partners"] = records_by_id(
                project=cycle.project, model=ProjectPartner, ids=data["partners"], field="partners"
            )
        with service_errors():
            cycle = pdsa_cycle_update(access=request.access, cycle=cycle, expected_version=version, **data)
        return Response(CycleOutput(_cycle(request, project_id, cycle.pk)).data)


class CycleAdvanceApi(APIView):
    """GET says what the next step needs; POST takes it (planned → running → studied → complete)."""

    @extend_schema(responses=CycleAdvanceOutput, operation_id="pdsa_cycles_advance_check")
    def get(self, request, project_id, cycle_id):
        cycle = _cycle(request, project_id, cycle_id)
        next_status = NEXT_STATUS.get(cycle.status)
        data = {
            "cycle": cycle.pk,
            "project": cycle.project_id,
            "status": cycle.status,
            "next_status": next_status.value if next_status else None,
            "missing": pdsa_cycle_advance_problems(cycle=cycle),
        }
        return Response(CycleAdvanceOutput(data).data)

    @extend_schema(request=CycleAdvanceInput, responses=CycleOutput, operation_id="pdsa_cycles_advance")
    def post(self, request, project_id, cycle_id):
        cycle = _cycle(request, project_id, cycle_id)
        request.access.require_edit_project(cycle.project)
        data = _valid(CycleAdvanceInput, request.data)
        with service_errors():
            cycle = pdsa_cycle_advance(
                access=request.access, cycle=cycle, expected_version=data.get("version")
            )
        return Response(CycleOutput(_cycle(request, project_id, cycle.pk)).data)


PROJECT = "projects/<uuid:project_id>/"
urlpatterns = [
    path(f"{PROJECT}drivers/", DriverListApi.as_view(), name="api_driver_list"),
    path(f"{PROJECT}drivers/<uuid:driver_id>/", DriverDetailApi.as_view(), name="api_driver_detail"),
    path(f"{PROJECT}change-ideas/", ChangeIdeaListApi.as_view(), name="api_idea_list"),
    path(f"{PROJECT}change-ideas/<uuid:idea_id>/", ChangeIdeaDetailApi.as_view(), name="api_idea_detail"),
    path(f"{PROJECT}ramps/", RampListApi.as_view(), name="api_ramp_list"),
    path(f"{PROJECT}ramps/<uuid:ramp_id>/", RampDetailApi.as_view(), name="api_ramp_detail"),
    path(f"{PROJECT}cycles/", CycleListApi.as_view(), name="api_cycle_list"),
    path(f"{PROJECT}cycles/<uuid:cycle_id>/", CycleDetailApi.as_view(), name="api_cycle_detail"),
    path(f"{PROJECT}cycles/<uuid:cycle_id>/advance/", CycleAdvanceApi.as_view(), name="api_cycle_advance"),
]
