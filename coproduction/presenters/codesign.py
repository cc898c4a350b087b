"""Display logic of the co-design pages: the team's balance against the 50:50 aim, sessions and what they
produced, candidates against the four criteria, and the chosen event's statements."""

from dataclasses import dataclass
from functools import cached_property

from django.urls import reverse

from accounts.access import Access
from projects.models import Project
from projects.selectors import records_of

from ..models import CandidateEvent, CoDesignSession, CriterionAssessment, Statement, TeamMember
from ..selectors.codesign import (
    candidate_assessments,
    candidate_themes,
    candidates_from_session,
    candidates_with_screening,
    change_ideas_from_session,
    chosen_candidate,
    session_attendees,
    sessions_with_attendees,
    statement_of_candidate,
)
from ..services.codesign import unmet_criteria
from .partners import attribution_rows

VERDICT_COLOURS = {
    CriterionAssessment.Verdict.MET: "green",
    CriterionAssessment.Verdict.NOT_MET: "red",
    CriterionAssessment.Verdict.UNSURE: "yellow",
}


def _url(name: str, project: Project, **kwargs) -> str:
    return reverse(name, kwargs={"project_id": project.pk, **kwargs})


def _long_date(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


def _rows(pairs) -> list[dict]:
    return [{"key": {"text": key}, "value": {"text": value or "Not recorded"}} for key, value in pairs]


@dataclass(frozen=True)
class TeamBalance:
    """Active members with lived experience (patients, carers, service users) against staff, and the aim
    that at least half the team has lived experience."""

    lived_experience: int
    staff: int

    @classmethod
    def of(cls, members) -> "TeamBalance":
        active = [member for member in members if member.active]
        lived = sum(1 for member in active if member.has_lived_experience)
        return cls(lived_experience=lived, staff=len(active) - lived)

    @property
    def total(self) -> int:
        return self.lived_experience + self.staff

    @property
    def percent(self) -> int:
        """Rounded half up, so 1 of 8 reads 13%, not Python's banker's 12%."""
        if not self.total:
            return 0
        return (200 * self.lived_experience + self.total) // (2 * self.total)

    @property
    def meets_aim(self) -> bool:
        return self.total > 0 and 2 * self.lived_experience >= self.total

    @property
    def more_needed(self) -> int:
        """How many more lived-experience members would bring the team to half."""
        return max(0, self.staff - self.lived_experience)

    @property
    def sentence(self) -> str:
        if not self.total:
            return "The team has no active members yet; the aim is that at least half have lived experience."
        members = "member" if self.total == 1 else "members"
        return (
            f"{self.lived_experience} of {self.total} {members} ({self.percent}%) have lived experience; "
            "the aim is at least half"
        )

    @property
    def advice(self) -> str:
        if not self.total:
            return ""
        if self.meets_aim:
            return "The team meets the 50:50 aim."
        more = self.more_needed
        people = "patient, carer or service user" if more == 1 else "patients, carers or service users"
        return f"Add {more} more {people} to reach it."


@dataclass
class MemberRow:
    member: TeamMember
    can_edit: bool

    @property
    def display_name(self) -> str:
        return str(self.member)

    @property
    def role(self) -> str:
        return self.member.get_role_display()

    @property
    def group(self) -> str:
        return "Lived experience" if self.member.has_lived_experience else "Staff"

    @property
    def account(self) -> str:
        return "Yes" if self.member.user_id else "No"

    @property
    def status(self) -> dict:
        return (
            {"text": "Active", "colour": "green"}
            if self.member.active
            else {"text": "Inactive", "colour": "grey"}
        )

    @property
    def edit_url(self) -> str:
        return _url("team_member_edit", self.member.project, member_id=self.member.pk)


@dataclass
class TeamPage:
    project: Project
    access: Access

    @cached_property
    def members(self) -> list[TeamMember]:
        return list(records_of(project=self.project, model=TeamMember))

    @cached_property
    def balance(self) -> TeamBalance:
        return TeamBalance.of(self.members)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    def rows(self) -> list[MemberRow]:
        return [MemberRow(member, self.can_edit) for member in self.members]


# --- Sessions ------------------------------------------------------------------------------------


@dataclass
class SessionSummary:
    session: CoDesignSession

    @property
    def date(self) -> str:
        return _long_date(self.session.held_on)

    @property
    def title(self) -> str:
        return self.session.title

    @property
    def url(self) -> str:
        return _url("session_detail", self.session.project, session_id=self.session.pk)

    @property
    def attendee_count(self) -> int:
        return len(self.session.attendees.all())


def session_summaries(project: Project) -> list[SessionSummary]:
    return [SessionSummary(session) for session in sessions_with_attendees(project)]


@dataclass
class SessionPage:
    session: CoDesignSession
    access: Access

    @property
    def project(self) -> Project:
        return self.session.project

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    @cached_property
    def attendees(self) -> list[TeamMember]:
        return list(session_attendees(self.session))

    @property
    def balance(self) -> TeamBalance:
        return TeamBalance(
            lived_experience=sum(1 for member in self.attendees if member.has_lived_experience),
            staff=sum(1 for member in self.attendees if not member.has_lived_experience),
        )

    def summary_rows(self) -> list[dict]:
        attendees = ", ".join(f"{member} ({member.get_role_display().lower()})" for member in self.attendees)
        return _rows(
            [
                ("Date", _long_date(self.session.held_on)),
                ("Who attended", attendees),
                *attribution_rows(self.session),
            ]
        )

    @cached_property
    def candidates(self) -> list[dict]:
        return [
            {"title": row.title, "url": _url("candidate_detail", self.project, candidate_id=row.pk)}
            for row in candidates_from_session(self.session)
        ]

    @cached_property
    def change_ideas(self) -> list[str]:
        return [idea.title for idea in change_ideas_from_session(self.session)]


# --- Candidates ----------------------------------------------------------------------------------


@dataclass
class CandidateRow:
    candidate: CandidateEvent

    @cached_property
    def _assessments(self) -> dict[str, CriterionAssessment]:
        return {assessment.criterion: assessment for assessment in candidate_assessments(self.candidate)}

    @property
    def title(self) -> str:
        return self.candidate.title

    @property
    def url(self) -> str:
        return _url("candidate_detail", self.candidate.project, candidate_id=self.candidate.pk)

    def verdicts(self) -> list[dict]:
        """One cell per criterion, in order: a coloured tag; 'Not screened' when nobody has assessed it."""
        cells = []
        for criterion, label in CriterionAssessment.Criterion.choices:
            assessment = self._assessments.get(criterion)
            if assessment is None:
                cells.append({"criterion": label, "text": "Not screened", "colour": "grey"})
            else:
                cells.append(
                    {
                        "criterion": label,
                        "text": assessment.get_verdict_display(),
                        "colour": VERDICT_COLOURS[assessment.verdict],
                    }
                )
        return cells

    @property
    def status(self) -> dict | None:
        if self.candidate.chosen:
            return {"text": "Chosen", "colour": "blue"}
        if self.candidate.shortlisted:
            return {"text": "Shortlisted", "colour": "purple"}
        return None

    @property
    def unmet(self) -> list[str]:
        return unmet_criteria(self.candidate)

    @property
    def can_be_chosen(self) -> bool:
        return not self.unmet


def candidate_rows(project: Project) -> list[CandidateRow]:
    return [CandidateRow(candidate) for candidate in candidates_with_screening(project)]


CRITERIA_HEADINGS = [label for _value, label in CriterionAssessment.Criterion.choices]


@dataclass
class CandidatePage:
    candidate: CandidateEvent
    access: Access

    @property
    def project(self) -> Project:
        return self.candidate.project

    @cached_property
    def row(self) -> CandidateRow:
        return CandidateRow(self.candidate)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    def summary_rows(self) -> list[dict]:
        session = self.candidate.session
        themes = ", ".join(theme.name for theme in candidate_themes(self.candidate))
        return _rows(
            [
                ("Description", self.candidate.description),
                ("Themes it comes from", themes),
                ("Co-design session", str(session) if session else ""),
            ]
        )

    def assessments(self) -> list[dict]:
        """The screening, read-only, for people who cannot edit it."""
        by_criterion = {row.criterion: row for row in candidate_assessments(self.candidate)}
        rows = []
        for criterion, label in CriterionAssessment.Criterion.choices:
            assessment = by_criterion.get(criterion)
            rows.append(
                {
                    "label": label,
                    "verdict": assessment.get_verdict_display() if assessment else "Not screened",
                    "colour": VERDICT_COLOURS[assessment.verdict] if assessment else "grey",
                    "rationale": assessment.rationale if assessment else "",
                    "evidence_link": assessment.evidence_link if assessment else "",
                }
            )
        return rows

    @property
    def choose_advice(self) -> str:
        if self.candidate.chosen:
            return "This is the project's chosen Always Event."
        if self.row.can_be_chosen:
            return "It meets all four criteria, so it can be chosen as the project's Always Event."
        return (
            "It can be chosen once it meets all four criteria. Not met yet: "
            + ", ".join(self.row.unmet).lower()
            + "."
        )


# --- Statements ----------------------------------------------------------------------------------


@dataclass
class StatementPage:
    project: Project
    access: Access

    @cached_property
    def candidate(self) -> CandidateEvent | None:
        return chosen_candidate(self.project)

    @cached_property
    def statement(self) -> Statement | None:
        if self.candidate is None:
            return None
        return statement_of_candidate(project=self.project, candidate=self.candidate)

    @property
    def can_edit(self) -> bool:
        return self.access.can_edit_project(self.project)

    def aim_rows(self) -> list[dict]:
        statement = self.statement
        return _rows(
            [
                ("What", statement.aim_what),
                ("For whom", statement.aim_for_whom),
                ("Target", f"{statement.aim_target_percent}%"),
                ("By when", _long_date(statement.aim_by_when)),
                ("Time window", statement.aim_time_window),
            ]
        )
