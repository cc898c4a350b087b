"""Which partner organisations a co-design session, change idea or PDSA cycle is attributed to (Greater
Manchester's joint reviews are one cycle of two partners). Called inside the record's own write, so the
attribution changes in the same transaction and audit entry as the record."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Model

from accounts.access import Access
from projects.selectors import records_of

from ..models import (
    ChangeIdea,
    ChangeIdeaPartner,
    CoDesignSession,
    PdsaCycle,
    PdsaCyclePartner,
    ProjectPartner,
    SessionPartner,
)

# The link table of each attributable record, and the link's field naming the record.
LINKS = {
    CoDesignSession: (SessionPartner, "session"),
    ChangeIdea: (ChangeIdeaPartner, "change_idea"),
    PdsaCycle: (PdsaCyclePartner, "cycle"),
}


def partners_checked(project, partners: Iterable[ProjectPartner]) -> list[ProjectPartner]:
    """The partners, when each is a partner of this project (current or past); else ValidationError."""
    partners = list(partners)
    if any(partner.project_id != project.pk for partner in partners):
        raise ValidationError({"partners": "Every partner must be a partner of this project."})
    return partners


def default_partners(access: Access, project) -> list[ProjectPartner]:
    """What a partner's staff member records is theirs unless they say otherwise; the lead's team's is not
    attributed unless they choose."""
    sites = access.sites_entered_by(project)
    if not sites:
        return []
    return list(ProjectPartner.objects.filter(organisation=project.organisation, pk__in=sites))


def attributed_ids(record: Model) -> set:
    link_model, field = LINKS[type(record)]
    return set(
        records_of(project=record.project, model=link_model)
        .filter(**{field: record})
        .values_list("partner_id", flat=True)
    )


def attribution_changed(record: Model, partners: list[ProjectPartner] | None) -> bool:
    return partners is not None and {partner.pk for partner in partners} != attributed_ids(record)


def attribute(record: Model, partners: Iterable[ProjectPartner]) -> None:
    """Make the record's partners exactly these."""
    link_model, field = LINKS[type(record)]
    project = record.project
    wanted = {partner.pk for partner in partners}
    links = records_of(project=project, model=link_model).filter(**{field: record})
    existing = set(links.values_list("partner_id", flat=True))
    links.filter(partner_id__in=existing - wanted).delete()
    link_model.objects.bulk_create(
        link_model(
            organisation_id=project.organisation_id, project=project, partner_id=partner_id, **{field: record}
        )
        for partner_id in wanted - existing
    )
