"""Writes of programme reference data."""

from django.db import transaction

from alwaysevents.audit import audit

from .models import DEFAULT_DIMENSIONS, ChecklistItem, Dimension, Phase, Programme

# name, description, exit checklist (the IHI / NHS England toolkit, DOMAIN.md)
DEFAULT_PHASES = [
    (
        "Set-up and oversight",
        "Executive sponsor, oversight group, area of focus, link to trust strategy, data source.",
        [
            "An executive sponsor has agreed to support the project",
            "An oversight group meets regularly",
            "The area of focus is agreed and linked to the trust's strategy",
            "A data source for measurement is agreed",
        ],
    ),
    (
        "Discover what matters",
        "'What matters to you?' conversations, surveys and workshops; responses coded into themes.",
        [
            "Patients, carers and families have been asked what matters to them",
            "Responses are coded into themes",
        ],
    ),
    (
        "Co-design",
        "Co-design team of patients, carers and staff; candidate events screened; one chosen.",
        [
            "A co-design team of patients, carers and staff is formed",
            "Candidate events are screened on the four criteria",
            "One Always Event is chosen, with a vision statement and a SMART aim",
        ],
    ),
    (
        "Test",
        "Driver diagram, change ideas and PDSA cycles, small tests first.",
        [
            "A driver diagram links change ideas to the aim",
            "Change ideas are tested in PDSA cycles",
            "A reliability measure is collected every week",
        ],
    ),
    (
        "Implement, sustain and spread",
        "Reliability over time, spread to other units, hand-over.",
        ["Reliability is sustained on the run chart", "A spread and hand-over plan is agreed"],
    ),
]


@transaction.atomic
def programme_create(*, name: str, description: str = "", actor=None, system_job: str = "") -> Programme:
    """A new programme starts with the five phases of the IHI / NHS England toolkit; admins may edit them."""
    programme = Programme.objects.create(name=name, description=description)
    for order, (phase_name, phase_description, checklist) in enumerate(DEFAULT_PHASES, start=1):
        phase = Phase.objects.create(
            programme=programme, order=order, name=phase_name, description=phase_description
        )
        ChecklistItem.objects.bulk_create(
            ChecklistItem(phase=phase, order=item_order, text=text)
            for item_order, text in enumerate(checklist, 1)
        )
    dimensions_seed(programme)
    audit(
        actor=actor,
        system_job=system_job,
        action="programme.create",
        obj=programme,
        changed=["name", "phases", "dimensions"],
    )
    return programme


def dimensions_seed(programme: Programme) -> None:
    """The programme's population groups (DEFAULT_DIMENSIONS); ones it already has are left as they are."""
    have = set(programme.dimensions.values_list("key", flat=True))
    Dimension.objects.bulk_create(
        Dimension(
            programme=programme,
            key=key,
            name=name,
            help_text=help_text,
            ordered=ordered,
            from_places=from_places,
            strata=[list(stratum) for stratum in strata],
            position=position,
        )
        for position, (key, name, help_text, ordered, from_places, strata) in enumerate(DEFAULT_DIMENSIONS)
        if key not in have
    )
