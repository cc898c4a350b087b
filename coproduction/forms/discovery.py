from django import forms

from alwaysevents.forms import VersionedForm

from ..models import CollectionLink, Project, Response, Theme
from ..selectors_discovery import UNTAGGED, ResponseFilters, themes_of

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


class ResponseForm(forms.Form):
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


class ResponseEditForm(VersionedForm, ResponseForm):
    def __init__(self, *args, response: Response, **kwargs):
        initial = {name: getattr(response, name) for name in ResponseForm.base_fields}
        super().__init__(*args, initial=initial, version=response.version, **kwargs)
        if response.method == Response.Method.PUBLIC_FORM:  # keep where it came from
            self.fields["method"].choices = Response.Method.choices


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


class PublicResponseForm(forms.Form):
    """The public "What matters to you?" form. It deliberately has no field for a name or any identifier."""

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

    def __init__(self, *args, question: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["text"].label = question
        self.fields["text"].error_messages.update(
            required="Tell us what matters to you",
            max_length="Your answer must be 5,000 characters or fewer",
        )
        self.fields["anything_else"].error_messages["max_length"] = "This must be 5,000 characters or fewer"
