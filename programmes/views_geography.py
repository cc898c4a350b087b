"""The reference data programme admins keep: organisations, NHS England's regions (with the systems in each)
and the places of each system. Thin views over programmes.selectors_geography and
programmes.services_geography; everyone else is told these pages do not exist (404)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alwaysevents.forms import saved
from alwaysevents.pagination import paginate, pagination_links

from .forms_geography import OrganisationFilterForm, OrganisationForm, PlaceForm
from .selectors_geography import (
    organisation_editable,
    organisations_listed,
    organisations_of_place,
    place_editable,
    place_uses,
    places_all,
    places_of,
    region_editable,
    regions_all,
    regions_with_systems,
    system_editable,
    systems_all,
    systems_of_region,
)
from .services_geography import (
    organisation_create,
    organisation_update,
    place_create,
    place_delete,
    place_update,
)

TEMPLATES = "programmes/geography/"
ORGANISATIONS_PER_PAGE = 50


def _posted(request):
    return request.POST if request.method == "POST" else None


def _render_form(request, template: str, form: forms.Form, context: dict):
    """A form page; one that comes back with errors answers 400 so clients and tests can tell."""
    return render(
        request,
        TEMPLATES + template,
        {"form": form, **context},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- Organisations ------------------------------------------------------------------------------------


@require_GET
def organisation_list(request):
    systems = systems_all(access=request.access)
    filter_form = OrganisationFilterForm(request.GET or None, systems=systems)
    organisations = organisations_listed(access=request.access, filters=filter_form.filters())
    page = paginate(organisations, request, per_page=ORGANISATIONS_PER_PAGE)
    return render(
        request,
        TEMPLATES + "organisation_list.jinja",
        {
            "filter_form": filter_form,
            "is_filtered": any(vars(filter_form.filters()).values()),
            "organisations": page,
            "pagination": pagination_links(page, request),
        },
    )


def _organisation_form(request, organisation=None) -> OrganisationForm:
    return OrganisationForm(
        _posted(request),
        systems=systems_all(access=request.access),
        places=places_all(access=request.access),
        regions=regions_all(access=request.access),
        organisation=organisation,
    )


@require_http_methods(["GET", "POST"])
def organisation_new(request):
    form = _organisation_form(request)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(form, lambda: organisation_create(access=request.access, **form.changes()))
    ):
        messages.success(request, f"{form.cleaned_data['name'].strip()} added")
        return redirect(reverse("organisation_list"))
    return _render_form(request, "organisation_form.jinja", form, {"organisation": None})


@require_http_methods(["GET", "POST"])
def organisation_edit(request, organisation_id):
    organisation = organisation_editable(access=request.access, organisation_id=organisation_id)
    form = _organisation_form(request, organisation)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: organisation_update(
                access=request.access,
                organisation=organisation,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, f"{form.cleaned_data['name'].strip()} saved")
        return redirect(reverse("organisation_list"))
    return _render_form(request, "organisation_form.jinja", form, {"organisation": organisation})


# --- Regions ------------------------------------------------------------------------------------------


@require_GET
def region_list(request):
    regions, unplaced = regions_with_systems(access=request.access)
    return render(request, TEMPLATES + "region_list.jinja", {"regions": regions, "unplaced": unplaced})


@require_GET
def region_detail(request, region_id):
    region = region_editable(access=request.access, region_id=region_id)
    return render(
        request,
        TEMPLATES + "region_detail.jinja",
        {"region": region, "systems": systems_of_region(region=region)},
    )


# --- Places -------------------------------------------------------------------------------------------


def _places_page(request, system, form: PlaceForm):
    return _render_form(
        request, "place_list.jinja", form, {"system": system, "places": places_of(system=system)}
    )


@require_GET
def place_list(request, system_id):
    system = system_editable(access=request.access, system_id=system_id)
    return _places_page(request, system, PlaceForm())


@require_POST
def place_new(request, system_id):
    system = system_editable(access=request.access, system_id=system_id)
    form = PlaceForm(request.POST)
    if form.is_valid() and saved(
        form, lambda: place_create(access=request.access, system=system, **form.changes())
    ):
        messages.success(request, f"{form.cleaned_data['name'].strip()} added to {system.name}")
        return redirect(reverse("place_list", kwargs={"system_id": system.pk}))
    return _places_page(request, system, form)


@require_GET
def place_detail(request, place_id):
    place = place_editable(access=request.access, place_id=place_id)
    return render(
        request,
        TEMPLATES + "place_detail.jinja",
        {
            "place": place,
            "uses": place_uses(place=place),
            "organisations": organisations_of_place(place=place),
        },
    )


@require_http_methods(["GET", "POST"])
def place_edit(request, place_id):
    place = place_editable(access=request.access, place_id=place_id)
    form = PlaceForm(_posted(request), place=place)
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: place_update(
                access=request.access,
                place=place,
                expected_version=form.cleaned_data["version"],
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Place saved")
        return redirect(place.get_absolute_url())
    return _render_form(request, "place_form.jinja", form, {"place": place})


@require_POST
def place_remove(request, place_id):
    place = place_editable(access=request.access, place_id=place_id)
    try:
        place_delete(access=request.access, place=place)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(place.get_absolute_url())
    messages.success(request, f"{place.name} removed from {place.system.name}")
    return redirect(reverse("place_list", kwargs={"system_id": place.system_id}))


urlpatterns = [
    path("organisations/", organisation_list, name="organisation_list"),
    path("organisations/new/", organisation_new, name="organisation_create"),
    path("organisations/<uuid:organisation_id>/edit/", organisation_edit, name="organisation_edit"),
    path("regions/", region_list, name="region_list"),
    path("regions/<uuid:region_id>/", region_detail, name="region_detail"),
    path("systems/<uuid:system_id>/places/", place_list, name="place_list"),
    path("systems/<uuid:system_id>/places/new/", place_new, name="place_create"),
    path("places/<uuid:place_id>/", place_detail, name="place_detail"),
    path("places/<uuid:place_id>/edit/", place_edit, name="place_edit"),
    path("places/<uuid:place_id>/delete/", place_remove, name="place_delete"),
]
