"""Form helpers shared by every app: the version field that detects concurrent edits."""

from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError

from .concurrency import StaleEdit


class VersionedForm(forms.Form):
    """Carries the version the editor loaded; the service refuses the save if the record has moved on."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, version: int, **kwargs):
        kwargs.setdefault("initial", {})["version"] = version
        super().__init__(*args, **kwargs)

    def changes(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name != "version"}

    def add_stale_error(self, current) -> None:
        """Show the newer values and take their version, so a second save overwrites knowingly."""
        self.add_error(
            None,
            "Someone else saved this record after you opened it. Their values are shown below; "
            "check them, then save again if your change is still needed.",
        )
        data = self.data.copy()
        for name in self.fields:
            if name == "version":
                data[name] = current.version
            else:
                value = getattr(current, name)
                data[name] = value.pk if hasattr(value, "pk") else value
        self.data = data


def saved(form: forms.Form, save: Callable[[], object]) -> bool:
    """Run the save of a valid form. When someone else saved the record first, or the service refuses the
    change, the form gets the reason as its errors (and the newer values) and this answers False. A refusal
    naming a field of the form is shown beside that field."""
    try:
        save()
    except StaleEdit as stale:
        form.add_stale_error(stale.current)
    except ValidationError as error:
        add_refusal(form, error)
    else:
        return True
    return False


def add_refusal(form: forms.Form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)
