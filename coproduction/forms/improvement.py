"""Forms of the Test phase: drivers, change ideas, ramps and PDSA cycles."""

from types import SimpleNamespace

from django import forms

from alwaysevents.forms import VersionedForm
from projects.models import Project
from projects.selectors import records_of

from ..models import ChangeIdea, CoDesignSession, Driver, PdsaCycle
from .attribution import add_partners_field, attributed_ids

QUESTION_ROWS = 3


class DateInput(forms.DateInput):
    """The browser's own date picker; it posts ISO dates, which Django reads without configuration."""

    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


class CurrentValuesMixin:
    """On a stale edit, show the newer values of fields that are not plain attributes of the record
    (links, question rows) as well as the plain ones."""

    def current_values(self, current) -> dict:
        return {name: getattr(current, name) for name in self.fields if name != "version"}

    def add_stale_error(self, current) -> None:
        values = self.current_values(current)
        super().add_stale_error(SimpleNamespace(version=current.version, **values))
        for name, value in values.items():
            if isinstance(value, list):
                self.data.setlist(name, value)


# --- Drivers -------------------------------------------------------------------------------------


class DriverForm(forms.Form):
    text = forms.CharField(
        label="Driver",
        max_length=300,
        help_text="Something that must be true for the aim to be met, for example 'Clear signs'.",
        error_messages={"required": "Enter the driver"},
    )
    parent = forms.ModelChoiceField(
        label="Where it sits",
        queryset=None,
        required=False,
        empty_label="A primary driver of the aim",
        help_text="Choose a primary driver to add this as a secondary driver under it.",
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = records_of(project=project, model=Driver).filter(parent=None)
        self.fields["parent"].label_from_instance = lambda driver: f"Secondary driver under '{driver.text}'"


class DriverEditForm(CurrentValuesMixin, VersionedForm):
    text = DriverForm.base_fields["text"]
    parent = forms.ModelChoiceField(
        label="Primary driver it sits under",
        queryset=None,
        error_messages={"required": "Choose the primary driver this secondary driver sits under"},
    )

    def __init__(self, *args, driver: Driver, **kwargs):
        initial = {"text": driver.text, "parent": driver.parent_id}
        super().__init__(*args, initial=initial, version=driver.version, **kwargs)
        if driver.is_primary:
            del self.fields["parent"]
        else:
            self.fields["parent"].queryset = records_of(project=driver.project, model=Driver).filter(
                parent=None
            )


class DriverMoveForm(forms.Form):
    direction = forms.ChoiceField(choices=[("up", "Up"), ("down", "Down")])


# --- Change ideas --------------------------------------------------------------------------------


class ChangeIdeaFields(forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter the change idea's title"})
    description = forms.CharField(widget=forms.Textarea, required=False)
    origin = forms.ChoiceField(
        label="Where the idea came from",
        choices=ChangeIdea.Origin.choices,
        initial=ChangeIdea.Origin.CO_DESIGNED,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where the idea came from"},
    )
    status = forms.ChoiceField(
        choices=ChangeIdea.Status.choices,
        initial=ChangeIdea.Status.IDEA,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the idea's status"},
    )
    drivers = forms.ModelMultipleChoiceField(
        label="Drivers it works on",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sessions = forms.ModelMultipleChoiceField(
        label="Co-design sessions it came from",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def _limit_to(self, project: Project) -> None:
        drivers = records_of(project=project, model=Driver).select_related("parent")
        self.fields["drivers"].queryset = drivers.order_by("parent__order", "parent_id", "order")
        self.fields["drivers"].label_from_instance = lambda driver: (
            driver.text if driver.is_primary else f"{driver.text} (under '{driver.parent.text}')"
        )
        self.fields["sessions"].queryset = records_of(project=project, model=CoDesignSession)


class ChangeIdeaForm(ChangeIdeaFields):
    def __init__(self, *args, project: Project, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._limit_to(project)
        add_partners_field(self, project, access=access)


class ChangeIdeaEditForm(CurrentValuesMixin, VersionedForm, ChangeIdeaFields):
    def __init__(self, *args, idea: ChangeIdea, **kwargs):
        initial = {
            "title": idea.title,
            "description": idea.description,
            "origin": idea.origin,
            "status": idea.status,
            "drivers": [str(pk) for pk in idea.drivers.values_list("pk", flat=True)],
            "sessions": [str(pk) for pk in idea.sessions.values_list("pk", flat=True)],
        }
        super().__init__(*args, initial=initial, version=idea.version, **kwargs)
        self._limit_to(idea.project)
        add_partners_field(self, idea.project, chosen=attributed_ids(idea))

    def current_values(self, current) -> dict:
        values = {name: getattr(current, name) for name in ("title", "description", "origin", "status")}
        values["drivers"] = [str(pk) for pk in current.drivers.values_list("pk", flat=True)]
        values["sessions"] = [str(pk) for pk in current.sessions.values_list("pk", flat=True)]
        if "partners" in self.fields:
            values["partners"] = attributed_ids(current)
        return values


# --- Ramps and PDSA cycles -----------------------------------------------------------------------


class RampForm(forms.Form):
    change_idea = forms.ModelChoiceField(
        label="Change idea it tests",
        queryset=None,
        error_messages={"required": "Choose the change idea this ramp tests"},
    )
    title = forms.CharField(
        label="Name of the ramp",
        max_length=200,
        help_text="For example 'Painted bones: one route, then every route'.",
        error_messages={"required": "Enter a name for the ramp"},
    )

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["change_idea"].queryset = records_of(project=project, model=ChangeIdea)


def _plan_fields() -> dict:
    return {
        "objective": forms.CharField(
            label="Objective",
            widget=forms.Textarea,
            help_text="What this cycle sets out to learn or test.",
            error_messages={"required": "Enter the objective of the cycle"},
        ),
        "plan_who": forms.CharField(label="Who", max_length=300, required=False),
        "plan_what": forms.CharField(label="What", widget=forms.Textarea, required=False),
        "plan_where": forms.CharField(label="Where", max_length=300, required=False),
        "plan_when": forms.CharField(
            label="When", max_length=300, required=False, help_text="For example 'Tuesday morning clinic'."
        ),
        "starts_on": forms.DateField(
            label="Starts on",
            required=False,
            widget=DateInput,
            error_messages={"invalid": "Enter the start date as a real date"},
        ),
        "ends_on": forms.DateField(
            label="Ends on",
            required=False,
            widget=DateInput,
            error_messages={"invalid": "Enter the end date as a real date"},
        ),
        "data_plan": forms.CharField(
            label="Data plan",
            widget=forms.Textarea,
            required=False,
            help_text="Which measure, who collects it and how.",
        ),
    }


class CycleFormBase(forms.Form):
    """The worksheet fields; question rows are added per instance (question_N, prediction_N, result_N)."""

    with_results = False

    def _add_question_rows(self, count: int) -> None:
        for number in range(1, count + 1):
            self.fields[f"question_{number}"] = forms.CharField(
                label=f"Question {number}", widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
            self.fields[f"prediction_{number}"] = forms.CharField(
                label=f"Prediction for question {number}",
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            if self.with_results:
                self.fields[f"result_{number}"] = forms.CharField(
                    label=f"Result for question {number}",
                    widget=forms.Textarea(attrs={"rows": 2}),
                    required=False,
                    help_text="What happened, compared with the prediction.",
                )
        self.question_rows = count

    def row_names(self) -> list[dict]:
        return [
            {
                "number": number,
                "question": f"question_{number}",
                "prediction": f"prediction_{number}",
                "result": f"result_{number}" if self.with_results else None,
            }
            for number in range(1, self.question_rows + 1)
        ]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "The end date must be the same as or after the start date")
        filled = 0
        for row in self.row_names():
            question = cleaned.get(row["question"], "").strip()
            prediction = cleaned.get(row["prediction"], "").strip()
            result = cleaned.get(row["result"], "").strip() if row["result"] else ""
            if question and not prediction:
                self.add_error(row["prediction"], f"Enter a prediction for question {row['number']}")
            elif (prediction or result) and not question:
                self.add_error(row["question"], f"Enter question {row['number']}, or clear its prediction")
            filled += bool(question)
        if not filled and "question_1" not in self.errors:
            self.add_error("question_1", "Enter at least one question the cycle will answer")
        return cleaned

    def questions(self) -> list[dict]:
        rows = []
        for row in self.row_names():
            rows.append(
                {
                    "question": self.cleaned_data[row["question"]],
                    "prediction": self.cleaned_data[row["prediction"]],
                    "result": self.cleaned_data[row["result"]] if row["result"] else "",
                }
            )
        return rows

    def changes(self) -> dict:
        skipped = {"version"} | {name for row in self.row_names() for name in row.values() if name}
        return {name: value for name, value in self.cleaned_data.items() if name not in skipped}


class CyclePlanForm(CycleFormBase):
    def __init__(self, *args, project: Project, access=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields.update(_plan_fields())
        self._add_question_rows(QUESTION_ROWS)
        add_partners_field(self, project, access=access)
        self.order_fields(["objective"])


class CycleEditForm(CurrentValuesMixin, CycleFormBase, VersionedForm):
    with_results = True

    def __init__(self, *args, cycle: PdsaCycle, questions: list, **kwargs):
        initial = {name: getattr(cycle, name) for name in [*_plan_fields(), *self.later_fields()]}
        for number, question in enumerate(questions, start=1):
            initial[f"question_{number}"] = question.question
            initial[f"prediction_{number}"] = question.prediction
            initial[f"result_{number}"] = question.result
        super().__init__(*args, initial=initial, version=cycle.version, **kwargs)
        self.fields.update(_plan_fields())
        self._add_question_rows(max(QUESTION_ROWS, len(questions)))
        self.fields.update(self.later_fields())
        add_partners_field(self, cycle.project, chosen=attributed_ids(cycle))

    @staticmethod
    def later_fields() -> dict:
        return {
            "do_notes": forms.CharField(
                label="What happened",
                widget=forms.Textarea,
                required=False,
                help_text="Do: what happened, problems, observations.",
            ),
            "study_notes": forms.CharField(
                label="Learning and surprises",
                widget=forms.Textarea,
                required=False,
                help_text="Study: what you learnt, including anything you did not predict.",
            ),
            "act_decision": forms.ChoiceField(
                label="Decision",
                choices=PdsaCycle.Decision.choices,
                required=False,
                widget=forms.RadioSelect,
            ),
            "next_steps": forms.CharField(label="Next steps", widget=forms.Textarea, required=False),
        }

    def current_values(self, current) -> dict:
        plain = [*_plan_fields(), *self.later_fields()]
        values = {name: getattr(current, name) for name in plain}
        questions = list(current.questions.order_by("order"))
        for row in self.row_names():
            index = row["number"] - 1
            question = questions[index] if index < len(questions) else None
            values[row["question"]] = question.question if question else ""
            values[row["prediction"]] = question.prediction if question else ""
            values[row["result"]] = question.result if question else ""
        if "partners" in self.fields:
            values["partners"] = attributed_ids(current)
        return values


class CycleAdvanceForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
