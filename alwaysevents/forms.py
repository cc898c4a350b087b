"""Form helpers shared by every app: the version field that detects concurrent edits."""

from django import forms


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
