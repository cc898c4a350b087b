"""Forms for coaching calls, their actions and monthly returns."""

from datetime import date

from django import forms
from django.utils import timezone

from alwaysevents.forms import VersionedForm

from .models import CoachingCall


def local_input(moment) -> str:
    """A datetime as a datetime-local input wants it: local time, to the minute, no offset."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self):
        super().__init__(format="%Y-%m-%dT%H:%M")


class CallDetailsFields(forms.Form):
    kind = forms.ChoiceField(
        label="Type of call", choices=CoachingCall.Kind.choices, widget=forms.RadioSelect
    )
    scheduled_for = forms.DateTimeField(
        label="Date and time",
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages={
            "required": "Enter the date and time of the call",
            "invalid": "Enter a real date and time, for example 2026-03-14T10:30",
        },
    )
    attendees = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Names of the staff taking part, one a line. No patient names.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6}))

    def call_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "scheduled_for", "attendees", "notes")}


class CallFieldsMixin(CallDetailsFields):
    action_text = forms.CharField(
        label="New action (optional)",
        max_length=300,
        required=False,
        help_text="Something agreed on the call.",
    )
    action_owner = forms.CharField(label="Who will do it", max_length=120, required=False)
    action_due_on = forms.DateField(
        label="Due by",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter a real date, for example 2026-03-14"},
    )

    ACTION_FIELDS = ("action_text", "action_owner", "action_due_on")

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("action_owner") or cleaned.get("action_due_on")) and not cleaned.get("action_text"):
            self.add_error("action_text", "Enter the action, or leave its owner and due date blank")
        return cleaned

    def action(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("action_text"):
            return None
        return {"text": data["action_text"], "owner": data["action_owner"], "due_on": data["action_due_on"]}


class CallForm(CallFieldsMixin):
    pass


class GroupCallForm(CallDetailsFields):
    projects = forms.MultipleChoiceField(
        label="Projects taking part",
        widget=forms.CheckboxSelectMultiple,
        help_text="Choose two or more.",
        error_messages={
            "required": "Choose the projects taking part",
            "invalid_choice": "Choose projects from the list",
        },
    )

    field_order = ["projects", "kind", "scheduled_for", "attendees", "notes"]

    def __init__(self, *args, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.project_objects = {str(project.pk): project for project in projects}
        self.fields["projects"].choices = [
            (key, f"{project.title} ({project.organisation.name})")
            for key, project in self.project_objects.items()
        ]

    def clean_projects(self) -> list:
        return [self.project_objects[key] for key in self.cleaned_data["projects"]]


class CallEditForm(CallFieldsMixin, VersionedForm):
    def __init__(self, *args, call: CoachingCall, **kwargs):
        initial = {
            "kind": call.kind,
            "scheduled_for": local_input(call.scheduled_for),
            "attendees": call.attendees,
            "notes": call.notes,
        }
        super().__init__(*args, initial=initial, version=call.version, **kwargs)
        if call.group_id:
            self.fields["whole_group"] = forms.BooleanField(
                label="Also change the type and time for the other projects in this group call",
                required=False,
                initial=True,
            )

    def whole_group(self) -> bool:
        return bool(self.cleaned_data.get("whole_group"))

    def changes(self) -> dict:
        return self.call_fields()

    def add_stale_error(self, current) -> None:
        """The newer call's values replace the call fields; a new action typed here is kept as typed."""
        action_fields = {name: self.fields.pop(name) for name in self.ACTION_FIELDS}
        try:
            super().add_stale_error(current)
        finally:
            self.fields.update(action_fields)
        self.data["scheduled_for"] = local_input(current.scheduled_for)


class ActionDoneForm(forms.Form):
    done_on = forms.DateField(
        required=False, error_messages={"invalid": "Enter a real date, for example 2026-03-14"}
    )

    def clean_done_on(self) -> date | None:
        done_on = self.cleaned_data["done_on"]
        if done_on and done_on > timezone.localdate():
            raise forms.ValidationError("An action cannot be done in the future")
        return done_on


class ReturnStartForm(forms.Form):
    month = forms.DateField(error_messages={"required": "Choose the month", "invalid": "Choose the month"})


class ReturnForm(VersionedForm):
    barriers = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What got in the way this month.",
    )
    help_wanted = forms.CharField(
        label="Help wanted",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What your coach or the programme could do to help.",
    )

    def __init__(self, *args, monthly_return, **kwargs):
        initial = {"barriers": monthly_return.barriers, "help_wanted": monthly_return.help_wanted}
        super().__init__(*args, initial=initial, version=monthly_return.version, **kwargs)


class ReturnSubmitForm(VersionedForm):
    pass
