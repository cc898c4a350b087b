"""The co-design API: team members, sessions, candidate events (with their screening) and the chosen one's
statements, under /api/v1/projects/<project_id>/. The same selectors and services as the pages."""

from django.db import transaction
from django.http import Http404
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated, service_errors
from projects.models import Project
from projects.selectors import project_visible, record_visible, records_of, records_with_ids

from ..models import (
    CandidateEvent,
    CoDesignSession,
    CriterionAssessment,
    ProjectPartner,
    Statement,
    TeamMember,
    Theme,
)
from ..selectors.codesign import (
    account_who_can_see,
    candidate_assessments,
    candidate_ids_from_session,
    candidate_themes,
    candidates_in_full,
    change_idea_ids_from_session,
    chosen_candidate,
    session_attendees,
    sessions_in_full,
    statement_of_candidate,
)
from ..services import codesign as services

PARTNERS_HELP = "Partners of the project it is attributed to (a partner's own staff: theirs when left out)."


def records_by_id(*, project: Project, model, ids, field: str) -> list | None:
    """The project's records with these ids, or a 400 naming the field: another project's ids are unknown.
    None (the field left out of a change) stays None."""
    if ids is None:
        return None
    ids = set(ids)
    found = list(records_with_ids(project=project, model=model, ids=ids))
    if len(found) != len(ids):
        raise serializers.ValidationError(
            {field: [f"Unknown {model._meta.verbose_name} id for this project"]}
        )
    return found


# --- Team members --------------------------------------------------------------------------------


class TeamMemberOutput(serializers.ModelSerializer):
    has_lived_experience = serializers.BooleanField(read_only=True)
    user = serializers.UUIDField(source="user_id", allow_null=True)
    project = serializers.UUIDField(source="project_id")

    class Meta:
        model = TeamMember
        fields = [
            "id",
            "project",
            "role",
            "name",
            "consent_to_be_named",
            "has_lived_experience",
            "user",
            "active",
            "version",
            "created_at",
            "updated_at",
        ]


class TeamMemberInput(serializers.Serializer):
    role = serializers.ChoiceField(choices=TeamMember.Role.choices)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True, default="")
    consent_to_be_named = serializers.BooleanField(required=False, default=False)
    user = serializers.UUIDField(required=False, allow_null=True, default=None)


class TeamMemberUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    role = serializers.ChoiceField(choices=TeamMember.Role.choices, required=False)
    name = serializers.CharField(max_length=120, required=False, allow_blank=True)
    consent_to_be_named = serializers.BooleanField(required=False)
    user = serializers.UUIDField(required=False, allow_null=True)
    active = serializers.BooleanField(required=False)


def _account(project: Project, user_id):
    if user_id is None:
        return None
    user = account_who_can_see(project=project, user_id=user_id)
    if user is None:
        raise serializers.ValidationError(
            {"user": ["Link only the account of someone who can see this project"]}
        )
    return user


class TeamMemberListApi(APIView):
    @extend_schema(responses=TeamMemberOutput(many=True), operation_id="team_members_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, records_of(project=project, model=TeamMember), TeamMemberOutput)

    @extend_schema(
        request=TeamMemberInput, responses={201: TeamMemberOutput}, operation_id="team_members_create"
    )
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = TeamMemberInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = {**data.validated_data, "user": _account(project, data.validated_data["user"])}
        with service_errors():
            member = services.team_member_create(access=request.access, project=project, **values)
        return Response(TeamMemberOutput(member).data, status=status.HTTP_201_CREATED)


class TeamMemberDetailApi(APIView):
    def member(self, request, project_id, member_id) -> TeamMember:
        return record_visible(
            access=request.access, project_id=project_id, model=TeamMember, record_id=member_id
        )

    @extend_schema(responses=TeamMemberOutput, operation_id="team_members_retrieve")
    def get(self, request, project_id, member_id):
        return Response(TeamMemberOutput(self.member(request, project_id, member_id)).data)

    @extend_schema(
        request=TeamMemberUpdateInput, responses=TeamMemberOutput, operation_id="team_members_partial_update"
    )
    def patch(self, request, project_id, member_id):
        member = self.member(request, project_id, member_id)
        request.access.require_edit_project(member.project)
        data = TeamMemberUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        if "user" in changes:
            changes["user"] = _account(member.project, changes["user"])
        with service_errors():
            member = services.team_member_update(
                access=request.access,
                project=member.project,
                member=member,
                expected_version=version,
                **changes,
            )
        return Response(TeamMemberOutput(member).data)


# --- Sessions ------------------------------------------------------------------------------------


class SessionOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    attendees = serializers.SerializerMethodField()
    partners = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    candidates = serializers.SerializerMethodField()
    change_ideas = serializers.SerializerMethodField()

    class Meta:
        model = CoDesignSession
        fields = [
            "id",
            "project",
            "held_on",
            "title",
            "attendees",
            "partners",
            "notes",
            "decisions",
            "candidates",
            "change_ideas",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_attendees(self, session) -> list[str]:
        return [str(member.pk) for member in session_attendees(session)]

    def get_candidates(self, session) -> list[str]:
        """The candidate events that came from this session."""
        return [str(pk) for pk in candidate_ids_from_session(session)]

    def get_change_ideas(self, session) -> list[str]:
        return [str(pk) for pk in change_idea_ids_from_session(session)]


class SessionInput(serializers.Serializer):
    held_on = serializers.DateField()
    title = serializers.CharField(max_length=200)
    attendees = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    partners = serializers.ListField(
        child=serializers.UUIDField(),
        required=False,
        help_text=PARTNERS_HELP,
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    decisions = serializers.CharField(required=False, allow_blank=True, default="")


class SessionUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    held_on = serializers.DateField(required=False)
    title = serializers.CharField(max_length=200, required=False)
    attendees = serializers.ListField(child=serializers.UUIDField(), required=False)
    partners = serializers.ListField(child=serializers.UUIDField(), required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    decisions = serializers.CharField(required=False, allow_blank=True)


class SessionListApi(APIView):
    @extend_schema(responses=SessionOutput(many=True), operation_id="sessions_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, sessions_in_full(project), SessionOutput)

    @extend_schema(request=SessionInput, responses={201: SessionOutput}, operation_id="sessions_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = SessionInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["attendees"] = records_by_id(
            project=project, model=TeamMember, ids=values["attendees"], field="attendees"
        )
        if "partners" in values:
            values["partners"] = records_by_id(
                project=project, model=ProjectPartner, ids=values["partners"], field="partners"
            )
        with service_errors():
            session = services.session_create(access=request.access, project=project, **values)
        return Response(SessionOutput(session).data, status=status.HTTP_201_CREATED)


class SessionDetailApi(APIView):
    def session(self, request, project_id, session_id) -> CoDesignSession:
        return record_visible(
            access=request.access, project_id=project_id, model=CoDesignSession, record_id=session_id
        )

    @extend_schema(responses=SessionOutput, operation_id="sessions_retrieve")
    def get(self, request, project_id, session_id):
        return Response(SessionOutput(self.session(request, project_id, session_id)).data)

    @extend_schema(
        request=SessionUpdateInput, responses=SessionOutput, operation_id="sessions_partial_update"
    )
    def patch(self, request, project_id, session_id):
        session = self.session(request, project_id, session_id)
        request.access.require_edit_project(session.project)
        data = SessionUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        if "attendees" in changes:
            changes["attendees"] = records_by_id(
                project=session.project, model=TeamMember, ids=changes["attendees"], field="attendees"
            )
        if "partners" in changes:
            changes["partners"] = records_by_id(
                project=session.project, model=ProjectPartner, ids=changes["partners"], field="partners"
            )
        with service_errors():
            session = services.session_update(
                access=request.access,
                project=session.project,
                session=session,
                expected_version=version,
                **changes,
            )
        return Response(SessionOutput(session).data)


# --- Candidate events ----------------------------------------------------------------------------


class AssessmentOutput(serializers.ModelSerializer):
    class Meta:
        model = CriterionAssessment
        fields = ["criterion", "verdict", "rationale", "evidence_link", "version", "updated_at"]


class CandidateOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    session = serializers.UUIDField(source="session_id", allow_null=True)
    themes = serializers.SerializerMethodField()
    assessments = AssessmentOutput(many=True, read_only=True)
    unmet_criteria = serializers.SerializerMethodField()

    class Meta:
        model = CandidateEvent
        fields = [
            "id",
            "project",
            "title",
            "description",
            "themes",
            "session",
            "shortlisted",
            "chosen",
            "assessments",
            "unmet_criteria",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_themes(self, candidate) -> list[str]:
        return [str(theme.pk) for theme in candidate_themes(candidate)]

    def get_unmet_criteria(self, candidate) -> list[str]:
        """The criteria not yet assessed as met; a candidate can be chosen when this is empty."""
        met = {
            row.criterion
            for row in candidate_assessments(candidate)
            if row.verdict == CriterionAssessment.Verdict.MET
        }
        return [value for value in CriterionAssessment.Criterion.values if value not in met]


class AssessmentInput(serializers.Serializer):
    criterion = serializers.ChoiceField(choices=CriterionAssessment.Criterion.choices)
    verdict = serializers.ChoiceField(choices=CriterionAssessment.Verdict.choices)
    rationale = serializers.CharField(required=False, allow_blank=True)
    evidence_link = serializers.URLField(required=False, allow_blank=True)


class CandidateInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    themes = serializers.ListField(child=serializers.UUIDField(), required=False, default=list)
    session = serializers.UUIDField(required=False, allow_null=True, default=None)


class CandidateUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    title = serializers.CharField(max_length=300, required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    themes = serializers.ListField(child=serializers.UUIDField(), required=False)
    session = serializers.UUIDField(required=False, allow_null=True)
    shortlisted = serializers.BooleanField(required=False)
    assessments = AssessmentInput(many=True, required=False)

    def validate_assessments(self, rows):
        criteria = [row["criterion"] for row in rows]
        if len(criteria) != len(set(criteria)):
            raise serializers.ValidationError("Give each criterion once")
        return rows


def _session(project: Project, session_id):
    if session_id is None:
        return None
    return records_by_id(project=project, model=CoDesignSession, ids=[session_id], field="session")[0]


class CandidateListApi(APIView):
    @extend_schema(responses=CandidateOutput(many=True), operation_id="candidates_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, candidates_in_full(project), CandidateOutput)

    @extend_schema(request=CandidateInput, responses={201: CandidateOutput}, operation_id="candidates_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = CandidateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["themes"] = records_by_id(project=project, model=Theme, ids=values["themes"], field="themes")
        values["session"] = _session(project, values["session"])
        with service_errors():
            candidate = services.candidate_create(access=request.access, project=project, **values)
        return Response(CandidateOutput(candidate).data, status=status.HTTP_201_CREATED)


class CandidateDetailApi(APIView):
    def candidate(self, request, project_id, candidate_id) -> CandidateEvent:
        return record_visible(
            access=request.access, project_id=project_id, model=CandidateEvent, record_id=candidate_id
        )

    @extend_schema(responses=CandidateOutput, operation_id="candidates_retrieve")
    def get(self, request, project_id, candidate_id):
        return Response(CandidateOutput(self.candidate(request, project_id, candidate_id)).data)

    @extend_schema(
        request=CandidateUpdateInput, responses=CandidateOutput, operation_id="candidates_partial_update"
    )
    @transaction.atomic
    def patch(self, request, project_id, candidate_id):
        """Change the details, the screening (`assessments`, any of the four criteria) and the shortlist in
        one go: all or nothing, based on the `version` the client read."""
        candidate = self.candidate(request, project_id, candidate_id)
        project = candidate.project
        request.access.require_edit_project(project)
        data = CandidateUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        assessments = changes.pop("assessments", None)
        shortlisted = changes.pop("shortlisted", None)
        if "themes" in changes:
            changes["themes"] = records_by_id(
                project=project, model=Theme, ids=changes["themes"], field="themes"
            )
        if "session" in changes:
            changes["session"] = _session(project, changes["session"])
        with service_errors():
            candidate = services.candidate_update(
                access=request.access,
                project=project,
                candidate=candidate,
                expected_version=version,
                **changes,
            )
            if assessments is not None:
                candidate = services.candidate_screen(
                    access=request.access,
                    project=project,
                    candidate=candidate,
                    expected_version=candidate.version,
                    assessments={row.pop("criterion"): row for row in assessments},
                )
            if shortlisted is not None:
                candidate = services.candidate_shortlist(
                    access=request.access, project=project, candidate=candidate, shortlisted=shortlisted
                )
        return Response(CandidateOutput(self.candidate(request, project_id, candidate_id)).data)


class ChoiceOutput(serializers.Serializer):
    candidate = serializers.UUIDField()
    chosen = serializers.BooleanField()
    can_be_chosen = serializers.BooleanField()
    unmet_criteria = serializers.ListField(child=serializers.CharField())


class CandidateChoiceApi(APIView):
    """Whether this candidate is (or can be) the project's Always Event; POST chooses it."""

    def choice(self, candidate: CandidateEvent) -> dict:
        unmet = CandidateOutput().get_unmet_criteria(candidate)
        return {
            "candidate": candidate.pk,
            "chosen": candidate.chosen,
            "can_be_chosen": not unmet,
            "unmet_criteria": unmet,
        }

    def candidate(self, request, project_id, candidate_id) -> CandidateEvent:
        return record_visible(
            access=request.access, project_id=project_id, model=CandidateEvent, record_id=candidate_id
        )

    @extend_schema(responses=ChoiceOutput, operation_id="candidates_choice_retrieve")
    def get(self, request, project_id, candidate_id):
        return Response(ChoiceOutput(self.choice(self.candidate(request, project_id, candidate_id))).data)

    @extend_schema(request=None, responses=ChoiceOutput, operation_id="candidates_choose")
    def post(self, request, project_id, candidate_id):
        candidate = self.candidate(request, project_id, candidate_id)
        with service_errors():
            candidate = services.candidate_choose(
                access=request.access, project=candidate.project, candidate=candidate
            )
        return Response(ChoiceOutput(self.choice(candidate)).data)


# --- The chosen event's statements -------------------------------------------------------------------


class StatementOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    candidate = serializers.UUIDField(source="candidate_id")
    candidate_title = serializers.CharField(source="candidate.title")
    aim = serializers.CharField(read_only=True)

    class Meta:
        model = Statement
        fields = [
            "id",
            "project",
            "candidate",
            "candidate_title",
            "vision",
            "aim_what",
            "aim_for_whom",
            "aim_target_percent",
            "aim_by_when",
            "aim_time_window",
            "aim",
            "version",
            "created_at",
            "updated_at",
        ]


class StatementInput(serializers.Serializer):
    vision = serializers.CharField()
    aim_what = serializers.CharField(max_length=300)
    aim_for_whom = serializers.CharField(max_length=300)
    aim_target_percent = serializers.IntegerField(min_value=1, max_value=100)
    aim_by_when = serializers.DateField()
    aim_time_window = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class StatementUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    vision = serializers.CharField(required=False)
    aim_what = serializers.CharField(max_length=300, required=False)
    aim_for_whom = serializers.CharField(max_length=300, required=False)
    aim_target_percent = serializers.IntegerField(min_value=1, max_value=100, required=False)
    aim_by_when = serializers.DateField(required=False)
    aim_time_window = serializers.CharField(max_length=200, required=False, allow_blank=True)


class StatementApi(APIView):
    """The vision statement and SMART aim of the project's chosen Always Event."""

    def statement(self, project: Project) -> Statement:
        candidate = chosen_candidate(project)
        statement = statement_of_candidate(project=project, candidate=candidate)
        if candidate is None or statement is None:
            raise Http404("The chosen event has no statements yet")
        return statement

    @extend_schema(responses=StatementOutput, operation_id="statement_retrieve")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return Response(StatementOutput(self.statement(project)).data)

    @extend_schema(request=StatementInput, responses={201: StatementOutput}, operation_id="statement_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        data = StatementInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            statement = services.statement_create(
                access=request.access, project=project, **data.validated_data
            )
        return Response(StatementOutput(statement).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        request=StatementUpdateInput, responses=StatementOutput, operation_id="statement_partial_update"
    )
    def patch(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        statement = self.statement(project)
        data = StatementUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        with service_errors():
            statement = services.statement_update(
                access=request.access,
                project=project,
                statement=statement,
                expected_version=version,
                **changes,
            )
        return Response(StatementOutput(statement).data)


PROJECT = "projects/<uuid:project_id>/"

urlpatterns = [
    path(PROJECT + "team/", TeamMemberListApi.as_view(), name="api_team_list"),
    path(PROJECT + "team/<uuid:member_id>/", TeamMemberDetailApi.as_view(), name="api_team_member_detail"),
    path(PROJECT + "sessions/", SessionListApi.as_view(), name="api_session_list"),
    path(PROJECT + "sessions/<uuid:session_id>/", SessionDetailApi.as_view(), name="api_session_detail"),
    path(PROJECT + "candidates/", CandidateListApi.as_view(), name="api_candidate_list"),
    path(
        PROJECT + "candidates/<uuid:candidate_id>/", CandidateDetailApi.as_view(), name="api_candidate_detail"
    ),
    path(
        PROJECT + "candidates/<uuid:candidate_id>/choice/",
        CandidateChoiceApi.as_view(),
        name="api_candidate_choose",
    ),
    path(PROJECT + "statement/", StatementApi.as_view(), name="api_statement_detail"),
]
