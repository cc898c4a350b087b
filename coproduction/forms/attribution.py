"""The "Partners it belongs to" field of co-design sessions, change ideas and PDSA cycles: offered only on a
project with partners; current partners, and any past partner the record is already attributed to."""

from django import forms
from django.db.models import Q
from django.utils import timezone

from ..models import ProjectPartner


class PartnerChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, partner: ProjectPartner) -> str:
        name = partner.partner_organisation.name
        return name if partner.site_name == name else f"{partner.site_name} ({name})"


def add_partners_field(form: forms.Form, project, *, chosen=(), access=None) -> None:
    """Add the field to `form`, ticked with `chosen` partner ids (on a new record by a partner's own staff,
    their own sites)."""
    chosen = {str(pk) for pk in chosen}
    if access is not None and not chosen:
        chosen = {str(pk) for pk in access.sites_entered_by(project) or ()}
    today = timezone.localdate()
    current = Q(joined_on__lte=today) & (Q(left_on__isnull=True) | Q(left_on__gt=today))
    partners = (
        ProjectPartner.objects.filter(organisation=project.organisation, project=project)
        .filter(current | Q(pk__in=chosen))
        .select_related("partner_organisation")
        .order_by("site_name")
    )
    if not partners.exists():
        return
    form.fields["partners"] = PartnerChoiceField(
        label="Partners it belongs to",
        queryset=partners,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The partner organisations whose work this is; choose more than one for joint work.",
        error_messages={"invalid_choice": "Choose partners of this project"},
    )
    if not form.is_bound:
        form.initial["partners"] = sorted(chosen)


def attributed_ids(record) -> list[str]:
    return sorted(str(pk) for pk in record.partners.values_list("pk", flat=True))
