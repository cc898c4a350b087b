"""Forms for a project's partner organisations and the people who work on it for them."""

from django import forms

from alwaysevents.forms import VersionedForm
from programmes.models import Organisation

from ..models import ProjectPartner
from .codesign import DateInput


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, organisation: Organisation) -> str:
        identifier = f", {organisation.identifier}" if organisation.identifier else ""
        return f"{organisation.name} ({organisation.get_kind_display()}{identifier})"


class PartnerFields(forms.Form):
    role_in_pathway = forms.CharField(
        max_length=200,
        label="Role in the pathway",
        help_text=ProjectPartner._meta.get_field("role_in_pathway").help_text,
        error_messages={"required": "Enter the partner's role in the pathway"},
    )
    site_name = forms.CharField(
        max_length=200,
        required=False,
        label="Site name (optional)",
        help_text="The site whose data it records. Leave blank to use the organisation's name.",
    )
    joined_on = forms.DateField(
        widget=DateInput(),
        label="Joined on",
        error_messages={"required": "Enter the day it joined", "invalid": "Enter a real date"},
    )


class PartnerCreateForm(PartnerFields):
    partner_organisation = OrganisationChoiceField(
        queryset=Organisation.objects.none(),
        label="Organisation",
        help_text="NHS providers, local authorities, independent care providers, GP practices and primary "
        "care networks, and voluntary, community and social enterprise organisations. Programme admins add "
        "organisations that are not listed.",
        empty_label="Choose an organisation",
        error_messages={
            "required": "Choose the partner organisation",
            "invalid_choice": "Choose an organisation from the list",
        },
    )
    field_order = ["partner_organisation", "role_in_pathway", "site_name", "joined_on"]

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_organisation"].queryset = organisations


class PartnerEditForm(VersionedForm, PartnerFields):
    left_on = forms.DateField(
        widget=DateInput(),
        required=False,
        label="Left on (optional)",
        help_text=ProjectPartner._meta.get_field("left_on").help_text,
        error_messages={"invalid": "Enter a real date"},
    )

    def __init__(self, *args, partner: ProjectPartner, **kwargs):
        kwargs["initial"] = {
            "role_in_pathway": partner.role_in_pathway,
            "site_name": partner.site_name,
            "joined_on": partner.joined_on,
            "left_on": partner.left_on,
        }
        super().__init__(*args, version=partner.version, **kwargs)

    def changes(self) -> dict:
        changes = super().changes()
        if not changes["site_name"]:
            changes.pop("site_name")
        return changes


class PartnerStaffForm(forms.Form):
    email = forms.EmailField(
        label="Their work email address",
        help_text="They get the project at once if they already have an account; otherwise an invitation.",
        error_messages={
            "required": "Enter the email address of the person to add",
            "invalid": "Enter an email address like name@example.org",
        },
    )
