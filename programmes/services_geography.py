"""Writes of the reference data programme admins keep: organisations (with a system's region) and the places
of each system (docs/dashboards.md, "Organisations, places and regions").

These rows have no version column, so an edit carries a digest of the values the editor loaded
(`edit_version`) instead: the row is locked, and a save whose digest no longer matches is refused as a
StaleEdit, exactly as a versioned record's would be."""

import hashlib

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction

from accounts.access import Access
from alwaysevents.audit import audit
from alwaysevents.concurrency import StaleEdit

from .models import KINDS_NEEDING_ODS, Organisation, Place, Region
from .selectors_geography import place_uses, require_reference_admin

# What an editor of each model can change: the fields its edit version is a digest of.
ORGANISATION_FIELDS = (
    "name",
    "kind",
    "provider_type",
    "ods_code",
    "cqc_location_id",
    "system",
    "place",
    "region",
)
PLACE_FIELDS = ("name",)
_EDITABLE = {Organisation: ORGANISATION_FIELDS, Place: PLACE_FIELDS}


def edit_version(obj: models.Model) -> str:
    """A digest of the editable values of a reference row: it changes whenever any of them does."""
    values = [str(getattr(obj, obj._meta.get_field(name).attname)) for name in _EDITABLE[type(obj)]]
    return hashlib.sha256("\x1f".join(values).encode()).hexdigest()[:16]


def _locked(obj: models.Model, expected_version: str) -> models.Model:
    """The row as it stands now, locked until the transaction ends; refused if it moved on since loaded."""
    current = type(obj).objects.select_for_update().get(pk=obj.pk)
    if edit_version(current) != expected_version:
        raise StaleEdit(current=current)
    return current


def _changed(obj: models.Model, changes: dict) -> dict:
    """The changes that differ from the row's values, foreign keys compared by id."""

    def key(name, value):
        field = obj._meta.get_field(name)
        if field.is_relation:
            return getattr(obj, field.attname), value.pk if value is not None else None
        return getattr(obj, name), value

    return {name: value for name, value in changes.items() if (pair := key(name, value))[0] != pair[1]}


# --- Organisations ------------------------------------------------------------------------------------


def _normalised(changes: dict) -> dict:
    """Identifiers are kept in capitals, and absent ones as NULL (many organisations have none)."""
    normalised = dict(changes)
    for name in ("ods_code", "cqc_location_id"):
        if name in normalised:
            normalised[name] = (normalised[name] or "").strip().upper() or None
    if "name" in normalised:
        normalised["name"] = normalised["name"].strip()
    if "provider_type" in normalised:
        normalised["provider_type"] = normalised["provider_type"] or ""
    return normalised


_ODS_KIND_NAMES = {
    Organisation.Kind.PROVIDER: "An NHS provider",
    Organisation.Kind.SYSTEM: "An integrated care system",
    Organisation.Kind.PRIMARY_CARE: "A GP practice or primary care network",
}


def _identifier_problems(organisation: Organisation) -> dict[str, str]:
    """The identifier rules the model's clean leaves to us: which scheme fits the kind, and uniqueness told
    in words (who already has it) rather than as a database error."""
    problems = {}
    if organisation.kind in KINDS_NEEDING_ODS and organisation.cqc_location_id:
        kind_name = _ODS_KIND_NAMES.get(organisation.kind, "This organisation")
        problems["cqc_location_id"] = (
            f"{kind_name} is identified by its ODS code; leave the CQC location ID blank."
        )
    others = Organisation.objects.exclude(pk=organisation.pk)
    for name, label in (("ods_code", "ODS code"), ("cqc_location_id", "CQC location ID")):
        value = getattr(organisation, name)
        holder = others.filter(**{name: value}).first() if value else None
        if holder is not None:
            problems[name] = f"{holder.name} already has the {label} {value}. Each organisation has its own."
    return problems


def _refuse_leaving_system(organisation: Organisation, *, was_system: bool) -> dict[str, str]:
    if not was_system or organisation.is_system:
        return {}
    members = Organisation.objects.filter(system=organisation).count()
    places = Place.objects.filter(system=organisation).count()
    if not (members or places):
        return {}
    return {
        "kind": f"{organisation.name} has {members} member organisations and {places} places. "
        "Move them to another system before it stops being a system."
    }


def _validate(organisation: Organisation, *, extra: dict[str, str]) -> None:
    """Every problem at once, each beside its field: the model's own rules, then ours."""
    errors: dict[str, list[str]] = {}
    try:
        organisation.full_clean(validate_unique=False)
    except ValidationError as error:
        errors = error.message_dict
    for name, message in {**_identifier_problems(organisation), **extra}.items():
        errors.setdefault(name, [])
        if message not in errors[name]:
            errors[name].append(message)
    field_messages = {
        message for name, messages in errors.items() if name != NON_FIELD_ERRORS for message in messages
    }
    if NON_FIELD_ERRORS in errors:  # a check constraint repeating a field's message says nothing new
        errors[NON_FIELD_ERRORS] = [m for m in errors[NON_FIELD_ERRORS] if m not in field_messages]
    errors = {name: messages for name, messages in errors.items() if messages}
    if errors:
        raise ValidationError(errors)


def _save(organisation: Organisation, **kwargs) -> None:
    """Save; a duplicate identifier written by someone else since we checked is refused in words too."""
    try:
        with transaction.atomic():
            organisation.save(**kwargs)
    except IntegrityError as error:
        problems = _identifier_problems(organisation)
        raise ValidationError(
            problems or "Someone else saved a clashing organisation just now; try again."
        ) from error


@transaction.atomic
def organisation_create(
    *,
    access: Access,
    name: str,
    kind: str,
    provider_type: str = "",
    ods_code: str | None = None,
    cqc_location_id: str | None = None,
    system: Organisation | None = None,
    place: Place | None = None,
    region: Region | None = None,
) -> Organisation:
    require_reference_admin(access)
    values = _normalised(
        {
            "name": name,
            "kind": kind,
            "provider_type": provider_type,
            "ods_code": ods_code,
            "cqc_location_id": cqc_location_id,
            "system": system,
            "place": place,
            "region": region,
        }
    )
    organisation = Organisation(**values)
    _validate(organisation, extra={})
    _save(organisation)
    set_fields = [name for name, value in values.items() if value not in (None, "")]
    audit(actor=access.user, action="organisation.create", obj=organisation, changed=set_fields)
    return organisation


@transaction.atomic
def organisation_update(
    *, access: Access, organisation: Organisation, expected_version: str, **changes
) -> Organisation:
    """Change any of ORGANISATION_FIELDS; a system's region is set here too."""
    require_reference_admin(access)
    unknown = set(changes) - set(ORGANISATION_FIELDS)
    if unknown:
        raise TypeError(f"Not editable: {', '.join(sorted(unknown))}")
    current = _locked(organisation, expected_version)
    changed = _changed(current, _normalised(changes))
    if not changed:
        return current
    was_system = current.is_system
    for name, value in changed.items():
        setattr(current, name, value)
    _validate(current, extra=_refuse_leaving_system(current, was_system=was_system))
    _save(current, update_fields=list(changed))
    audit(actor=access.user, action="organisation.update", obj=current, changed=changed)
    return current


# --- Places -------------------------------------------------------------------------------------------


def _place_problems(place: Place) -> None:
    errors = {}
    try:
        place.full_clean(exclude=["system"], validate_constraints=False)
    except ValidationError as error:
        errors = error.message_dict
    clash = Place.objects.filter(system_id=place.system_id, name__iexact=place.name).exclude(pk=place.pk)
    if place.name and clash.exists():
        errors.setdefault("name", []).append(f"{place.system.name} already has a place called {place.name}.")
    if errors:
        raise ValidationError(errors)


def _save_place(place: Place, **kwargs) -> None:
    try:
        with transaction.atomic():
            place.save(**kwargs)
    except IntegrityError as error:
        raise ValidationError(
            {"name": f"{place.system.name} already has a place called {place.name}."}
        ) from error


@transaction.atomic
def place_create(*, access: Access, system: Organisation, name: str) -> Place:
    require_reference_admin(access)
    if not system.is_system:
        raise ValidationError({"system": "Only an integrated care system has places."})
    place = Place(system=system, name=name.strip())
    _place_problems(place)
    _save_place(place)
    audit(actor=access.user, action="place.create", obj=place, changed=["system", "name"])
    return place


@transaction.atomic
def place_update(*, access: Access, place: Place, expected_version: str, name: str) -> Place:
    """A place keeps its system: its organisations and projects belong to that system."""
    require_reference_admin(access)
    current = _locked(place, expected_version)
    changed = _changed(current, {"name": name.strip()})
    if not changed:
        return current
    current.name = changed["name"]
    _place_problems(current)
    _save_place(current, update_fields=["name"])
    audit(actor=access.user, action="place.update", obj=current, changed=changed)
    return current


@transaction.atomic
def place_delete(*, access: Access, place: Place) -> None:
    """Remove a place nothing belongs to. The lock holds back anyone putting an organisation in it meanwhile
    (their foreign key check waits for it), so nothing is quietly taken out of the place."""
    require_reference_admin(access)
    current = Place.objects.select_for_update().select_related("system").get(pk=place.pk)
    uses = place_uses(place=current)
    if uses.in_use:
        raise ValidationError(
            f"{current.name} cannot be removed: {uses.text} belong to it. "
            "Move them to another place, or to none, first."
        )
    audit(actor=access.user, action="place.delete", obj=current, changed=["name"])
    current.delete()
