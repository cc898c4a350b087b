from django import forms

from alwaysevents.forms import VersionedForm
from projects.models import Project

from ..about_you import PREFER_NOT_TO_SAY_LABEL, Question
from ..models import CollectionLink, Response, Theme
from ..selectors.discovery import UNTAGGED, ResponseFilters, themes_of

STAFF_METHODS = [choice for choice in Response.Method.choices if choice[0] != Response.Method.PUBLIC_FORM]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


def _date_field(label: str, *, required_message: str = "") -> forms.DateField:
    return forms.DateField(
        label=label,
        required=bool(required_message),
        widget=DateInput(),
        help_text="For example, 2026-03-27",
        error_messages={
            "invalid": f"{label} must be a real date, for example 2026-03-27",
            "required": required_message,
        },
    )


ABOUT_YOU_PREFIX = "about_you_"


class AboutYouFields:
    """One optional field per "about you" question, named `about_you_<key>`, whose answers come back
    together as `about_you` (dimension key to group key), the shape the services take."""

    about_you_widget = forms.Select
    about_you_blank = ("", "Not answered")

    def add_about_you_fields(self, questions: list[Question]) -> None:
        for question in questions:
            choices = list(question.choices)
            if self.about_you_blank:
                choices.insert(0, self.about_you_blank)
            self.fields[ABOUT_YOU_PREFIX + question.key] = forms.ChoiceField(
                label=f"{question.name} (optional)",
                choices=choices,
                required=False,
                widget=self.about_you_widget,
                error_messages={
                    "invalid_choice": f"Choose one of the answers to '{question.name}', "
                    f"or '{PREFER_NOT_TO_SAY_LABEL}'"
                },
            )

    @property
    def about_you_names(self) -> list[str]:
        return [name for name in self.fields if name.startswith(ABOUT_YOU_PREFIX)]

    def with_about_you(self, cleaned: dict) -> dict:
        """`cleaned` with the about-you fields gathered into `about_you` (unanswered ones left out)."""
        values = {name: value for name, value in cleaned.items() if not name.startswith(ABOUT_YOU_PREFIX)}
        if self.about_you_names:
            values["about_you"] = {
                name.removeprefix(ABOUT_YOU_PREFIX): cleaned[name]
                for name in self.about_you_names
                if cleaned.get(name)
            }
        return values


class ResponseForm(AboutYouFields, forms.Form):
    method = forms.ChoiceField(
        label="How it was collected",
        choices=STAFF_METHODS,
        error_messages={"required": "Select how the response was collected"},
    )
    collected_on = _date_field("Date collected", required_message="Enter the date the response was collected")
    setting = forms.CharField(
        label="Setting (optional)",
        max_length=200,
        required=False,
        help_text="Where, for example 'children's outpatients waiting area'.",
    )
    respondent = forms.ChoiceField(
        label="Who answered",
        choices=Response.Respondent.choices,
        initial=Response.Respondent.NOT_SAID,
    )
    text = forms.CharField(
        label="What matters to them",
        widget=forms.Textarea,
        help_text="Their words. Do not include names or anything that could identify them.",
        error_messages={"required": "Enter what matters to them"},
    )
    anything_else = forms.CharField(label="Anything else (optional)", widget=forms.Textarea, required=False)

    def __init__(self, *args, questions: list[Question] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_about_you_fields(questions)

    def response_fields(self) -> dict:
        return self.with_about_you(self.cleaned_data)


class ResponseEditForm(VersionedForm, ResponseForm):
    def __init__(self, *args, response: Response, questions: list[Question] = (), **kwargs):
        initial = {name: getattr(response, name) for name in ResponseForm.base_fields}
        initial.update({ABOUT_YOU_PREFIX + key: answer for key, answer in response.about_you.items()})
        super().__init__(*args, initial=initial, version=response.version, questions=questions, **kwargs)
        if response.method == Response.Method.PUBLIC_FORM:  # keep where it came from
            self.fields["method"].choices = Response.Method.choices

    def changes(self) -> dict:
        return self.with_about_you(super().changes())

    def add_stale_error(self, current) -> None:
        self.add_error(
            None,
            "Someone else saved this record after you opened it. Their values are shown below; "
            "check them, then save again if your change is still needed.",
        )
        data = self.data.copy()
        data["version"] = current.version
        for name in ResponseForm.base_fields:
            data[name] = getattr(current, name)
        for name in self.about_you_names:
            data[name] = current.about_you.get(name.removeprefix(ABOUT_YOU_PREFIX), "")
        self.data = data


class ResponseThemesForm(VersionedForm):
    themes = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, response: Response, current_theme_ids: set, **kwargs):
        initial = {"themes": list(current_theme_ids)}
        super().__init__(*args, initial=initial, version=response.version, **kwargs)
        self.fields["themes"].queryset = themes_of(project=response.project)

    def add_stale_error(self, current) -> None:
        self.add_error(
            None,
            "Someone else changed this response's themes after you opened it. Their choice is shown below; "
            "check it, then save again if your change is still needed.",
        )
        data = self.data.copy()
        data["version"] = current.version
        data.setlist("themes", [str(pk) for pk in current.themes.values_list("pk", flat=True)])
        self.data = data


class ResponseFilterForm(forms.Form):
    """The GET form above the list; a bad value gets a message and is left out of the filter."""

    theme = forms.ChoiceField(label="Theme", required=False)
    method = forms.ChoiceField(
        label="Method", required=False, choices=[("", "Any method"), *Response.Method.choices]
    )
    respondent = forms.ChoiceField(
        label="Who answered", required=False, choices=[("", "Anyone"), *Response.Respondent.choices]
    )
    date_from = _date_field("From")
    date_to = _date_field("To")

    def __init__(self, *args, project: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = {str(theme.pk): theme for theme in themes_of(project=project)}
        self.fields["theme"].choices = [
            ("", "Any theme"),
            (UNTAGGED, "Not yet themed (inbox)"),
            *[(pk, theme.name) for pk, theme in self.themes.items()],
        ]

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date")
        return cleaned

    def filters(self) -> ResponseFilters:
        if not self.is_bound:
            return ResponseFilters()
        self.is_valid()
        cleaned = self.cleaned_data
        theme = cleaned.get("theme") or None
        return ResponseFilters(
            theme=self.themes.get(theme, theme),
            method=cleaned.get("method") or "",
            respondent=cleaned.get("respondent") or "",
            date_from=cleaned.get("date_from"),
            date_to=cleaned.get("date_to"),
        )


def _theme_name_field() -> forms.CharField:
    return forms.CharField(
        label="Name", max_length=120, error_messages={"required": "Enter the theme's name"}
    )


class ThemeForm(forms.Form):
    name = _theme_name_field()
    description = forms.CharField(label="Description (optional)", widget=forms.Textarea, required=False)


class ThemeEditForm(VersionedForm, ThemeForm):
    def __init__(self, *args, theme: Theme, **kwargs):
        initial = {"name": theme.name, "description": theme.description}
        super().__init__(*args, initial=initial, version=theme.version, **kwargs)


class ThemeMergeForm(forms.Form):
    target = forms.ModelChoiceField(
        label="Merge into",
        queryset=None,
        empty_label="Choose a theme",
        error_messages={"required": "Choose the theme to merge into"},
    )

    def __init__(self, *args, source: Theme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = themes_of(project=source.project).exclude(pk=source.pk)


class LinkForm(forms.Form):
    """A new collection link. The "about you" choices are the project's askable questions: never the
    deprivation quintile, never anything finer than place."""

    setting = forms.CharField(
        label="Setting",
        max_length=200,
        help_text="Where the poster goes, for example 'outpatients waiting area'. People answering see it.",
        error_messages={"required": "Enter where the form will be used"},
    )
    question = forms.CharField(
        label="Question",
        max_length=300,
        initial=CollectionLink._meta.get_field("question").default,
        error_messages={"required": "Enter the question"},
    )
    about_you = forms.MultipleChoiceField(
        label="Optional 'about you' questions",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="People may answer or skip each one, or choose 'Prefer not to say'. Themes can then be "
        "counted by group.",
    )

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about_you"].choices = [(question.key, question.name) for question in questions]


class LinkOpenForm(VersionedForm):
    is_open = forms.TypedChoiceField(
        choices=[("true", "Open"), ("false", "Closed")], coerce=lambda value: value == "true"
    )

    def __init__(self, *args, link: CollectionLink, **kwargs):
        super().__init__(*args, version=link.version, **kwargs)


PUBLIC_RESPONDENTS = [
    (Response.Respondent.PATIENT, "Patient"),
    (Response.Respondent.CARER, "Carer"),
    (Response.Respondent.FAMILY, "Family member"),
    (Response.Respondent.SERVICE_USER, "Service user"),
    (Response.Respondent.STAFF, "Staff"),
    (Response.Respondent.NOT_SAID, "Prefer not to say"),
]
HONEYPOT_FIELD = "website"


class PublicResponseForm(AboutYouFields, forms.Form):
    """The public "What matters to you?" form. It deliberately has no field for a name or any identifier;
    its "about you" questions are radios, each with "Prefer not to say", and may be skipped."""

    about_you_widget = forms.RadioSelect
    about_you_blank = None

    text = forms.CharField(widget=forms.Textarea, max_length=5000)
    anything_else = forms.CharField(
        label="Is there anything else you would like to tell us? (optional)",
        widget=forms.Textarea,
        required=False,
        max_length=5000,
    )
    respondent = forms.ChoiceField(
        label="Who are you answering as? (optional)", choices=PUBLIC_RESPONDENTS, required=False
    )

    def __init__(self, *args, question: str, questions: list[Question] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.add_about_you_fields(questions)
        self.fields["text"].label = question
        self.fields["text"].error_messages.update(
            required="Tell us what matters to you",
            max_length="Your answer must be 5,000 characters or fewer",
        )
        self.fields["anything_else"].error_messages["max_length"] = "This must be 5,000 characters or fewer"

    def about_you_answers(self) -> dict:
        return self.with_about_you(self.cleaned_data).get("about_you", {})


class ThemeCountsForm(forms.Form):
    """The GET choice above the themes' counts by group; a bad value gets a message and the first question."""

    by = forms.ChoiceField(
        label="Count responses by",
        required=False,
        error_messages={"invalid_choice": "Choose one of the questions the collection links ask"},
    )

    def __init__(self, *args, questions: list[Question], **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = {question.key: question for question in questions}
        self.fields["by"].choices = [(question.key, question.name) for question in questions]

    def question(self) -> Question | None:
        chosen = self.cleaned_data.get("by") if self.is_bound and self.is_valid() else None
        return self.questions.get(chosen) or next(iter(self.questions.values()), None)
