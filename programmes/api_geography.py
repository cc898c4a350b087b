"""The reference data API: organisations, NHS England's regions and the places of each system, over the same
selectors and services as the pages (programmes.views_geography). Programme admins keep them; a regional
team reads its own region, and whoever may open a system's dashboard reads that system's places.

These rows have no version number: an edit sends back the `version` digest it read, and a save over someone
else's newer one answers 409."""

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from alwaysevents.api import paginated, service_errors

from .models import Organisation
from .selectors_geography import (
    OrganisationFilters,
    organisation_editable,
    organisations_listed,
    place_editable,
    place_uses,
    places_all,
    places_in,
    region_readable,
    regions_all,
    regions_readable,
    require_reference_admin,
    system_of_places,
    systems_all,
)
from .services_geography import (
    edit_version,
    organisation_create,
    organisation_update,
    place_create,
    place_delete,
    place_update,
)

TAGS = ["Organisations, places and regions"]


# --- Organisations ------------------------------------------------------------------------------------


class ReferenceOrganisationOutput(serializers.ModelSerializer):
    system = serializers.UUIDField(source="system_id", allow_null=True)
    place = serializers.UUIDField(source="place_id", allow_null=True)
    region = serializers.UUIDField(source="region_id", allow_null=True, help_text="A system's region")
    version = serializers.SerializerMethodField(
        help_text="Send it back with a change: a save over someone else's newer one answers 409."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "provider_type",
            "ods_code",
            "cqc_location_id",
            "system",
            "place",
            "region",
            "version",
        ]

    def get_version(self, organisation) -> str:
        return edit_version(organisation)


def _optional(field_class, **kwargs):
    return field_class(required=False, allow_null=True, **kwargs)


class OrganisationCreateInput(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices)
    provider_type = serializers.ChoiceField(
        choices=Organisation.ProviderType.choices, required=False, allow_blank=True, default=""
    )
    ods_code = _optional(
        serializers.CharField, max_length=10, allow_blank=True, help_text="Needed for NHS kinds"
    )
    cqc_location_id = _optional(serializers.CharField, max_length=14, allow_blank=True)
    system = _optional(serializers.UUIDField, help_text="The system it belongs to")
    place = _optional(serializers.UUIDField, help_text="A place of its own system")
    region = _optional(serializers.UUIDField, help_text="For a system only: its NHS England region")


class OrganisationUpdateInput(serializers.Serializer):
    version = serializers.CharField(max_length=64, help_text="The version read with the organisation")
    name = serializers.CharField(max_length=200, required=False)
    kind = serializers.ChoiceField(choices=Organisation.Kind.choices, required=False)
    provider_type = serializers.ChoiceField(
        choices=Organisation.ProviderType.choices, required=False, allow_blank=True
    )
    ods_code = _optional(serializers.CharField, max_length=10, allow_blank=True)
    cqc_location_id = _optional(serializers.CharField, max_length=14, allow_blank=True)
    system = _optional(serializers.UUIDField)
    place = _optional(serializers.UUIDField)
    region = _optional(serializers.UUIDField)


def _with_references(request, values: dict) -> dict:
    """The system, place and region ids given, as the rows they name; an unknown one is refused."""
    choices = {
        "system": (systems_all, "No such system"),
        "place": (places_all, "No such place"),
        "region": (regions_all, "No such region"),
    }
    resolved = dict(values)
    for name, (rows_of, missing) in choices.items():
        if resolved.get(name) is None:
            continue
        row = rows_of(access=request.access).filter(pk=resolved[name]).first()
        if row is None:
            raise serializers.ValidationError({name: [missing]})
        resolved[name] = row
    return resolved


class OrganisationListApi(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("kind", str, required=False, enum=Organisation.Kind.values),
            OpenApiParameter(
                "system", str, required=False, description="A system's id: the system and its members"
            ),
        ],
        responses=ReferenceOrganisationOutput(many=True),
        operation_id="organisations_list",
        tags=TAGS,
    )
    def get(self, request):
        filters = OrganisationFilters(
            kind=request.query_params.get("kind", ""), system=request.query_params.get("system", "")
        )
        organisations = organisations_listed(access=request.access, filters=filters)
        return paginated(self, request, organisations, ReferenceOrganisationOutput)

    @extend_schema(
        request=OrganisationCreateInput,
        responses={201: ReferenceOrganisationOutput},
        operation_id="organisations_create",
        tags=TAGS,
    )
    def post(self, request):
        require_reference_admin(request.access)
        data = OrganisationCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = _with_references(request, data.validated_data)
        with service_errors():
            organisation = organisation_create(access=request.access, **values)
        return Response(ReferenceOrganisationOutput(organisation).data, status=status.HTTP_201_CREATED)


class OrganisationDetailApi(APIView):
    @extend_schema(responses=ReferenceOrganisationOutput, operation_id="organisations_retrieve", tags=TAGS)
    def get(self, request, organisation_id):
        organisation = organisation_editable(access=request.access, organisation_id=organisation_id)
        return Response(ReferenceOrganisationOutput(organisation).data)

    @extend_schema(
        request=OrganisationUpdateInput,
        responses={200: ReferenceOrganisationOutput, 409: None},
        operation_id="organisations_partial_update",
        tags=TAGS,
        description="Change an organisation; a system's region is set here. A stale version answers 409.",
    )
    def patch(self, request, organisation_id):
        organisation = organisation_editable(access=request.access, organisation_id=organisation_id)
        data = OrganisationUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = _with_references(request, data.validated_data)
        version = changes.pop("version")
        with service_errors():
            organisation = organisation_update(
                access=request.access, organisation=organisation, expected_version=version, **changes
            )
        return Response(ReferenceOrganisationOutput(organisation).data)


# --- Regions ------------------------------------------------------------------------------------------


class RegionSystemBriefOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    ods_code = serializers.CharField(allow_null=True)


class ReferenceRegionOutput(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    code = serializers.CharField(help_text="NHS England's code, such as Y58")
    systems = RegionSystemBriefOutput(many=True, help_text="The integrated care systems in it, by name")


class RegionListApi(APIView):
    @extend_schema(
        responses=ReferenceRegionOutput(many=True),
        operation_id="regions_list",
        tags=TAGS,
        description="All seven to a programme admin; a regional team's own to them.",
    )
    def get(self, request):
        regions = regions_readable(access=request.access)
        return paginated(self, request, regions, ReferenceRegionOutput)


class RegionDetailApi(APIView):
    @extend_schema(responses=ReferenceRegionOutput, operation_id="regions_retrieve", tags=TAGS)
    def get(self, request, region_id):
        region = region_readable(access=request.access, region_id=region_id)
        return Response(ReferenceRegionOutput(region).data)


# --- Places -------------------------------------------------------------------------------------------


class ReferencePlaceOutput(serializers.Serializer):
    id = serializers.UUIDField()
    system = serializers.UUIDField(source="system_id")
    system_name = serializers.CharField(source="system.name")
    name = serializers.CharField()
    version = serializers.SerializerMethodField(
        help_text="Send it back with a change: a save over someone else's newer one answers 409."
    )

    def get_version(self, place) -> str:
        return edit_version(place)


class PlaceUsesOutput(serializers.Serializer):
    organisations = serializers.IntegerField()
    projects = serializers.IntegerField(help_text="In every organisation")
    in_use = serializers.BooleanField(help_text="A place in use cannot be removed")


class ReferencePlaceDetailOutput(ReferencePlaceOutput):
    uses = PlaceUsesOutput()


class PlaceInput(serializers.Serializer):
    name = serializers.CharField(max_length=100)


class PlaceUpdateInput(PlaceInput):
    version = serializers.CharField(max_length=64, help_text="The version read with the place")


def _place_detail(place) -> dict:
    place.uses = place_uses(place=place)
    return ReferencePlaceDetailOutput(place).data


class PlaceListApi(APIView):
    @extend_schema(
        responses=ReferencePlaceOutput(many=True),
        operation_id="system_places_list",
        tags=TAGS,
        description="To anyone who may open the system's dashboard, where its places are a filter.",
    )
    def get(self, request, system_id):
        system = system_of_places(access=request.access, system_id=system_id)
        return paginated(self, request, places_in(system=system), ReferencePlaceOutput)

    @extend_schema(
        request=PlaceInput,
        responses={201: ReferencePlaceDetailOutput},
        operation_id="system_places_create",
        tags=TAGS,
    )
    def post(self, request, system_id):
        require_reference_admin(request.access)  # those who read a system's places do not keep them
        system = system_of_places(access=request.access, system_id=system_id)
        data = PlaceInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            place = place_create(access=request.access, system=system, **data.validated_data)
        return Response(_place_detail(place), status=status.HTTP_201_CREATED)


class PlaceDetailApi(APIView):
    @extend_schema(responses=ReferencePlaceDetailOutput, operation_id="places_retrieve", tags=TAGS)
    def get(self, request, place_id):
        place = place_editable(access=request.access, place_id=place_id)
        return Response(_place_detail(place))

    @extend_schema(
        request=PlaceUpdateInput,
        responses={200: ReferencePlaceDetailOutput, 409: None},
        operation_id="places_partial_update",
        tags=TAGS,
        description="Rename a place; it keeps its system. A stale version answers 409.",
    )
    def patch(self, request, place_id):
        place = place_editable(access=request.access, place_id=place_id)
        data = PlaceUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        with service_errors():
            place = place_update(access=request.access, place=place, expected_version=version, **changes)
        return Response(_place_detail(place))

    @extend_schema(
        request=None,
        responses={204: None, 400: None},
        operation_id="places_destroy",
        tags=TAGS,
        description="Remove a place nothing belongs to; one in use is refused (400) with what belongs to it.",
    )
    def delete(self, request, place_id):
        place = place_editable(access=request.access, place_id=place_id)
        with service_errors():
            place_delete(access=request.access, place=place)
        return Response(status=status.HTTP_204_NO_CONTENT)


urlpatterns = [
    path("organisations/", OrganisationListApi.as_view(), name="api_organisation_list"),
    path(
        "organisations/<uuid:organisation_id>/",
        OrganisationDetailApi.as_view(),
        name="api_organisation_detail",
    ),
    path("regions/", RegionListApi.as_view(), name="api_region_list"),
    path("regions/<uuid:region_id>/", RegionDetailApi.as_view(), name="api_region_detail"),
    path("systems/<uuid:system_id>/places/", PlaceListApi.as_view(), name="api_place_list"),
    path("places/<uuid:place_id>/", PlaceDetailApi.as_view(), name="api_place_detail"),
]
