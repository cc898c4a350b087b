"""Pre-call packs made ahead of each call: the beat job asks the reports app for each call's PDF once.

A pack is a `reports.ReportRun` of scope "call" rendered by the reports task on the pdf queue
(docs/reports.md). Runs in the job's all-organisations scope.
"""

from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone

from reports.models import ReportRun
from reports.services import pack_request_automatic

from .models import CoachingCall
from .selectors import pre_call_pack_days

JOB = "prepare_pre_call_packs"


def calls_needing_pack(*, now: datetime) -> list[CoachingCall]:
    """Calls due within PRE_CALL_PACK_DAYS that have no pack run yet (asked for by the job or a coach)."""
    has_pack = ReportRun.objects.filter(call=OuterRef("pk"), scope_kind=ReportRun.ScopeKind.CALL)
    return list(
        CoachingCall.objects.filter(
            scheduled_for__gte=now, scheduled_for__lte=now + timedelta(days=pre_call_pack_days())
        )
        .filter(~Exists(has_pack))
        .order_by("scheduled_for", "pk")
    )


def pre_call_packs_request(*, now: datetime | None = None) -> int:
    """Ask for the pack of every call due soon that has none; running twice (or twice at once) asks once
    per call. Returns how many packs were asked for."""
    now = now or timezone.now()
    requested = [pack_request_automatic(call=call, job=JOB) for call in calls_needing_pack(now=now)]
    return sum(1 for run in requested if run is not None)
