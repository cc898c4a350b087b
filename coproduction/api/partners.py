"""The partners API: a project's partner organisations (role in the pathway, site, joined / left) and the
people who work on the project for each; same selectors and services as the pages
(docs/adr/009-integrated-care.md). Anyone who reads the project reads its partners; only the lead
organisation's team changes them or sees who works for them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Invitation, RoleGrant
from alwaysevents.api import paginated
from projects.selectors import project_visible

from ..models import ProjectPartner
from ..selectors.partners import organisation_by_id, partner_visible, partners_of, partners_with_staff
from ..services import partners as services


def _refusals(error: DjangoValidationError) -> serializers.ValidationError:
    if hasattr(error, "error_dict"):
        return serializers.ValidationError(error.message_dict)
    return serializers.ValidationError({"non_field_errors": error.messages})


class PartnerOutput(serializers.ModelSerializer):
    project = serializers.UUIDField(source="project_id")
    partner_organisation = serializers.UUIDField(source="partner_organisation_id")
    partner_organisation_name = serializers.CharField(source="partner_organisation.name")
    partner_organisation_kind = serializers.CharField(source="partner_organisation.kind")
    is_current = serializers.SerializerMethodField()

    class Meta:
        model = ProjectPartner
        fields = [
            "id",
            "project",
            "partner_organisation",
            "partner_organisation_name",
            "partner_organisation_kind",
            "role_in_pathway",
            "site_name",
            "joined_on",
            "left_on",
            "is_current",
            "version",
            "created_at",
            "updated_at",
        ]

    def get_is_current(self, partner) -> bool:
        return partner.is_current(timezone.localdate())


class PartnerCreateInput(serializers.Serializer):
    partner_organisation = serializers.UUIDField(help_text="Any organisation that is not a system.")
    role_in_pathway = serializers.CharField(max_length=200)
    site_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    joined_on = serializers.DateField(required=False, allow_null=True, help_text="Today when left out.")


class PartnerUpdateInput(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    role_in_pathway = serializers.CharField(max_length=200, required=False)
    site_name = serializers.CharField(max_length=200, required=False)
    joined_on = serializers.DateField(required=False)
    left_on = serializers.DateField(required=False, allow_null=True)


class PartnerListApi(APIView):
    @extend_schema(responses=PartnerOutput(many=True), operation_id="partners_list", tags=["Partners"])
    def get(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        return paginated(self, request, partners_of(project=project), PartnerOutput)

    @extend_schema(
        request=PartnerCreateInput,
        responses={201: PartnerOutput},
        operation_id="partners_create",
        tags=["Partners"],
    )
    def post(self, request, project_id):
        project = project_visible(access=request.access, project_id=project_id)
        services.require_lead_team(request.access, project)
        data = PartnerCreateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        organisation = organisation_by_id(values.pop("partner_organisation"))
        if organisation is None:
            raise serializers.ValidationError({"partner_organisation": ["No such organisation"]})
        try:
            partner = services.project_partner_add(
                access=request.access, project=project, partner_organisation=organisation, **values
            )
        except DjangoValidationError as error:
            raise _refusals(error) from error
        return Response(PartnerOutput(partner).data, status=status.HTTP_201_CREATED)


class PartnerDetailApi(APIView):
    @extend_schema(responses=PartnerOutput, operation_id="partners_retrieve", tags=["Partners"])
    def get(self, request, project_id, partner_id):
        partner = partner_visible(access=request.access, project_id=project_id, partner_id=partner_id)
        return Response(PartnerOutput(partner).data)

    @extend_schema(
        request=PartnerUpdateInput,
        responses=PartnerOutput,
        operation_id="partners_partial_update",
        tags=["Partners"],
    )
    def patch(self, request, project_id, partner_id):
        partner = partner_visible(access=request.access, project_id=project_id, partner_id=partner_id)
        services.require_lead_team(request.access, partner.project)
        data = PartnerUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        changes = dict(data.validated_data)
        version = changes.pop("version")
        try:
            partner = services.project_partner_update(
                access=request.access, partner=partner, expected_version=version, **changes
            )
        except DjangoValidationError as error:
            raise _refusals(error) from error
        return Response(PartnerOutput(partner).data)

    @extend_schema(
        request=None,
        responses=PartnerOutput,
        operation_id="partners_remove",
        tags=["Partners"],
        description="The partner leaves today: its staff lose the project at once; what they recorded stays.",
    )
    def delete(self, request, project_id, partner_id):
        partner = partner_visible(access=request.access, project_id=project_id, partner_id=partner_id)
        partner = services.project_partner_remove(access=request.access, partner=partner)
        return Response(PartnerOutput(partner).data)


class PartnerStaffOutput(serializers.Serializer):
    id = serializers.UUIDField(help_text="The grant: remove it to take the project away from them.")
    partner = serializers.UUIDField(source="partnership_id")
    email = serializers.EmailField(source="user.email")
    name = serializers.CharField(source="user.full_name")
    granted_at = serializers.DateTimeField(source="created_at")


class PartnerStaffInput(serializers.Serializer):
    email = serializers.EmailField(
        help_text="Given the project at once when they have an account, else invited."
    )


class PartnerStaffAddedOutput(serializers.Serializer):
    status = serializers.ChoiceField(choices=["granted", "invited"])
    email = serializers.EmailField()
    grant = serializers.UUIDField(allow_null=True)


def _staff_of(request, project_id, partner_id) -> tuple[ProjectPartner, list[RoleGrant]]:
    project, partners = partners_with_staff(access=request.access, project_id=project_id)
    services.require_lead_team(request.access, project)
    for item in partners:
        if str(item.partner.pk) == str(partner_id):
            return item.partner, item.staff
    raise Http404("No such partner")


class PartnerStaffListApi(APIView):
    @extend_schema(
        responses=PartnerStaffOutput(many=True), operation_id="partner_staff_list", tags=["Partners"]
    )
    def get(self, request, project_id, partner_id):
        _, staff = _staff_of(request, project_id, partner_id)
        return Response(PartnerStaffOutput(staff, many=True).data)

    @extend_schema(
        request=PartnerStaffInput,
        responses={201: PartnerStaffAddedOutput},
        operation_id="partner_staff_add",
        tags=["Partners"],
    )
    def post(self, request, project_id, partner_id):
        partner, _ = _staff_of(request, project_id, partner_id)
        data = PartnerStaffInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            added = services.partner_staff_add(access=request.access, partner=partner, **data.validated_data)
        except DjangoValidationError as error:
            raise _refusals(error) from error
        invited = isinstance(added, Invitation)
        output = {
            "status": "invited" if invited else "granted",
            "email": added.email if invited else added.user.email,
            "grant": None if invited else added.pk,
        }
        return Response(PartnerStaffAddedOutput(output).data, status=status.HTTP_201_CREATED)


class PartnerStaffDetailApi(APIView):
    @extend_schema(responses=PartnerStaffOutput, operation_id="partner_staff_retrieve", tags=["Partners"])
    def get(self, request, project_id, partner_id, grant_id):
        _, staff = _staff_of(request, project_id, partner_id)
        for grant in staff:
            if str(grant.pk) == str(grant_id):
                return Response(PartnerStaffOutput(grant).data)
        raise Http404("No such person on this partner")

    @extend_schema(
        request=None, responses={204: None}, operation_id="partner_staff_remove", tags=["Partners"]
    )
    def delete(self, request, project_id, partner_id, grant_id):
        partner, _ = _staff_of(request, project_id, partner_id)
        try:
            services.partner_staff_remove(access=request.access, partner=partner, grant_id=grant_id)
        except DjangoValidationError as error:
            raise _refusals(error) from error
        return Response(status=status.HTTP_204_NO_CONTENT)


PARTNER = "projects/<uuid:project_id>/partners/<uuid:partner_id>/"

urlpatterns = [
    path("projects/<uuid:project_id>/partners/", PartnerListApi.as_view(), name="api_partner_list"),
    path(PARTNER, PartnerDetailApi.as_view(), name="api_partner_detail"),
    path(PARTNER + "staff/", PartnerStaffListApi.as_view(), name="api_partner_staff_list"),
    path(
        PARTNER + "staff/<uuid:grant_id>/", PartnerStaffDetailApi.as_view(), name="api_partner_staff_detail"
    ),
]
