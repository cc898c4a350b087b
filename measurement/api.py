"""The measurement API: measures, their data (with an atomic bulk upsert) and the engine's analysis."""

import uuid

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated
from coproduction.models import ProjectPartner
from coproduction.selectors.partners import partners_of
from projects.selectors import project_visible

from .analysis import measure_analysis, site_analysis
from .charts import chart_finding
from .equity import disclosure_for, gap_analysis
from .forms import MEASURE_FIELDS
from .models import DataPoint, Measure
from .points import PointInput
from .selectors import measure_visible, measures_of_project, points_of, stratum_points_of
from .services import PointsRejected, measure_create, measure_update, points_upsert, stratum_points_upsert
from .strata import StratumInput, parse_stratum_key


class MeasureOutput(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = ["id", "project", *MEASURE_FIELDS, "version", "created_at", "updated_at"]


class MeasureInput(serializers.ModelSerializer):
    class Meta:
        model = Measure
        fields = MEASURE_FIELDS


class MeasureUpdateInput(MeasureInput):
    version = serializers.IntegerField(min_value=1)

    class Meta(MeasureInput.Meta):
        fields = [*MEASURE_FIELDS, "version"]
        extra_kwargs = {name: {"required": False} for name in MEASURE_FIELDS}


class PointSerializer(serializers.ModelSerializer):
    site = serializers.UUIDField(
        source="site_id",
        required=False,
        allow_null=True,
        help_text="The partner site (a partnership id of the project) of a measure recorded per site; "
        "leave it out for a measure of the whole project.",
    )

    class Meta:
        model = DataPoint
        fields = ["measure", "site", "period_start", "numerator", "denominator", "note"]
        read_only_fields = ["measure"]
        extra_kwargs = {"note": {"required": False}, "denominator": {"required": False}}
        validators = []  # uniqueness is the upsert's job


class PointsInput(serializers.Serializer):
    points = PointSerializer(many=True, allow_empty=False)


SITE_PARAMETER = OpenApiParameter(
    "site", OpenApiTypes.UUID, description="One partner site (partnership id) of a measure recorded per site"
)


def _site_asked(request, measure: Measure) -> uuid.UUID | None:
    """The `?site=` of a per-site measure: a partnership of the measure's project, else not found."""
    wanted = request.query_params.get("site")
    if not wanted:
        return None
    if not measure.per_site:
        raise serializers.ValidationError({"site": "This measure is for the whole project, not per site"})
    try:
        return partners_of(project=measure.project).get(pk=wanted).pk
    except (ProjectPartner.DoesNotExist, ValueError, ValidationError) as error:
        raise Http404("No such site") from error


class MeasureListApi(APIView):
    @extend_schema(responses=MeasureOutput(many=True), operation_id="measures_list")
    def get(self, request, project_id):
        return paginated(
            self, request, measures_of_project(access=request.access, project_id=project_id), MeasureOutput
        )

    @extend_schema(request=MeasureInput, responses={201: MeasureOutput}, operation_id="measures_create")
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        data = MeasureInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            measure = measure_create(access=request.access, project=project, **data.validated_data)
        except ValidationError as error:
            raise serializers.ValidationError(
                error.message_dict if hasattr(error, "message_dict") else error.messages
            ) from error
        return Response(MeasureOutput(measure).data, status=status.HTTP_201_CREATED)


class MeasureDetailApi(APIView):
    @extend_schema(responses=MeasureOutput, operation_id="measures_retrieve")
    def get(self, request, project_id, measure_id):
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        return Response(MeasureOutput(measure).data)

    @extend_schema(
        request=MeasureUpdateInput, responses=MeasureOutput, operation_id="measures_partial_update"
    )
    def patch(self, request, project_id, measure_id):
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        data = MeasureUpdateInput(instance=measure, data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version", None)
        if version is None:
            raise serializers.ValidationError({"version": "Send the version you last read"})
        try:
            measure = measure_update(
                access=request.access, measure=measure, expected_version=version, **changes
            )
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from error
        return Response(MeasureOutput(measure).data)


class PointListApi(APIView):
    @extend_schema(
        responses=PointSerializer(many=True),
        parameters=[SITE_PARAMETER],
        operation_id="measure_points_list",
    )
    def get(self, request, project_id, measure_id):
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        points = points_of(measure).order_by("period_start", "site__site_name")
        if site := _site_asked(request, measure):
            points = points.filter(site_id=site)
        return paginated(self, request, points, PointSerializer)

    @extend_schema(request=PointsInput, responses={200: None}, operation_id="measure_points_upsert")
    def post(self, request, project_id, measure_id):
        """Upsert many periods at once: all are saved, or none (with every problem listed)."""
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        data = PointsInput(data=request.data)
        data.is_valid(raise_exception=True)
        points = [
            PointInput(
                p["period_start"],
                p["numerator"],
                p.get("denominator"),
                p.get("note", ""),
                site=str(p["site_id"]) if p.get("site_id") else None,
            )
            for p in data.validated_data["points"]
        ]
        try:
            saved = points_upsert(access=request.access, measure=measure, points=points, source="api")
        except PointsRejected as rejected:
            return _nothing_saved(rejected)
        return Response({"saved": saved, "measure": measure.pk})


def _nothing_saved(rejected: PointsRejected) -> Response:
    return Response(
        {
            "detail": "Nothing was saved.",
            "errors": [{"row": e.row, "field": e.field, "message": e.message} for e in rejected.errors],
        },
        status=status.HTTP_400_BAD_REQUEST,
    )


class GroupPointOutput(serializers.Serializer):
    measure = serializers.UUIDField()
    stratum = serializers.CharField(help_text="The group, by dimension: `deprivation=1;sex=female`")
    groups = serializers.DictField(child=serializers.CharField(), help_text="The group key by dimension")
    period_start = serializers.DateField()
    numerator = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    denominator = serializers.DecimalField(max_digits=12, decimal_places=2, allow_null=True)
    suppressed = serializers.BooleanField(
        help_text="The counts are hidden from readers outside the project's team (small numbers)"
    )


class GroupPointInput(serializers.Serializer):
    groups = serializers.DictField(
        child=serializers.CharField(), help_text='The group by dimension key: {"deprivation": "1"}'
    )
    period_start = serializers.DateField()
    numerator = serializers.DecimalField(max_digits=12, decimal_places=2)
    denominator = serializers.DecimalField(max_digits=12, decimal_places=2, required=False, allow_null=True)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300)


class GroupPointsInput(serializers.Serializer):
    points = GroupPointInput(many=True, allow_empty=False)


class GroupPointListApi(APIView):
    @extend_schema(responses=GroupPointOutput(many=True), operation_id="measure_groups_list")
    def get(self, request, project_id, measure_id):
        """Each group's data of a measure broken down by group, by period then group. Readers outside the
        project's team get small counts suppressed (`suppressed` true, the counts null)."""
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        disclosure = disclosure_for(request.access, measure)
        rows = []
        for point in stratum_points_of(measure).order_by("period_start", "stratum"):
            hidden = disclosure.hides(point.stratum, point.period_start)
            rows.append(
                {
                    "measure": measure.pk,
                    "stratum": point.stratum,
                    "groups": parse_stratum_key(point.stratum),
                    "period_start": point.period_start,
                    "numerator": None if hidden else point.numerator,
                    "denominator": None if hidden else point.denominator,
                    "suppressed": hidden,
                }
            )
        return paginated(self, request, rows, GroupPointOutput)

    @extend_schema(request=GroupPointsInput, responses={200: None}, operation_id="measure_groups_upsert")
    def post(self, request, project_id, measure_id):
        """Upsert many groups' rows at once: all are saved, or none (with every problem listed). The
        periods' totals are their sums."""
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        data = GroupPointsInput(data=request.data)
        data.is_valid(raise_exception=True)
        points = [
            StratumInput(
                p["period_start"], p["groups"], p["numerator"], p.get("denominator"), p.get("note", "")
            )
            for p in data.validated_data["points"]
        ]
        try:
            saved = stratum_points_upsert(access=request.access, measure=measure, points=points, source="api")
        except PointsRejected as rejected:
            return _nothing_saved(rejected)
        return Response({"saved": saved, "measure": measure.pk})


class GapApi(APIView):
    @extend_schema(responses={200: dict}, operation_id="measure_gap_retrieve")
    def get(self, request, project_id, measure_id):
        """The gap between the most and the least deprived group of a measure broken down by deprivation,
        as this reader may see it (periods hidden by small-number suppression are null and `left_out`)."""
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        gap = gap_analysis(measure, disclosure_for(request.access, measure))
        if gap is None:
            return Response(
                {
                    "measure": measure.pk,
                    "gap": None,
                    "direction": None,
                    "finding": "This measure has no gap: it is not broken down by deprivation quintile, or "
                    "has no data by group yet.",
                }
            )
        return Response(
            {
                "measure": measure.pk,
                "gap": measure.gap_as,
                "most_deprived": gap.most_label,
                "least_deprived": gap.least_label,
                "direction": gap.direction,
                "finding": gap.finding,
                "left_out": gap.left_out,
                "periods": [period.isoformat() for period in gap.periods],
                "result": gap.result,
            }
        )


class AnalysisApi(APIView):
    @extend_schema(
        responses={200: dict}, parameters=[SITE_PARAMETER], operation_id="measure_analysis_retrieve"
    )
    def get(self, request, project_id, measure_id):
        """The SPC engine's result for the measure (`?chart=run|p|xmr`, default the measure's chart): of a
        measure recorded per site, the whole pathway's (`pathway` is true), or one site's (`?site=`)."""
        measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
        chart = request.query_params.get("chart") or measure.default_chart
        if chart not in {"run", "p", "xmr"} or (chart == "p" and not measure.has_denominator):
            raise serializers.ValidationError({"chart": "Choose run, p (percentages only) or xmr"})
        site = _site_asked(request, measure)
        if site:
            analysis = site_analysis(measure, site_id=site, chart=chart)
        else:
            analysis = measure_analysis(measure, chart=chart)
        return Response(
            {
                "measure": measure.pk,
                "site": site,
                "pathway": analysis.pathway,
                "chart": chart,
                "finding": chart_finding(measure, analysis),
                "periods": [period.start.isoformat() for period in analysis.periods],
                "result": analysis.result,
            }
        )


one = "projects/<uuid:project_id>/measures/<uuid:measure_id>/"
urlpatterns = [
    path("projects/<uuid:project_id>/measures/", MeasureListApi.as_view(), name="api_measure_list"),
    path(one, MeasureDetailApi.as_view(), name="api_measure_detail"),
    path(one + "points/", PointListApi.as_view(), name="api_measure_points"),
    path(one + "analysis/", AnalysisApi.as_view(), name="api_measure_analysis"),
    path(one + "groups/", GroupPointListApi.as_view(), name="api_measure_groups"),
    path(one + "gap/", GapApi.as_view(), name="api_measure_gap"),
]
