"""Forms of the co-design phase: team members, sessions, candidate events, their screening on the four
criteria, and the chosen event's statements."""

from django import forms
from django.utils import timezone

from alwaysevents.forms import VersionedForm
from projects.models import Project
from projects.selectors import records_of

from ..models import CandidateEvent, CoDesignSession, CriterionAssessment, Statement, TeamMember, Theme
from ..selectors.codesign import users_who_can_see
from ..services.codesign import (
    NAMED_WITHOUT_CONSENT,
    VISION_NOT_FIRST_PERSON,
    named_without_consent,
    vision_is_first_person,
)
from .attribution import add_partners_field, attributed_ids


class DateInput(forms.DateInput):
    """The browser's own date field: it works without JavaScript and sends an ISO date."""

    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class AccountChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user) -> str:
        return f"{user.full_name} ({user.email})" if user.full_name else user.email


def _attendee_ids(session: CoDesignSession) -> list[str]:
    return [str(member.pk) for member in session.attendees.all()]


def _theme_ids(candidate: CandidateEvent) -> list[str]:
    return [str(theme.pk) for theme in candidate.themes.all()]


# --- Team members --------------------------------------------------------------------------------


class TeamMemberFields(forms.Form):
    role = forms.ChoiceField(
        choices=TeamMember.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the member's role on the team"},
    )
    name = forms.CharField(
        max_length=120,
        required=False,
        label="Name (optional)",
        help_text="Patients, carers and service users are named only with their consent. "
        "Leave blank to show them by their role.",
    )
    consent_to_be_named = forms.BooleanField(required=False, label="They consent to be named on this project")
    user = AccountChoiceField(
        queryset=None,
        required=False,
        empty_label="No account",
        label="Their account (optional)",
        help_text="Link them to their account if they can already see this project.",
        error_messages={"invalid_choice": "Choose the account of someone who can see this project"},
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = users_who_can_see(project)

    def clean(self):
        cleaned = super().clean()
        if named_without_consent(
            role=cleaned.get("role", ""),
            name=cleaned.get("name", ""),
            consent_to_be_named=cleaned.get("consent_to_be_named", False),
        ):
            self.add_error("name", NAMED_WITHOUT_CONSENT)
        return cleaned


class TeamMemberCreateForm(TeamMemberFields):
    pass


class TeamMemberEditForm(TeamMemberFields, VersionedForm):
    active = forms.BooleanField(
        required=False,
        label="Still on the team",
        help_text="Untick to mark them inactive. They stay on the sessions they attended.",
    )

    def __init__(self, *args, member: TeamMember, **kwargs):
        initial = {
            "role": member.role,
            "name": member.name,
            "consent_to_be_named": member.consent_to_be_named,
            "user": member.user_id,
            "active": member.active,
        }
        super().__init__(*args, project=member.project, initial=initial, version=member.version, **kwargs)


# --- Sessions ------------------------------------------------------------------------------------


class SessionFields(forms.Form):
    held_on = forms.DateField(
        label="Date of the session",
        widget=DateInput(),
        error_messages={"required": "Enter the date of the session", "invalid": "Enter a real date"},
    )
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title for the session"})
    attendees = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Who attended",
        error_messages={"invalid_choice": "Choose attendees from the project's active team members"},
    )
    notes = forms.CharField(required=False, widget=forms.Textarea)
    decisions = forms.CharField(required=False, widget=forms.Textarea, help_text="What the session agreed.")

    def __init__(
        self, *args, project: Project, session: CoDesignSession | None = None, access=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if session is None:
            add_partners_field(self, project, access=access)
        else:
            add_partners_field(self, project, chosen=attributed_ids(session))
        members = records_of(project=project, model=TeamMember)
        if session is None:
            members = members.filter(active=True)
        else:
            members = members.filter(active=True) | members.filter(pk__in=session.attendees.values("pk"))
        self.fields["attendees"].queryset = members.order_by("role", "created_at")


class SessionCreateForm(SessionFields):
    pass


class SessionEditForm(SessionFields, VersionedForm):
    def __init__(self, *args, session: CoDesignSession, **kwargs):
        initial = {
            "held_on": session.held_on,
            "title": session.title,
            "attendees": _attendee_ids(session),
            "notes": session.notes,
            "decisions": session.decisions,
        }
        super().__init__(
            *args,
            project=session.project,
            session=session,
            initial=initial,
            version=session.version,
            **kwargs,
        )

    def add_stale_error(self, current) -> None:
        super().add_stale_error(current)
        self.data.setlist("attendees", _attendee_ids(current))
        if "partners" in self.fields:
            self.data.setlist("partners", attributed_ids(current))


# --- Candidate events ----------------------------------------------------------------------------


class CandidateFields(forms.Form):
    title = forms.CharField(
        max_length=300,
        label="The candidate Always Event",
        help_text="Say it as patients would, for example 'I will always know what is going to happen next'.",
        error_messages={"required": "Enter the candidate Always Event"},
    )
    description = forms.CharField(required=False, widget=forms.Textarea)
    themes = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Themes it comes from",
        error_messages={"invalid_choice": "Choose themes of this project"},
    )
    session = forms.ModelChoiceField(
        queryset=None,
        required=False,
        empty_label="Not from a session",
        label="The co-design session it came from (optional)",
        error_messages={"invalid_choice": "Choose a session of this project"},
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].queryset = records_of(project=project, model=Theme)
        self.fields["session"].queryset = records_of(project=project, model=CoDesignSession)


class CandidateCreateForm(CandidateFields):
    pass


class CandidateEditForm(CandidateFields, VersionedForm):
    def __init__(self, *args, candidate: CandidateEvent, **kwargs):
        initial = {
            "title": candidate.title,
            "description": candidate.description,
            "themes": _theme_ids(candidate),
            "session": candidate.session_id,
        }
        super().__init__(
            *args, project=candidate.project, initial=initial, version=candidate.version, **kwargs
        )

    def add_stale_error(self, current) -> None:
        super().add_stale_error(current)
        self.data.setlist("themes", _theme_ids(current))


class _ScreeningValues:
    """A candidate's screening seen as flat form values ('important_verdict', ...), for the stale message."""

    def __init__(self, candidate: CandidateEvent):
        self.version = candidate.version
        self._by_criterion = {assessment.criterion: assessment for assessment in candidate.assessments.all()}

    def __getattr__(self, name: str):
        for criterion in CriterionAssessment.Criterion.values:
            if name.startswith(f"{criterion}_"):
                field = name.removeprefix(f"{criterion}_")
                assessment = self._by_criterion.get(criterion)
                if assessment is None:
                    return CriterionAssessment.Verdict.UNSURE if field == "verdict" else ""
                return getattr(assessment, field)
        raise AttributeError(name)


class ScreeningForm(VersionedForm):
    """The four criteria on one form: for each, a verdict, the rationale and an optional evidence link."""

    def __init__(self, *args, candidate: CandidateEvent, **kwargs):
        values = _ScreeningValues(candidate)
        initial = {}
        for criterion, _label in CriterionAssessment.Criterion.choices:
            for field in ("verdict", "rationale", "evidence_link"):
                initial[f"{criterion}_{field}"] = getattr(values, f"{criterion}_{field}")
        super().__init__(*args, initial=initial, version=candidate.version, **kwargs)
        for criterion, label in CriterionAssessment.Criterion.choices:
            self.fields[f"{criterion}_verdict"] = forms.ChoiceField(
                label=label,
                choices=CriterionAssessment.Verdict.choices,
                widget=forms.RadioSelect,
                error_messages={"required": f"Choose whether the candidate is {label.lower()}"},
            )
            self.fields[f"{criterion}_rationale"] = forms.CharField(
                label=f"Rationale: {label.lower()}", required=False, widget=forms.Textarea
            )
            self.fields[f"{criterion}_evidence_link"] = forms.URLField(
                label="Link to the evidence (optional)",
                required=False,
                assume_scheme="https",
                error_messages={"invalid": "Enter a web address, like https://www.england.nhs.uk/…"},
            )

    def criteria(self) -> list[dict]:
        """The criteria in order, each with its three bound fields, for the template."""
        return [
            {
                "label": label,
                "verdict": self[f"{criterion}_verdict"],
                "rationale": self[f"{criterion}_rationale"],
                "evidence_link": self[f"{criterion}_evidence_link"],
            }
            for criterion, label in CriterionAssessment.Criterion.choices
        ]

    def assessments(self) -> dict:
        return {
            criterion: {
                field: self.cleaned_data[f"{criterion}_{field}"]
                for field in ("verdict", "rationale", "evidence_link")
            }
            for criterion in CriterionAssessment.Criterion.values
        }

    def add_stale_error(self, current) -> None:
        super().add_stale_error(_ScreeningValues(current))


# --- Statements ----------------------------------------------------------------------------------


class StatementFields(forms.Form):
    vision = forms.CharField(
        label="Vision statement, in the patient's own words",
        help_text="Start with 'I will always…'",
        widget=forms.Textarea,
        error_messages={"required": "Enter the vision statement"},
    )
    aim_what = forms.CharField(
        max_length=300,
        label="What",
        help_text="What will happen, for example 'Children and families find their way to outpatients'.",
        error_messages={"required": "Enter what the aim is"},
    )
    aim_for_whom = forms.CharField(
        max_length=300, label="For whom", error_messages={"required": "Enter who the aim is for"}
    )
    aim_target_percent = forms.IntegerField(
        label="Target (%)",
        min_value=1,
        max_value=100,
        help_text="How often it must happen, from 1 to 100. Teams choose their own: 80, 85, 95, 100…",
        error_messages={
            "required": "Enter the target percentage",
            "invalid": "Enter the target as a whole number, like 90",
            # These two messages are %-formatted with the limit, so a literal % is doubled.
            "min_value": "Enter a target between 1%% and 100%%",
            "max_value": "Enter a target between 1%% and 100%%",
        },
    )
    aim_by_when = forms.DateField(
        label="By when",
        widget=DateInput(),
        error_messages={"required": "Enter the date the aim is to be met by", "invalid": "Enter a real date"},
    )
    aim_time_window = forms.CharField(
        max_length=200,
        required=False,
        label="Time window (optional)",
        help_text="For example 'within 5 minutes of arriving'.",
    )

    def clean_vision(self) -> str:
        vision = self.cleaned_data["vision"].strip()
        if not vision_is_first_person(vision):
            raise forms.ValidationError(VISION_NOT_FIRST_PERSON)
        return vision


class StatementCreateForm(StatementFields):
    def clean_aim_by_when(self):
        by_when = self.cleaned_data["aim_by_when"]
        if by_when <= timezone.localdate():
            raise forms.ValidationError("The date the aim is to be met by must be in the future")
        return by_when


class StatementEditForm(StatementFields, VersionedForm):
    def __init__(self, *args, statement: Statement, **kwargs):
        initial = {name: getattr(statement, name) for name in StatementFields.base_fields}
        super().__init__(*args, initial=initial, version=statement.version, **kwargs)
