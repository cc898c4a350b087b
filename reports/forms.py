from django import forms

from .models import ReportRun


class ReportRequestForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of report do you want?",
        choices=ReportRun.Kind.choices,
        initial=ReportRun.Kind.PDF,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the kind of report you want"},
    )
