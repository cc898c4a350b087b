"""Partner organisations of a project: who works on it with the lead, their sites and their staff. Thin
views over coproduction.selectors.partners and coproduction.services.partners."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.models import Invitation
from alwaysevents.forms import saved
from projects.selectors import project_visible

from ..forms.partners import PartnerCreateForm, PartnerEditForm, PartnerStaffForm
from ..presenters.partners import PartnerRow, PartnersPage
from ..presenters.projects import ProjectPresenter
from ..selectors.partners import organisations_to_partner, partner_visible, partners_with_staff
from ..services import partners as services

TEMPLATES = "coproduction/partners/"


def _list_url(project_id) -> str:
    return reverse("partner_list", kwargs={"project_id": project_id})


def _posted(request):
    return request.POST if request.method == "POST" else None


def _require_lead_team(request, project) -> None:
    """Partner staff and readers may see the partners page, but only the lead's team changes it (403)."""
    services.require_lead_team(request.access, project)


@require_GET
def partner_list(request, project_id):
    project, partners = partners_with_staff(access=request.access, project_id=project_id)
    return render(
        request,
        TEMPLATES + "partner_list.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "page": PartnersPage(project, partners, request.access),
            "staff_form": PartnerStaffForm(),
        },
    )


@require_http_methods(["GET", "POST"])
def partner_create(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    _require_lead_team(request, project)
    form = PartnerCreateForm(
        _posted(request),
        organisations=organisations_to_partner(project=project),
        initial={"joined_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.project_partner_add(
                access=request.access, project=project, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{partner.partner_organisation} added as a partner")
            return redirect(_list_url(project.pk))
    return render(
        request,
        TEMPLATES + "partner_form.jinja",
        {"form": form, "creating": True, "project": ProjectPresenter(project, request.access)},
    )


@require_http_methods(["GET", "POST"])
def partner_edit(request, project_id, partner_id):
    partner = partner_visible(access=request.access, project_id=project_id, partner_id=partner_id)
    _require_lead_team(request, partner.project)
    form = PartnerEditForm(_posted(request), partner=partner)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: services.project_partner_update(
                access=request.access,
                partner=partner,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Partner saved")
        return redirect(_list_url(project_id))
    return render(
        request,
        TEMPLATES + "partner_form.jinja",
        {
            "form": form,
            "creating": False,
            "partner": partner,
            "project": ProjectPresenter(partner.project, request.access),
        },
    )


@require_http_methods(["GET", "POST"])
def partner_remove(request, project_id, partner_id):
    """Ask, then end the partnership today: its staff lose the project at once; their records stay."""
    partner = partner_visible(access=request.access, project_id=project_id, partner_id=partner_id)
    _require_lead_team(request, partner.project)
    if request.method == "POST":
        services.project_partner_remove(access=request.access, partner=partner)
        messages.success(request, f"{partner.partner_organisation} is no longer a partner on this project")
        return redirect(_list_url(project_id))
    return render(
        request,
        TEMPLATES + "partner_remove.jinja",
        {
            "row": PartnerRow(partner, [], partner.project),
            "project": ProjectPresenter(partner.project, request.access),
        },
    )


@require_POST
def partner_staff_add(request, project_id, partner_id):
    partner = partner_visible(access=request.access, project_id=project_id, partner_id=partner_id)
    _require_lead_team(request, partner.project)
    form = PartnerStaffForm(request.POST)
    if form.is_valid():
        try:
            added = services.partner_staff_add(access=request.access, partner=partner, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("email", error.messages[0])
        else:
            email = form.cleaned_data["email"]
            if isinstance(added, Invitation):
                messages.success(request, f"Invitation sent to {email}")
            else:
                messages.success(request, f"{email} now works on this project for {partner.site_name}")
            return redirect(_list_url(project_id))
    project, partners = partners_with_staff(access=request.access, project_id=project_id)
    return render(
        request,
        TEMPLATES + "partner_list.jinja",
        {
            "project": ProjectPresenter(project, request.access),
            "page": PartnersPage(project, partners, request.access),
            "staff_form": form,
            "staff_form_partner": partner,
            "page_has_errors": True,
        },
        status=400,
    )


@require_POST
def partner_staff_remove(request, project_id, partner_id, grant_id):
    partner = partner_visible(access=request.access, project_id=project_id, partner_id=partner_id)
    _require_lead_team(request, partner.project)
    try:
        services.partner_staff_remove(access=request.access, partner=partner, grant_id=grant_id)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    except PermissionDenied:
        raise
    else:
        messages.success(request, "They no longer work on this project")
    return redirect(_list_url(project_id))


urlpatterns = [
    path("projects/<uuid:project_id>/partners/", partner_list, name="partner_list"),
    path("projects/<uuid:project_id>/partners/new/", partner_create, name="partner_create"),
    path("projects/<uuid:project_id>/partners/<uuid:partner_id>/edit/", partner_edit, name="partner_edit"),
    path(
        "projects/<uuid:project_id>/partners/<uuid:partner_id>/remove/", partner_remove, name="partner_remove"
    ),
    path(
        "projects/<uuid:project_id>/partners/<uuid:partner_id>/staff/",
        partner_staff_add,
        name="partner_staff_add",
    ),
    path(
        "projects/<uuid:project_id>/partners/<uuid:partner_id>/staff/<uuid:grant_id>/remove/",
        partner_staff_remove,
        name="partner_staff_remove",
    ),
]
