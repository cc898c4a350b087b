from decimal import Decimal

from django import forms

from alwaysevents.forms import VersionedForm

SCORE_CHOICES = [("", "Use the suggested score")] + [(f"{n / 2:.1f}", f"{n / 2:.1f}") for n in range(1, 11)]


class ProgressOverrideForm(VersionedForm):
    score = forms.ChoiceField(choices=SCORE_CHOICES, required=False, label="Progress score")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        label="Why is the score different from the suggestion?",
    )

    def clean(self):
        data = super().clean()
        if data.get("score") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why the score differs from the suggested one")
        return data

    def score_value(self) -> Decimal | None:
        return Decimal(self.cleaned_data["score"]) if self.cleaned_data.get("score") else None


class PhaseMoveForm(VersionedForm):
    direction = forms.ChoiceField(choices=[("forward", "Next phase"), ("back", "Previous phase")])
