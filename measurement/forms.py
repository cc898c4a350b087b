from django import forms

from .models import DEFINITION_FIELDS, Measure, PeriodMark
from .periods import describe_period

MEASURE_FIELDS = DEFINITION_FIELDS


class MeasureForm(forms.ModelForm):
    """The operational definition of a measure. Editing carries the version, to refuse a stale save."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    stratified_by = forms.MultipleChoiceField(
        label="Broken down by (optional)",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Enter each group's numbers every period; the total is their sum. Counts of people in a "
        "group leave the team only when large enough: smaller ones are suppressed.",
        error_messages={"invalid_choice": "Choose breakdowns from the list"},
    )

    def __init__(self, *args, has_partners: bool = False, dimensions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if not has_partners:
            # Recording per site only means something in a project with partner organisations.
            del self.fields["per_site"]
        self.fields["stratified_by"].choices = [(dimension.key, dimension.name) for dimension in dimensions]
        if not dimensions:
            del self.fields["stratified_by"]
        self.fields["gap_as"].required = False  # only a breakdown uses it; the difference unless chosen

    class Meta:
        model = Measure
        fields = MEASURE_FIELDS
        widgets = {
            "gap_as": forms.RadioSelect,
            "numerator": forms.Textarea(attrs={"rows": 2}),
            "denominator": forms.Textarea(attrs={"rows": 2}),
            "inclusions": forms.Textarea(attrs={"rows": 2}),
            "exclusions": forms.Textarea(attrs={"rows": 2}),
            "starts_on": forms.DateInput(attrs={"type": "date"}),
        }
        error_messages = {
            "name": {"required": "Enter a name for the measure"},
            "numerator": {"required": "Say what is counted"},
            "starts_on": {
                "required": "Enter the date of the first period",
                "invalid": "Enter a date like 2026-03-02",
            },
        }

    def clean(self):
        data = super().clean()
        data["gap_as"] = data.get("gap_as") or Measure.Gap.DIFFERENCE
        if data.get("unit") == Measure.Unit.PERCENT and not (data.get("denominator") or "").strip():
            self.add_error("denominator", "A percentage needs a denominator: out of how many?")
        if data.get("default_chart") == Measure.Chart.P and data.get("unit") != Measure.Unit.PERCENT:
            self.add_error("default_chart", "A P-chart is for percentages")
        return data

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in MEASURE_FIELDS if name in self.fields}

    def add_stale_error(self, current) -> None:
        self.add_error(
            None,
            "Someone else saved this measure after you opened it. Their values are shown below; "
            "check them, then save again if your change is still needed.",
        )
        data = self.data.copy()
        for name in MEASURE_FIELDS:
            value = getattr(current, name)
            if isinstance(value, list):
                data.setlist(name, value)
                continue
            data[name] = "on" if value is True else ("" if value in (None, False) else value)
            if value is False:
                data.pop(name, None)
        data["version"] = current.version
        self.data = data


def _plain(value):
    """7 rather than 7.00 in the grid; decimals only where there are some."""
    if value is None:
        return None
    return int(value) if value == int(value) else value


def _count_fields(measure: Measure, point, *, name: str, label: str) -> dict:
    """A grid row's numerator (`n_<name>`) and, for a measure with one, denominator (`d_<name>`)."""
    fields = {}
    for prefix, part, value in (
        ("n", "numerator", point.numerator if point else None),
        ("d", "denominator", point.denominator if point else None),
    ):
        if prefix == "d" and not measure.has_denominator:
            continue
        fields[f"{prefix}_{name}"] = forms.DecimalField(
            label=f"{part.capitalize()}, {label}",
            required=False,
            min_value=0,
            initial=_plain(value),
            error_messages={"min_value": f"The {part} cannot be negative", "invalid": "Enter a number"},
        )
    return fields


class GridForm(forms.Form):
    """One row per period, newest first: numerator, denominator and a note."""

    def __init__(self, *args, measure: Measure, periods: list, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.periods = periods
        for period in periods:
            label = describe_period(period, frequency=measure.frequency)
            point = existing.get(period)
            self.fields.update(_count_fields(measure, point, name=str(period), label=label))
            self.fields[f"note_{period}"] = forms.CharField(
                label=f"Note, {label}", required=False, max_length=300, initial=point.note if point else ""
            )

    def rows(self):
        for period in self.periods:
            yield {
                "period": period,
                "label": describe_period(period, frequency=self.measure.frequency),
                "numerator": self[f"n_{period}"],
                "denominator": self[f"d_{period}"] if self.measure.has_denominator else None,
                "note": self[f"note_{period}"],
            }


class ImportForm(forms.Form):
    file = forms.FileField(label="CSV file", error_messages={"required": "Choose a CSV file to import"})


class MarkForm(forms.Form):
    period_start = forms.DateField(
        label="Period (its first day)",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "Enter the period", "invalid": "Enter a date like 2026-03-02"},
    )
    kind = forms.ChoiceField(choices=PeriodMark.Kind.choices, widget=forms.RadioSelect)
    reason = forms.CharField(max_length=300, error_messages={"required": "Say why"})


class GroupGridForm(forms.Form):
    """One period of a measure broken down by group: a row per group (numerator, denominator)."""

    def __init__(self, *args, measure: Measure, strata: list, existing: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure = measure
        self.strata = strata
        for index, stratum in enumerate(strata):
            point = existing.get(stratum.key)
            self.fields.update(_count_fields(measure, point, name=str(index), label=stratum.label))

    def rows(self):
        for index, stratum in enumerate(self.strata):
            yield {
                "label": stratum.label,
                "numerator": self[f"n_{index}"],
                "denominator": self[f"d_{index}"] if self.measure.has_denominator else None,
            }

    def entered(self) -> list[tuple[int, object]]:
        """(index, stratum) of every row with a number in it; a row with only a denominator is an error."""
        rows = []
        for index, stratum in enumerate(self.strata):
            numerator = self.cleaned_data[f"n_{index}"]
            denominator = self.cleaned_data.get(f"d_{index}")
            if numerator is None and denominator is None:
                continue
            if numerator is None:
                self.add_error(f"n_{index}", "Enter the numerator")
                continue
            rows.append((index, stratum, numerator, denominator))
        return rows
