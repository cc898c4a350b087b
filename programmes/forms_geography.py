"""Forms for the reference data programme admins keep: organisations, places, and a system's region."""

from django import forms

from .models import TYPES_OF_KIND, Organisation
from .selectors_geography import OrganisationFilters
from .services_geography import edit_version


def _types_hint() -> str:
    labels = dict(Organisation.ProviderType.choices)
    kinds = dict(Organisation.Kind.choices)
    parts = [
        f"{kinds[kind]}: {', '.join(labels[t].lower() for t in types)}"
        for kind, types in TYPES_OF_KIND.items()
        if types != ("",)
    ]
    return "; ".join(parts) + ". Other kinds have no type."


class OrganisationFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", required=False)
    system = forms.ChoiceField(label="System", required=False)

    def __init__(self, *args, systems, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "All kinds"), *Organisation.Kind.choices]
        self.fields["system"].choices = [("", "All systems")] + [
            (str(system.pk), system.name) for system in systems
        ]

    def filters(self) -> OrganisationFilters:
        if not self.is_bound or not self.is_valid():
            return OrganisationFilters()
        return OrganisationFilters(kind=self.cleaned_data["kind"], system=self.cleaned_data["system"])


class ReferenceEditForm(forms.Form):
    """An edit of a reference row: carries the edit version it was loaded at (services_geography), shows a
    refused save's reasons beside their fields, and a stale save's newer values."""

    version = forms.CharField(widget=forms.HiddenInput, max_length=64)
    stale_fields: tuple[str, ...] = ()

    def __init__(self, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["version"]
        else:
            self.initial["version"] = edit_version(instance)

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def add_stale_error(self, current) -> None:
        self.add_error(
            None,
            "Someone else saved this record after you opened it. Their values are shown below; "
            "check them, then save again if your change is still needed.",
        )
        data = self.data.copy()
        data["version"] = edit_version(current)
        for name in self.stale_fields:
            value = getattr(current, current._meta.get_field(name).attname)
            data[name] = "" if value is None else str(value)
        self.data = data


class OrganisationForm(ReferenceEditForm):
    name = forms.CharField(max_length=200, error_messages={"required": "Enter the organisation's name"})
    kind = forms.ChoiceField(
        label="Kind of organisation",
        choices=Organisation.Kind.choices,
        error_messages={"required": "Choose the kind of organisation"},
    )
    provider_type = forms.ChoiceField(label="Type", required=False, help_text=_types_hint())
    ods_code = forms.CharField(
        label="ODS code",
        max_length=10,
        required=False,
        help_text="Needed for NHS providers, systems and primary care, for example RAN or B82005.",
    )
    cqc_location_id = forms.CharField(
        label="CQC location ID",
        max_length=14,
        required=False,
        help_text="For care providers without an ODS code, for example 1-123456789.",
    )
    system = forms.ModelChoiceField(
        label="System",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
        help_text="The integrated care system it belongs to. A system belongs to none.",
        error_messages={"invalid_choice": "Choose a system from the list"},
    )
    place = forms.ModelChoiceField(
        label="Place",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
        help_text="A place of its own system, if it belongs to one.",
        error_messages={"invalid_choice": "Choose a place from the list"},
    )
    region = forms.ModelChoiceField(
        label="NHS England region",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
        help_text="For a system only: its members follow it.",
        error_messages={"invalid_choice": "Choose a region from the list"},
    )

    stale_fields = (
        "name",
        "kind",
        "provider_type",
        "ods_code",
        "cqc_location_id",
        "system",
        "place",
        "region",
    )

    def __init__(self, *args, systems, places, regions, organisation: Organisation | None = None, **kwargs):
        if organisation is not None:
            kwargs["initial"] = {
                "name": organisation.name,
                "kind": organisation.kind,
                "provider_type": organisation.provider_type,
                "ods_code": organisation.ods_code or "",
                "cqc_location_id": organisation.cqc_location_id or "",
                "system": organisation.system_id,
                "place": organisation.place_id,
                "region": organisation.region_id,
            }
        super().__init__(*args, instance=organisation, **kwargs)
        self.fields["provider_type"].choices = [("", "None"), *Organisation.ProviderType.choices]
        self.fields["system"].queryset = systems.exclude(pk=organisation.pk) if organisation else systems
        self.fields["place"].queryset = places
        self.fields["place"].label_from_instance = lambda place: f"{place.name} ({place.system.name})"
        self.fields["region"].queryset = regions


class PlaceForm(ReferenceEditForm):
    name = forms.CharField(
        max_length=100,
        help_text="For example a Place Alliance, a borough or a locality.",
        error_messages={"required": "Enter the place's name"},
    )

    stale_fields = ("name",)

    def __init__(self, *args, place=None, **kwargs):
        if place is not None:
            kwargs["initial"] = {"name": place.name}
        super().__init__(*args, instance=place, **kwargs)
