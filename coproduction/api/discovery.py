"""The "Discover what matters" API: responses, themes and collection links of one project, over the same
selectors and services as the pages. Flagged words are withheld from everyone but the team; collection links
are the team's only."""

from django.core.exceptions import ValidationError
from django.urls import path
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response as ApiResponse
from rest_framework.views import APIView

from alwaysevents.api import Pagination, paginated, service_errors
from projects.selectors import project_visible, record_of, record_visible, records_with_ids

from ..models import CollectionLink, Response, Theme
from ..presenters.discovery import public_url, text_is_visible
from ..selectors.discovery import (
    UNTAGGED,
    ResponseFilters,
    links_of,
    merge_targets,
    questions_of_project,
    response_count_of,
    response_themes,
    responses_of,
    tagged_count,
    theme_group_table,
    theme_summaries,
)
from ..services.discovery import (
    link_create,
    link_set_open,
    response_create,
    response_set_themes,
    response_update,
    theme_create,
    theme_merge,
    theme_update,
)


def _validation_error(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


def _editable(request, record):
    request.access.require_edit_project(record.project)
    return record


# --- Responses ------------------------------------------------------------------------------------


class ResponseOutput(serializers.Serializer):
    id = serializers.UUIDField()
    project = serializers.UUIDField(source="project_id")
    method = serializers.CharField()
    collected_on = serializers.DateField()
    setting = serializers.CharField()
    respondent = serializers.CharField()
    text = serializers.SerializerMethodField()
    anything_else = serializers.SerializerMethodField()
    text_hidden = serializers.SerializerMethodField(
        help_text="True when the words may identify someone and only the team may read them."
    )
    identifier_flags = serializers.ListField(child=serializers.CharField())
    about_you = serializers.SerializerMethodField(
        help_text="Answers to the 'about you' questions (dimension key to group key, or prefer-not-to-say); "
        "the team's only, null for everyone else, who see them only as suppressed counts by theme."
    )
    themes = serializers.SerializerMethodField()
    collection_link = serializers.UUIDField(source="collection_link_id", allow_null=True)
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def _visible(self, response) -> bool:
        return text_is_visible(response, can_edit=self.context["can_edit"])

    def get_text(self, response) -> str | None:
        return response.text if self._visible(response) else None

    def get_anything_else(self, response) -> str | None:
        return response.anything_else if self._visible(response) else None

    def get_text_hidden(self, response) -> bool:
        return not self._visible(response)

    def get_about_you(self, response) -> dict[str, str] | None:
        return response.about_you if self.context["can_edit"] else None

    def get_themes(self, response) -> list[str]:
        return [str(theme.pk) for theme in response_themes(response)]


class ResponseFilterInput(serializers.Serializer):
    theme = serializers.CharField(required=False, help_text='A theme id, or "untagged" for the inbox.')
    method = serializers.ChoiceField(choices=Response.Method.choices, required=False)
    respondent = serializers.ChoiceField(choices=Response.Respondent.choices, required=False)
    date_from = serializers.DateField(required=False)
    date_to = serializers.DateField(required=False)

    def validate(self, data):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise serializers.ValidationError({"date_to": "Must be the same as or after date_from"})
        return data


class ResponseInput(serializers.Serializer):
    method = serializers.ChoiceField(choices=Response.Method.choices)
    collected_on = serializers.DateField()
    setting = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    respondent = serializers.ChoiceField(
        choices=Response.Respondent.choices, required=False, default=Response.Respondent.NOT_SAID
    )
    text = serializers.CharField()
    anything_else = serializers.CharField(required=False, allow_blank=True, default="")
    about_you = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        default=dict,
        help_text="Answers to the questions the project's collection links ask: dimension key to group key "
        "or prefer-not-to-say; leave a question out when it was not answered.",
    )


class ResponseUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    method = serializers.ChoiceField(choices=Response.Method.choices, required=False)
    collected_on = serializers.DateField(required=False)
    setting = serializers.CharField(max_length=200, required=False, allow_blank=True)
    respondent = serializers.ChoiceField(choices=Response.Respondent.choices, required=False)
    text = serializers.CharField(required=False)
    anything_else = serializers.CharField(required=False, allow_blank=True)
    about_you = serializers.DictField(
        child=serializers.CharField(allow_blank=True),
        required=False,
        help_text="Every answer to the 'about you' questions (replaces the ones it had).",
    )
    themes = serializers.ListField(
        child=serializers.UUIDField(), required=False, help_text="Every theme the response is tagged with."
    )


def _filters(project, query) -> ResponseFilters:
    serializer = ResponseFilterInput(data=query)
    serializer.is_valid(raise_exception=True)
    data = serializer.validated_data
    theme = data.get("theme")
    if theme and theme != UNTAGGED:
        try:
            theme = record_of(project=project, model=Theme, record_id=theme)
        except (Theme.DoesNotExist, ValidationError) as error:
            raise serializers.ValidationError({"theme": "No such theme in this project"}) from error
    return ResponseFilters(
        theme=theme or None,
        method=data.get("method", ""),
        respondent=data.get("respondent", ""),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


def _response_output(request, response) -> dict:
    can_edit = request.access.can_edit_project(response.project)
    return ResponseOutput(response, context={"can_edit": can_edit}).data


class ResponseListApi(APIView):
    @extend_schema(
        parameters=[ResponseFilterInput],
        responses=ResponseOutput(many=True),
        operation_id="responses_list",
    )
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        paginator = Pagination()
        page = paginator.paginate_queryset(
            responses_of(project=project, filters=_filters(project, request.query_params)), request, view=self
        )
        context = {"can_edit": request.access.can_edit_project(project)}
        return paginator.get_paginated_response(ResponseOutput(page, many=True, context=context).data)

    @extend_schema(request=ResponseInput, responses={201: ResponseOutput}, operation_id="responses_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        serializer = ResponseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            response = response_create(access=request.access, project=project, **serializer.validated_data)
        return ApiResponse(_response_output(request, response), status=status.HTTP_201_CREATED)


class ResponseDetailApi(APIView):
    def _response(self, request, project_id, response_id):
        return record_visible(
            access=request.access, project_id=project_id, model=Response, record_id=response_id
        )

    @extend_schema(responses=ResponseOutput, operation_id="responses_retrieve")
    def get(self, request, project_id, response_id):
        return ApiResponse(_response_output(request, self._response(request, project_id, response_id)))

    @extend_schema(
        request=ResponseUpdateInput,
        responses={200: ResponseOutput, 409: None},
        operation_id="responses_partial_update",
    )
    def patch(self, request, project_id, response_id):
        response = _editable(request, self._response(request, project_id, response_id))
        serializer = ResponseUpdateInput(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version", None)
        if version is None:
            raise serializers.ValidationError({"version": "This field is required."})
        theme_ids = changes.pop("themes", None)
        themes = None
        if theme_ids is not None:
            themes = list(records_with_ids(project=response.project, model=Theme, ids=theme_ids))
            if len(themes) != len(set(theme_ids)):
                raise serializers.ValidationError({"themes": "Every theme must belong to this project"})
        if changes or themes is None:  # with no changes this only checks the version
            with service_errors():
                response = response_update(
                    access=request.access, response=response, expected_version=version, **changes
                )
            version = response.version
        if themes is not None:
            response = response_set_themes(
                access=request.access, response=response, themes=themes, expected_version=version
            )
        return ApiResponse(_response_output(request, response))


# --- Themes ---------------------------------------------------------------------------------------


class ThemeOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")

    class Meta:
        model = Theme
        fields = ["id", "project", "name", "description", "version", "created_at", "updated_at"]


class ThemeSummaryOutput(serializers.Serializer):
    id = serializers.UUIDField(source="theme.id")
    project = serializers.UUIDField(source="theme.project_id")
    name = serializers.CharField(source="theme.name")
    description = serializers.CharField(source="theme.description")
    version = serializers.IntegerField(source="theme.version")
    response_count = serializers.IntegerField()
    quotes = serializers.ListField(
        child=serializers.CharField(), help_text="Up to three recent quotes, from unflagged responses only."
    )


class ThemeInput(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True, default="")


class ThemeUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    name = serializers.CharField(max_length=120, required=False)
    description = serializers.CharField(required=False, allow_blank=True)


class ThemeMergeInput(serializers.Serializer):
    into = serializers.UUIDField(help_text="The theme that takes over this theme's responses.")


class ThemeMergeOutput(serializers.Serializer):
    project = serializers.UUIDField()
    theme = ThemeOutput()
    tagged_count = serializers.IntegerField()
    targets = ThemeOutput(many=True, help_text="The themes it can be merged into.")


class ThemeListApi(APIView):
    @extend_schema(responses=ThemeSummaryOutput(many=True), operation_id="themes_list")
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, theme_summaries(project=project), ThemeSummaryOutput)

    @extend_schema(request=ThemeInput, responses={201: ThemeOutput}, operation_id="themes_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        request.access.require_edit_project(project)
        serializer = ThemeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            theme = theme_create(access=request.access, project=project, **serializer.validated_data)
        except ValidationError as error:
            raise _validation_error(error) from error
        return ApiResponse(ThemeOutput(theme).data, status=status.HTTP_201_CREATED)


def _theme(request, project_id, theme_id) -> Theme:
    return record_visible(access=request.access, project_id=project_id, model=Theme, record_id=theme_id)


class ThemeDetailApi(APIView):
    @extend_schema(responses=ThemeOutput, operation_id="themes_retrieve")
    def get(self, request, project_id, theme_id):
        return ApiResponse(ThemeOutput(_theme(request, project_id, theme_id)).data)

    @extend_schema(
        request=ThemeUpdateInput,
        responses={200: ThemeOutput, 409: None},
        operation_id="themes_partial_update",
    )
    def patch(self, request, project_id, theme_id):
        theme = _editable(request, _theme(request, project_id, theme_id))
        serializer = ThemeUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        changes = dict(serializer.validated_data)
        version = changes.pop("version")
        try:
            theme = theme_update(access=request.access, theme=theme, expected_version=version, **changes)
        except ValidationError as error:
            raise _validation_error(error) from error
        return ApiResponse(ThemeOutput(theme).data)


class ThemeMergeApi(APIView):
    @extend_schema(responses=ThemeMergeOutput, operation_id="themes_merge_options")
    def get(self, request, project_id, theme_id):
        """What a merge would do: the theme, how many responses it tags, and the themes it can merge into."""
        theme = _theme(request, project_id, theme_id)
        output = {
            "project": theme.project_id,
            "theme": theme,
            "tagged_count": tagged_count(theme=theme),
            "targets": merge_targets(theme=theme),
        }
        return ApiResponse(ThemeMergeOutput(output).data)

    @extend_schema(request=ThemeMergeInput, responses={200: ThemeOutput}, operation_id="themes_merge")
    def post(self, request, project_id, theme_id):
        """Move this theme's tags onto `into` and delete this theme. Answers the theme merged into."""
        source = _editable(request, _theme(request, project_id, theme_id))
        serializer = ThemeMergeInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            target = record_of(
                project=source.project, model=Theme, record_id=serializer.validated_data["into"]
            )
        except Theme.DoesNotExist as error:
            raise serializers.ValidationError({"into": "No such theme in this project"}) from error
        try:
            target = theme_merge(access=request.access, source=source, target=target)
        except ValidationError as error:
            raise serializers.ValidationError({"into": error.messages}) from error
        return ApiResponse(ThemeOutput(target).data)


class ThemeGroupCountsInput(serializers.Serializer):
    by = serializers.CharField(
        required=False, help_text="The key of a question the collection links ask; the first one if left out."
    )


class GroupColumnOutput(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()


class ThemeGroupRowOutput(serializers.Serializer):
    theme = serializers.UUIDField(source="theme.id")
    name = serializers.CharField(source="theme.name")
    counts = serializers.ListField(
        child=serializers.IntegerField(allow_null=True), help_text="By column; null where suppressed."
    )
    total = serializers.IntegerField(help_text="The theme's response count.")


class ThemeGroupCountsOutput(serializers.Serializer):
    project = serializers.UUIDField()
    questions = GroupColumnOutput(many=True, help_text="The questions the counts can be by.")
    by = GroupColumnOutput(allow_null=True, help_text="The question counted by; null when none is asked.")
    columns = GroupColumnOutput(many=True, help_text="Its groups, prefer-not-to-say and not-answered.")
    rows = ThemeGroupRowOutput(many=True)
    column_totals = serializers.ListField(child=serializers.IntegerField(allow_null=True))
    grand_total = serializers.IntegerField(allow_null=True)
    suppression_threshold = serializers.IntegerField(
        allow_null=True,
        help_text="Counts from 1 to this (and enough others that none can be worked out) are null; null "
        "for the project's team, who see their own counts.",
    )
    withheld = serializers.BooleanField(
        help_text="True when no counts can be shown without a suppressed one being worked out."
    )


def _question(key: str, name: str) -> dict:
    return {"key": key, "label": name}


class ThemeGroupCountsApi(APIView):
    @extend_schema(
        parameters=[ThemeGroupCountsInput],
        responses=ThemeGroupCountsOutput,
        operation_id="themes_by_group",
    )
    def get(self, request, project_id):
        """Each theme's responses by the groups of one 'about you' question."""
        project = project_visible(access=request.access, project_id=project_id)
        serializer = ThemeGroupCountsInput(data=request.query_params)
        serializer.is_valid(raise_exception=True)
        questions = questions_of_project(project=project)
        by = serializer.validated_data.get("by")
        question = next((q for q in questions if q.key == by), None) if by else next(iter(questions), None)
        if by and question is None:
            raise serializers.ValidationError({"by": "Choose one of the questions the collection links ask"})
        output = {
            "project": project.pk,
            "questions": [_question(q.key, q.name) for q in questions],
            "by": None,
            "columns": [],
            "rows": [],
            "column_totals": [],
            "grand_total": None,
            "suppression_threshold": None,
            "withheld": False,
        }
        if question is not None:
            table = theme_group_table(access=request.access, project=project, question=question)
            output.update(
                by=_question(question.key, question.name),
                columns=[_question(key, label) for key, label in table.columns],
                suppression_threshold=table.threshold,
                withheld=table.withheld,
            )
            if not table.withheld:
                output.update(
                    rows=[
                        {"theme": row.theme, "counts": row.cells, "total": row.total} for row in table.rows
                    ],
                    column_totals=table.column_totals,
                    grand_total=table.grand_total,
                )
        return ApiResponse(ThemeGroupCountsOutput(output).data)


# --- Collection links (the team's only) -----------------------------------------------------------


class LinkOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    public_url = serializers.SerializerMethodField()
    response_count = serializers.SerializerMethodField()

    class Meta:
        model = CollectionLink
        fields = [
            "id",
            "project",
            "code",
            "public_url",
            "setting",
            "question",
            "about_you",
            "is_open",
            "response_count",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_public_url(self, link) -> str:
        return public_url(link)

    def get_response_count(self, link) -> int:
        count = getattr(link, "response_count", None)
        return count if count is not None else response_count_of(link)


class LinkInput(serializers.Serializer):
    setting = serializers.CharField(max_length=200)
    question = serializers.CharField(max_length=300, required=False, default="What matters to you?")
    about_you = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        default=list,
        help_text="The optional 'about you' questions it asks: keys of the programme's dimensions (never "
        "deprivation).",
    )


class LinkUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    is_open = serializers.BooleanField()


def _editable_project(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    return project


def _link(request, project_id, link_id) -> CollectionLink:
    link = record_visible(
        access=request.access, project_id=project_id, model=CollectionLink, record_id=link_id
    )
    return _editable(request, link)


class LinkListApi(APIView):
    @extend_schema(responses=LinkOutput(many=True), operation_id="collection_links_list")
    def get(self, request, project_id):
        project = _editable_project(request, project_id)
        return paginated(self, request, links_of(project=project), LinkOutput)

    @extend_schema(request=LinkInput, responses={201: LinkOutput}, operation_id="collection_links_create")
    def post(self, request, project_id):
        project = _editable_project(request, project_id)
        serializer = LinkInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        with service_errors():
            link = link_create(access=request.access, project=project, **serializer.validated_data)
        return ApiResponse(LinkOutput(link).data, status=status.HTTP_201_CREATED)


class LinkDetailApi(APIView):
    @extend_schema(responses=LinkOutput, operation_id="collection_links_retrieve")
    def get(self, request, project_id, link_id):
        return ApiResponse(LinkOutput(_link(request, project_id, link_id)).data)

    @extend_schema(
        request=LinkUpdateInput,
        responses={200: LinkOutput, 409: None},
        operation_id="collection_links_partial_update",
    )
    def patch(self, request, project_id, link_id):
        """Open or close the public form."""
        link = _link(request, project_id, link_id)
        serializer = LinkUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        link = link_set_open(
            access=request.access,
            link=link,
            is_open=serializer.validated_data["is_open"],
            expected_version=serializer.validated_data["version"],
        )
        return ApiResponse(LinkOutput(link).data)


PROJECT = "projects/<uuid:project_id>/"

urlpatterns = [
    path(f"{PROJECT}responses/", ResponseListApi.as_view(), name="api_response_list"),
    path(f"{PROJECT}responses/<uuid:response_id>/", ResponseDetailApi.as_view(), name="api_response_detail"),
    path(f"{PROJECT}themes/", ThemeListApi.as_view(), name="api_theme_list"),
    path(f"{PROJECT}themes/by-group/", ThemeGroupCountsApi.as_view(), name="api_theme_group_counts"),
    path(f"{PROJECT}themes/<uuid:theme_id>/", ThemeDetailApi.as_view(), name="api_theme_detail"),
    path(f"{PROJECT}themes/<uuid:theme_id>/merge/", ThemeMergeApi.as_view(), name="api_theme_merge"),
    path(f"{PROJECT}links/", LinkListApi.as_view(), name="api_link_list"),
    path(f"{PROJECT}links/<uuid:link_id>/", LinkDetailApi.as_view(), name="api_link_detail"),
]
