"""The suggested IHI progress score (0.5 to 5), derived from the evidence a team has recorded.

Each step needs the evidence of the steps before it, as on the IHI progress scale: a project cannot be
"testing changes" before it has chosen what to test. The team may override the suggestion with a reason.
"""

from dataclasses import dataclass
from decimal import Decimal

from .models import CandidateEvent, PdsaCycle, Project, ResponseTheme, Statement, TeamMember


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


def _team_formed(project: Project) -> bool:
    roles = set(
        TeamMember.objects.filter(project=project, active=True).values_list("role", flat=True).distinct()
    )
    return bool(roles & TeamMember.LIVED_EXPERIENCE) and bool(roles - TeamMember.LIVED_EXPERIENCE)


def progress_evidence(project: Project) -> list[Evidence]:
    """What the team has recorded, in the order of the scale. Data-based steps arrive with measurement."""
    return [
        Evidence(Decimal("0.5"), "Project set up", True),
        Evidence(
            Decimal("1.0"), "Co-design team formed with patients or carers and staff", _team_formed(project)
        ),
        Evidence(
            Decimal("1.5"),
            "What matters has been asked and themed",
            ResponseTheme.objects.filter(project=project).exists(),
        ),
        Evidence(
            Decimal("2.0"),
            "An Always Event is chosen, with a vision statement and an aim",
            CandidateEvent.objects.filter(project=project, chosen=True).exists()
            and Statement.objects.filter(project=project).exists(),
        ),
        Evidence(
            Decimal("2.5"),
            "Change ideas are being tested in PDSA cycles",
            PdsaCycle.objects.filter(project=project, status__in=["studied", "complete"]).exists(),
        ),
    ]


def progress_score(project: Project) -> ProgressScore:
    evidence = progress_evidence(project)
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
