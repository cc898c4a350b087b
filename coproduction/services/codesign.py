"""Writes of the co-design phase: the team roster, co-design sessions, candidate Always Events screened on
the four criteria, the chosen one, and its vision statement and SMART aim (DOMAIN.md)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from accounts.access import Access
from accounts.models import User
from alwaysevents.audit import audit
from alwaysevents.concurrency import save_versioned
from projects.models import Project
from projects.selectors import records_of

from ..models import (
    CandidateEvent,
    CandidateTheme,
    CoDesignSession,
    CriterionAssessment,
    SessionAttendance,
    Statement,
    TeamMember,
    Theme,
)
from ..selectors.codesign import chosen_candidate, users_who_can_see
from .attribution import attribute, attribution_changed, default_partners, partners_checked

# --- Rules shared by the forms, the API and the services ----------------------------------------

NAMED_WITHOUT_CONSENT = (
    "A patient, carer or service user can be named only when they consent to be named: "
    "tick their consent, or leave the name blank"
)
VISION_NOT_FIRST_PERSON = (
    "Write the vision statement in the first person, starting with 'I', for example 'I will always…'"
)
CRITERIA_NOT_ALL_MET = "Only a candidate that meets all four criteria can be chosen. Not met yet: {unmet}"


def named_without_consent(*, role: str, name: str, consent_to_be_named: bool) -> bool:
    """True when a lived-experience member would be named without their consent (the model's check)."""
    return bool(name.strip()) and not consent_to_be_named and role in TeamMember.LIVED_EXPERIENCE


def vision_is_first_person(vision: str) -> bool:
    text = vision.strip()
    return text.startswith(("I ", "I'", "I\u2019"))


def unmet_criteria(candidate: CandidateEvent) -> list[str]:
    """The labels of the criteria not (yet) assessed as met, in the order of the four criteria."""
    met = {
        assessment.criterion
        for assessment in candidate.assessments.all()
        if assessment.verdict == CriterionAssessment.Verdict.MET
    }
    return [label for value, label in CriterionAssessment.Criterion.choices if value not in met]


def _check_member_fields(*, project: Project, role: str, name: str, consent_to_be_named: bool, user) -> None:
    errors = {}
    if named_without_consent(role=role, name=name, consent_to_be_named=consent_to_be_named):
        errors["name"] = NAMED_WITHOUT_CONSENT
    if user is not None and not users_who_can_see(project).filter(pk=user.pk).exists():
        errors["user"] = "Link only the account of someone who can see this project"
    if errors:
        raise ValidationError(errors)


# --- Team roster ---------------------------------------------------------------------------------

MEMBER_FIELDS = {"role", "name", "consent_to_be_named", "user", "active"}


@transaction.atomic
def team_member_create(
    *,
    access: Access,
    project: Project,
    role: str,
    name: str = "",
    consent_to_be_named: bool = False,
    user: User | None = None,
) -> TeamMember:
    access.require_edit_project(project)
    name = name.strip()
    _check_member_fields(
        project=project, role=role, name=name, consent_to_be_named=consent_to_be_named, user=user
    )
    member = TeamMember(
        organisation=project.organisation,
        project=project,
        role=role,
        name=name,
        consent_to_be_named=consent_to_be_named,
        user=user,
    )
    member.full_clean()
    member.save()
    audit(actor=access.user, action="team_member.create", obj=member, changed=["role", "name", "user"])
    return member


@transaction.atomic
def team_member_update(
    *, access: Access, project: Project, member: TeamMember, expected_version: int, **changes
) -> TeamMember:
    """Change a member's role, name, consent, account link, or mark them inactive (they stay on old
    sessions' attendance)."""
    access.require_edit_project(project)
    unknown = set(changes) - MEMBER_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a team member")
    if "name" in changes:
        changes["name"] = changes["name"].strip()
    after = {name: changes.get(name, getattr(member, name)) for name in MEMBER_FIELDS}
    _check_member_fields(
        project=project,
        role=after["role"],
        name=after["name"],
        consent_to_be_named=after["consent_to_be_named"],
        user=after["user"] if after["user"] != member.user else None,
    )
    return save_versioned(
        obj=member,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="team_member.update",
    )


# --- Co-design sessions --------------------------------------------------------------------------

SESSION_FIELDS = {"held_on", "title", "notes", "decisions"}


def _check_attendees(*, project: Project, attendees, session: CoDesignSession | None = None) -> set:
    """Attendees must be the project's members: active ones, or ones already recorded as attending."""
    ids = {member.pk for member in attendees}
    already = _attendee_ids(session) if session is not None else set()
    allowed = records_of(project=project, model=TeamMember).filter(Q(active=True) | Q(pk__in=already))
    if ids - set(allowed.filter(pk__in=ids).values_list("pk", flat=True)):
        raise ValidationError({"attendees": "Choose attendees from the project's active team members"})
    return ids


def _attendee_ids(session: CoDesignSession) -> set:
    return set(
        records_of(project=session.project, model=SessionAttendance)
        .filter(session=session)
        .values_list("member_id", flat=True)
    )


def _set_attendees(*, project: Project, session: CoDesignSession, member_ids: set) -> None:
    current = _attendee_ids(session)
    records_of(project=project, model=SessionAttendance).filter(
        session=session, member_id__in=current - member_ids
    ).delete()
    SessionAttendance.objects.bulk_create(
        SessionAttendance(organisation=project.organisation, project=project, session=session, member_id=pk)
        for pk in member_ids - current
    )


@transaction.atomic
def session_create(
    *,
    access: Access,
    project: Project,
    held_on: datetime.date,
    title: str,
    attendees=(),
    notes: str = "",
    decisions: str = "",
    partners=None,
) -> CoDesignSession:
    """Record a session; `partners` it is attributed to (a partner's own staff: theirs, unless given)."""
    access.require_edit_project(project)
    member_ids = _check_attendees(project=project, attendees=attendees)
    partners = default_partners(access, project) if partners is None else partners_checked(project, partners)
    session = CoDesignSession(
        organisation=project.organisation,
        project=project,
        held_on=held_on,
        title=title,
        notes=notes,
        decisions=decisions,
    )
    session.full_clean()
    session.save()
    _set_attendees(project=project, session=session, member_ids=member_ids)
    attribute(session, partners)
    audit(
        actor=access.user,
        action="session.create",
        obj=session,
        changed=["held_on", "title", "notes", "decisions", "attendees", "partners"],
    )
    return session


@transaction.atomic
def session_update(
    *,
    access: Access,
    project: Project,
    session: CoDesignSession,
    expected_version: int,
    attendees=None,
    partners=None,
    **changes,
) -> CoDesignSession:
    """Change a session's details and, when given, who attended and which partners it is attributed to."""
    access.require_edit_project(project)
    unknown = set(changes) - SESSION_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a session")
    member_ids = None
    if attendees is not None:
        member_ids = _check_attendees(project=project, attendees=attendees, session=session)
    links_changed = member_ids is not None and member_ids != _attendee_ids(session)
    partners = None if partners is None else partners_checked(project, partners)
    partners_changed = attribution_changed(session, partners)
    links = {"attendees": links_changed, "partners": partners_changed}
    session = save_versioned(
        obj=session,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="session.update",
        children_changed=[name for name, changed in links.items() if changed],
    )

    if links_changed:
        _set_attendees(project=project, session=session, member_ids=member_ids)
    if partners_changed:
        attribute(session, partners)
    return session


# --- Candidate events ----------------------------------------------------------------------------

CANDIDATE_FIELDS = {"title", "description", "session"}


def _check_candidate_links(*, project: Project, themes, session) -> set:
    theme_ids = {theme.pk for theme in themes}
    found = set(
        records_of(project=project, model=Theme).filter(pk__in=theme_ids).values_list("pk", flat=True)
    )
    errors = {}
    if theme_ids - found:
        errors["themes"] = "Choose themes of this project"
    if (
        session is not None
        and not records_of(project=project, model=CoDesignSession).filter(pk=session.pk).exists()
    ):
        errors["session"] = "Choose a session of this project"
    if errors:
        raise ValidationError(errors)
    return theme_ids


def _theme_ids(candidate: CandidateEvent) -> set:
    return set(
        records_of(project=candidate.project, model=CandidateTheme)
        .filter(candidate=candidate)
        .values_list("theme_id", flat=True)
    )


def _set_themes(*, project: Project, candidate: CandidateEvent, theme_ids: set) -> None:
    current = _theme_ids(candidate)
    records_of(project=project, model=CandidateTheme).filter(
        candidate=candidate, theme_id__in=current - theme_ids
    ).delete()
    CandidateTheme.objects.bulk_create(
        CandidateTheme(organisation=project.organisation, project=project, candidate=candidate, theme_id=pk)
        for pk in theme_ids - current
    )


@transaction.atomic
def candidate_create(
    *,
    access: Access,
    project: Project,
    title: str,
    description: str = "",
    themes=(),
    session: CoDesignSession | None = None,
) -> CandidateEvent:
    access.require_edit_project(project)
    theme_ids = _check_candidate_links(project=project, themes=themes, session=session)
    candidate = CandidateEvent(
        organisation=project.organisation,
        project=project,
        title=title,
        description=description,
        session=session,
    )
    candidate.full_clean()
    candidate.save()
    _set_themes(project=project, candidate=candidate, theme_ids=theme_ids)
    audit(
        actor=access.user,
        action="candidate.create",
        obj=candidate,
        changed=["title", "description", "session", "themes"],
    )
    return candidate


@transaction.atomic
def candidate_update(
    *,
    access: Access,
    project: Project,
    candidate: CandidateEvent,
    expected_version: int,
    themes=None,
    **changes,
) -> CandidateEvent:
    access.require_edit_project(project)
    unknown = set(changes) - CANDIDATE_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a candidate")
    theme_ids = _check_candidate_links(
        project=project, themes=themes or (), session=changes.get("session", candidate.session)
    )
    links_changed = themes is not None and theme_ids != _theme_ids(candidate)
    candidate = save_versioned(
        obj=candidate,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="candidate.update",
        children_changed=["themes"] if links_changed else (),
    )

    if links_changed:
        _set_themes(project=project, candidate=candidate, theme_ids=theme_ids)
    return candidate


ASSESSMENT_FIELDS = ("verdict", "rationale", "evidence_link")


@transaction.atomic
def candidate_screen(
    *, access: Access, project: Project, candidate: CandidateEvent, expected_version: int, assessments: dict
) -> CandidateEvent:
    """Record the four-criteria screening. `assessments` maps a criterion to its verdict, rationale and
    evidence link. The screening is part of the candidate: a changed screening takes a new version."""
    access.require_edit_project(project)
    unknown = set(assessments) - set(CriterionAssessment.Criterion.values)
    if unknown:
        raise ValueError(f"Unknown criteria: {', '.join(sorted(unknown))}")
    existing = {
        assessment.criterion: assessment
        for assessment in records_of(project=project, model=CriterionAssessment).filter(candidate=candidate)
    }
    changed = {}
    for criterion, values in assessments.items():
        current = existing.get(criterion)
        before = {name: getattr(current, name) if current else "" for name in ASSESSMENT_FIELDS}
        if current is None:
            before["verdict"] = None  # a first assessment is always recorded, even as "unsure"
        if any(values.get(name, before[name]) != before[name] for name in ASSESSMENT_FIELDS):
            changed[criterion] = values
    candidate = save_versioned(
        obj=candidate,
        expected_version=expected_version,
        changes={},
        actor=access.user,
        action="candidate.screen",
        children_changed=["assessments"] if bool(changed) else (),
    )

    for criterion, values in changed.items():
        current = existing.get(criterion)
        if current is None:
            assessment = CriterionAssessment(
                organisation=project.organisation,
                project=project,
                candidate=candidate,
                criterion=criterion,
                **{name: values.get(name, "") for name in ASSESSMENT_FIELDS if name in values},
            )
            assessment.full_clean()
            assessment.save()
            audit(
                actor=access.user, action="criterion_assessment.create", obj=assessment, changed=list(values)
            )
        else:
            save_versioned(
                obj=current,
                expected_version=current.version,  # guarded by the candidate's version above
                changes={name: values[name] for name in ASSESSMENT_FIELDS if name in values},
                actor=access.user,
                action="criterion_assessment.update",
            )
    return candidate


@transaction.atomic
def candidate_shortlist(
    *, access: Access, project: Project, candidate: CandidateEvent, shortlisted: bool
) -> CandidateEvent:
    """Put a candidate on the shortlist or take it off. Setting the same value again changes nothing."""
    access.require_edit_project(project)
    if candidate.shortlisted == shortlisted:
        return candidate
    records_of(project=project, model=CandidateEvent).filter(pk=candidate.pk).update(
        shortlisted=shortlisted, version=F("version") + 1, updated_at=timezone.now()
    )
    audit(actor=access.user, action="candidate.shortlist", obj=candidate, changed=["shortlisted"])
    candidate.refresh_from_db()
    return candidate


@transaction.atomic
def candidate_choose(*, access: Access, project: Project, candidate: CandidateEvent) -> CandidateEvent:
    """Make this the project's Always Event. Only one is chosen: the previous choice is un-chosen in the
    same transaction. Only a candidate that meets all four criteria can be chosen."""
    access.require_edit_project(project)
    # Lock the project's candidates so two people choosing at once cannot both succeed.
    candidates = list(records_of(project=project, model=CandidateEvent).select_for_update().order_by("pk"))
    candidate = next(row for row in candidates if row.pk == candidate.pk)
    unmet = unmet_criteria(candidate)
    if unmet:
        raise ValidationError(
            CRITERIA_NOT_ALL_MET.format(unmet=", ".join(unmet).lower()), code="criteria_unmet"
        )
    if candidate.chosen:
        return candidate
    now = timezone.now()
    for previous in (row for row in candidates if row.chosen):
        records_of(project=project, model=CandidateEvent).filter(pk=previous.pk).update(
            chosen=False, version=F("version") + 1, updated_at=now
        )
        audit(actor=access.user, action="candidate.unchoose", obj=previous, changed=["chosen"])
    records_of(project=project, model=CandidateEvent).filter(pk=candidate.pk).update(
        chosen=True, version=F("version") + 1, updated_at=now
    )
    audit(actor=access.user, action="candidate.choose", obj=candidate, changed=["chosen"])
    candidate.refresh_from_db()
    return candidate


# --- The chosen event's statements -------------------------------------------------------------------

STATEMENT_FIELDS = {
    "vision",
    "aim_what",
    "aim_for_whom",
    "aim_target_percent",
    "aim_by_when",
    "aim_time_window",
}


def _check_statement(*, vision: str, aim_target_percent: int) -> None:
    errors = {}
    if not vision_is_first_person(vision):
        errors["vision"] = VISION_NOT_FIRST_PERSON
    if not 1 <= aim_target_percent <= 100:
        errors["aim_target_percent"] = "Enter a target between 1% and 100%"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def statement_create(
    *,
    access: Access,
    project: Project,
    vision: str,
    aim_what: str,
    aim_for_whom: str,
    aim_target_percent: int,
    aim_by_when: datetime.date,
    aim_time_window: str = "",
) -> Statement:
    """Write the chosen event's vision statement and SMART aim. The aim's date must be in the future."""
    access.require_edit_project(project)
    candidate = chosen_candidate(project)
    if candidate is None:
        raise ValidationError("Choose the project's Always Event before writing its statements")
    if records_of(project=project, model=Statement).filter(candidate=candidate).exists():
        raise ValidationError("The chosen event already has its statements; change them instead")
    _check_statement(vision=vision, aim_target_percent=aim_target_percent)
    if aim_by_when <= timezone.localdate():
        raise ValidationError({"aim_by_when": "The date the aim is to be met by must be in the future"})
    statement = Statement(
        organisation=project.organisation,
        project=project,
        candidate=candidate,
        vision=vision.strip(),
        aim_what=aim_what,
        aim_for_whom=aim_for_whom,
        aim_target_percent=aim_target_percent,
        aim_by_when=aim_by_when,
        aim_time_window=aim_time_window,
    )
    statement.full_clean()
    statement.save()
    audit(actor=access.user, action="statement.create", obj=statement, changed=sorted(STATEMENT_FIELDS))
    return statement


@transaction.atomic
def statement_update(
    *, access: Access, project: Project, statement: Statement, expected_version: int, **changes
) -> Statement:
    access.require_edit_project(project)
    unknown = set(changes) - STATEMENT_FIELDS
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} of a statement")
    if "vision" in changes:
        changes["vision"] = changes["vision"].strip()
    _check_statement(
        vision=changes.get("vision", statement.vision),
        aim_target_percent=changes.get("aim_target_percent", statement.aim_target_percent),
    )
    return save_versioned(
        obj=statement,
        expected_version=expected_version,
        changes=changes,
        actor=access.user,
        action="statement.update",
    )
