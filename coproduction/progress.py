"""The suggested IHI progress score (0.5 to 5), derived from the evidence a team has recorded.

Each step needs the evidence of the steps before it, as on the IHI progress scale: a project cannot be
"testing changes" before it has chosen what to test. The team may override the suggestion with a reason.
The evidence is a handful of EXISTS flags, so a list of projects gets every score in its one query
(`with_evidence`), and a single project in one more.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet

from projects.models import Project

from .models import CandidateEvent, PdsaCycle, ResponseTheme, Statement, TeamMember

# score, what it means, the evidence flags it needs (on top of every earlier step's)
STEPS = [
    (Decimal("0.5"), "Project set up", ()),
    (
        Decimal("1.0"),
        "Co-design team formed with patients or carers and staff",
        ("has_lived_experience", "has_staff"),
    ),
    (Decimal("1.5"), "What matters has been asked and themed", ("has_themes",)),
    (
        Decimal("2.0"),
        "An Always Event is chosen, with a vision statement and an aim",
        ("has_chosen_event", "has_statement"),
    ),
    (Decimal("2.5"), "Change ideas are being tested in PDSA cycles", ("has_studied_cycle",)),
]
FLAGS = [flag for _, _, flags in STEPS for flag in flags]


@dataclass(frozen=True)
class Evidence:
    score: Decimal
    label: str
    met: bool


@dataclass(frozen=True)
class ProgressScore:
    suggested: Decimal
    override: Decimal | None
    reason: str
    evidence: list[Evidence]

    @property
    def score(self) -> Decimal:
        return self.override if self.override is not None else self.suggested

    @property
    def next_step(self) -> str | None:
        unmet = next((item for item in self.evidence if not item.met), None)
        return unmet.label if unmet else None


def evidence_annotations() -> dict:
    """EXISTS subqueries, one per flag, for annotating a Project queryset."""
    same_project = {"project": OuterRef("pk"), "organisation": OuterRef("organisation")}
    active_members = TeamMember.objects.filter(**same_project, active=True)
    return {
        "has_lived_experience": Exists(active_members.filter(role__in=TeamMember.LIVED_EXPERIENCE)),
        "has_staff": Exists(active_members.exclude(role__in=TeamMember.LIVED_EXPERIENCE)),
        "has_themes": Exists(ResponseTheme.objects.filter(**same_project)),
        "has_chosen_event": Exists(CandidateEvent.objects.filter(**same_project, chosen=True)),
        "has_statement": Exists(Statement.objects.filter(**same_project)),
        "has_studied_cycle": Exists(
            PdsaCycle.objects.filter(**same_project, status__in=["studied", "complete"])
        ),
    }


def with_evidence(projects: QuerySet[Project]) -> QuerySet[Project]:
    return projects.annotate(**evidence_annotations())


def progress_score(project: Project) -> ProgressScore:
    if all(hasattr(project, flag) for flag in FLAGS):
        flags = {flag: getattr(project, flag) for flag in FLAGS}
    else:
        flags = Project.objects.filter(pk=project.pk).annotate(**evidence_annotations()).values(*FLAGS).get()
    evidence = [Evidence(score, label, all(flags[flag] for flag in needed)) for score, label, needed in STEPS]
    suggested = Decimal("0.5")
    for item in evidence:
        if not item.met:
            break
        suggested = item.score
    return ProgressScore(
        suggested=suggested,
        override=project.progress_score_override,
        reason=project.progress_score_reason,
        evidence=evidence,
    )
