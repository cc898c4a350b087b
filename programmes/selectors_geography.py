"""Reads for the reference data programme admins keep: organisations, the places of each system, and NHS
England's regions (docs/dashboards.md, "Organisations, places and regions"). These are reference tables, not
tenant data: every programme admin keeps them for everyone, and nobody else sees these pages (404)."""

import uuid
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404

from accounts.access import Access
from alwaysevents.tenancy import all_organisations
from projects.models import Project

from .models import Organisation, Place, Region


def require_system_dashboard(access: Access) -> None:
    """For system viewers, regional teams (the systems of their regions), and coaches and programme admins
    looking at a system their projects lie in."""
    allowed = (
        access.viewed_system_ids or access.viewed_region_ids or access.is_coach or access.is_programme_admin
    )
    if not (allowed or getattr(access.user, "is_superuser", False)):
        raise Http404("No such page")


def dashboard_systems(*, access: Access) -> list[Organisation]:
    """The systems the reader may choose: those they view, and those any project they may read lies in."""
    require_system_dashboard(access)
    systems = Organisation.objects.filter(kind=Organisation.Kind.SYSTEM).order_by("name")
    if getattr(access.user, "is_superuser", False):
        return list(systems)
    condition = Q(pk__in=access.viewed_system_ids) | Q(region_id__in=access.viewed_region_ids)
    if access.is_coach or access.is_programme_admin:
        readable = Project.objects.filter(access.readable_projects()).order_by()
        condition |= Q(pk__in=readable.values("organisation_id")) | Q(
            pk__in=readable.filter(organisation__system__isnull=False).values("organisation__system_id")
        )
    return list(systems.filter(condition))


def require_reference_admin(access: Access) -> None:
    if not access.is_programme_admin:
        raise Http404("No such page")


def _uuid_or_none(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


# --- Organisations ------------------------------------------------------------------------------------


@dataclass
class OrganisationFilters:
    kind: str = ""
    system: str = ""


def organisations_listed(*, access: Access, filters: OrganisationFilters) -> QuerySet[Organisation]:
    """Every organisation, by name; of one kind, or of one system (the system itself and its members)."""
    require_reference_admin(access)
    organisations = Organisation.objects.select_related("system", "place", "region").order_by("name", "pk")
    if filters.kind:
        organisations = organisations.filter(kind=filters.kind)
    if filters.system:
        system_id = _uuid_or_none(filters.system)
        if system_id is None:
            return organisations.none()
        organisations = organisations.filter(Q(system_id=system_id) | Q(pk=system_id))
    return organisations


def organisation_editable(*, access: Access, organisation_id) -> Organisation:
    require_reference_admin(access)
    try:
        return Organisation.objects.select_related("system", "place", "region").get(pk=organisation_id)
    except (Organisation.DoesNotExist, ValueError) as error:
        raise Http404("No such organisation") from error


def systems_all(*, access: Access) -> QuerySet[Organisation]:
    require_reference_admin(access)
    return (
        Organisation.objects.filter(kind=Organisation.Kind.SYSTEM).select_related("region").order_by("name")
    )


# --- Regions ------------------------------------------------------------------------------------------


def _systems_with_places() -> QuerySet[Organisation]:
    return (
        Organisation.objects.filter(kind=Organisation.Kind.SYSTEM)
        .order_by("name")
        .prefetch_related(Prefetch("places", queryset=Place.objects.order_by("name")))
    )


def regions_with_systems(
    *, access: Access
) -> tuple[list[tuple[Region, list[Organisation]]], list[Organisation]]:
    """The seven regions, each with its systems by name, and the systems not yet in a region, each system
    with its places: three queries."""
    require_reference_admin(access)
    systems = list(_systems_with_places())
    regions = list(Region.objects.order_by("name"))
    systems_of = {region.pk: [] for region in regions}
    unplaced = []
    for system in systems:
        systems_of.get(system.region_id, unplaced).append(system)
    return [(region, systems_of[region.pk]) for region in regions], unplaced


def regions_all(*, access: Access) -> QuerySet[Region]:
    require_reference_admin(access)
    return Region.objects.order_by("name")


def region_editable(*, access: Access, region_id) -> Region:
    require_reference_admin(access)
    try:
        return Region.objects.get(pk=region_id)
    except (Region.DoesNotExist, ValueError) as error:
        raise Http404("No such region") from error


def systems_of_region(*, region: Region) -> list[Organisation]:
    """The region's systems by name, each with its places and its member organisations counted."""
    return list(_systems_with_places().filter(region=region).annotate(member_count=Count("providers")))


def regions_readable(*, access: Access) -> QuerySet[Region]:
    """For the API: every region to a programme admin, their own to a regional team; nobody else reads
    them (404), as for every page they have no part in."""
    regions = Region.objects.order_by("name").prefetch_related(
        Prefetch(
            "systems", queryset=Organisation.objects.filter(kind=Organisation.Kind.SYSTEM).order_by("name")
        )
    )
    if access.is_programme_admin:
        return regions
    if access.viewed_region_ids:
        return regions.filter(pk__in=access.viewed_region_ids)
    raise Http404("No such page")


def region_readable(*, access: Access, region_id) -> Region:
    try:
        return regions_readable(access=access).get(pk=region_id)
    except (Region.DoesNotExist, ValueError) as error:
        raise Http404("No such region") from error


# --- Places -------------------------------------------------------------------------------------------


def system_editable(*, access: Access, system_id) -> Organisation:
    require_reference_admin(access)
    try:
        return Organisation.objects.select_related("region").get(pk=system_id, kind=Organisation.Kind.SYSTEM)
    except (Organisation.DoesNotExist, ValueError) as error:
        raise Http404("No such system") from error


def system_of_places(*, access: Access, system_id) -> Organisation:
    """The system whose places the reader may list: any, to a programme admin; one whose dashboard they may
    open, to anyone else (the places are its dashboard's filter). Else Http404."""
    if access.is_programme_admin:
        return system_editable(access=access, system_id=system_id)
    wanted = _uuid_or_none(system_id)
    for system in dashboard_systems(access=access):
        if system.pk == wanted:
            return system
    raise Http404("No such system")


@dataclass
class PlaceUses:
    """What belongs to a place: it may be removed only when nothing does."""

    organisations: int
    projects: int

    @property
    def in_use(self) -> bool:
        return bool(self.organisations or self.projects)

    @property
    def text(self) -> str:
        parts = [
            f"{count} {noun if count == 1 else noun + 's'}"
            for count, noun in ((self.organisations, "organisation"), (self.projects, "project"))
            if count
        ]
        return " and ".join(parts) if parts else "Nothing yet"


def places_of(*, system: Organisation) -> list[tuple[Place, PlaceUses]]:
    """A system's places by name, each with what belongs to it: two queries."""
    places = list(Place.objects.filter(system=system).annotate(organisation_count=Count("organisations")))
    projects = _project_counts(Q(place__system=system))
    return [
        (place, PlaceUses(organisations=place.organisation_count, projects=projects.get(place.pk, 0)))
        for place in sorted(places, key=lambda place: place.name.lower())
    ]


def places_in(*, system: Organisation) -> QuerySet[Place]:
    """A system's places by name, without what belongs to them: what a reader of its dashboard may list."""
    return Place.objects.filter(system=system).select_related("system").order_by("name", "pk")


def place_uses(*, place: Place) -> PlaceUses:
    return PlaceUses(
        organisations=Organisation.objects.filter(place=place).count(),
        projects=_project_counts(Q(place=place)).get(place.pk, 0),
    )


def _project_counts(condition: Q) -> dict[uuid.UUID, int]:
    """Projects per place, counted in every organisation: a place is removed for all of them, so it must
    not be removed while a project the admin cannot read belongs to it. Only counts leave this function."""
    with all_organisations(reason="count the projects of every organisation that belong to a place"):
        rows = Project.objects.filter(condition).order_by().values("place").annotate(count=Count("pk"))
        return {row["place"]: row["count"] for row in rows}


def place_editable(*, access: Access, place_id) -> Place:
    require_reference_admin(access)
    try:
        return Place.objects.select_related("system").get(pk=place_id)
    except (Place.DoesNotExist, ValueError) as error:
        raise Http404("No such place") from error


def organisations_of_place(*, place: Place) -> QuerySet[Organisation]:
    return Organisation.objects.filter(place=place).order_by("name", "pk")


def places_all(*, access: Access) -> QuerySet[Place]:
    """Every place with its system, for choosing an organisation's place."""
    require_reference_admin(access)
    return Place.objects.select_related("system").order_by("system__name", "name")
