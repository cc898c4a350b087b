"""Writes of programme reference data."""

from django.db import transaction

from alwaysevents.audit import audit

from .models import Phase, Programme

DEFAULT_PHASES = [
    (
        "Set-up and oversight",
        "Executive sponsor, oversight group, area of focus, link to trust strategy, data source.",
    ),
    (
        "Discover what matters",
        "'What matters to you?' conversations, surveys and workshops; responses coded into themes.",
    ),
    ("Co-design", "Co-design team of patients, carers and staff; candidate events screened; one chosen."),
    ("Test", "Driver diagram, change ideas and PDSA cycles, small tests first."),
    ("Implement, sustain and spread", "Reliability over time, spread to other units, hand-over."),
]


@transaction.atomic
def programme_create(*, name: str, description: str = "", actor=None, system_job: str = "") -> Programme:
    """A new programme starts with the five phases of the IHI / NHS England toolkit; admins may edit them."""
    programme = Programme.objects.create(name=name, description=description)
    Phase.objects.bulk_create(
        Phase(programme=programme, order=order, name=phase_name, description=phase_description)
        for order, (phase_name, phase_description) in enumerate(DEFAULT_PHASES, start=1)
    )
    audit(
        actor=actor,
        system_job=system_job,
        action="programme.create",
        obj=programme,
        changed=["name", "phases"],
    )
    return programme
