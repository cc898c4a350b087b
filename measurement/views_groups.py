"""Data entry for a measure broken down by population group: the grid of one period (a row per group) and
the quick tally that asks which group the person is in. The measure's own views hand over to these."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from .forms import GroupGridForm
from .models import Measure
from .periods import describe_period
from .points import current_period, parse_date
from .presenters import grid_periods
from .selectors import stratum_points_of
from .services import PointsRejected, stratum_points_upsert, stratum_tally_add
from .strata import StratumInput, breakdowns, strata_of


def _chosen_period(request, measure: Measure, periods: list) -> object:
    wanted = request.POST.get("period") or request.GET.get("period")
    if not wanted:
        return periods[0]
    try:
        period = parse_date(wanted)
    except ValueError as error:
        raise Http404("No such period") from error
    if period not in periods:
        raise Http404("No such period")
    return period


def group_data(request, measure: Measure):
    """The grid of one period, the current one unless another is chosen, with a row per group."""
    periods = grid_periods(measure, weeks=104)
    period = _chosen_period(request, measure, periods)
    strata = strata_of(measure)
    existing = {point.stratum: point for point in stratum_points_of(measure).filter(period_start=period)}
    form = GroupGridForm(request.POST or None, measure=measure, strata=strata, existing=existing)
    url = reverse("measure_data", kwargs={"project_id": measure.project_id, "measure_id": measure.pk})
    if request.method == "POST" and form.is_valid():
        entered = form.entered()
        if not form.errors:
            rows = [
                StratumInput(period, stratum.groups, numerator, denominator)
                for _index, stratum, numerator, denominator in entered
            ]
            try:
                saved = stratum_points_upsert(
                    access=request.access, measure=measure, points=rows, source="grid"
                )
            except PointsRejected as rejected:
                for error in rejected.errors:
                    index = entered[error.row - 1][0] if error.row else None
                    name = f"d_{index}" if error.field == "denominator" and index is not None else None
                    name = name or (f"n_{index}" if index is not None else None)
                    form.add_error(name, error.message)
            else:
                messages.success(request, f"{saved} group{'s' if saved != 1 else ''} saved")
                return redirect(f"{url}?period={period.isoformat()}")
    return render(
        request,
        "measurement/measure_group_data.jinja",
        {
            "measure": measure,
            "project": measure.project,
            "form": form,
            "period": period,
            "period_label": describe_period(period, frequency=measure.frequency),
            "periods": [
                {"value": p.isoformat(), "text": describe_period(p, frequency=measure.frequency)}
                for p in periods
            ],
            "page_has_errors": bool(form.errors),
        },
        status=400 if form.errors else 200,
    )


def group_tally(request, measure: Measure):
    """The quick tally of a measure broken down by group: the person's group, then yes or no. The chosen
    groups stay selected for the next person (a clinic often sees several from one group in a row)."""
    parts = breakdowns(measure)
    chosen = {part.key: request.POST.get(part.key) or request.GET.get(part.key) or "" for part in parts}
    url = reverse("measure_tally", kwargs={"project_id": measure.project_id, "measure_id": measure.pk})
    if request.method == "POST":
        answer = request.POST.get("happened")
        if answer not in {"yes", "no"}:
            messages.error(request, "Choose yes or no")
        else:
            try:
                stratum_tally_add(
                    access=request.access, measure=measure, groups=chosen, happened=answer == "yes"
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Recorded: {answer}")
        query = "&".join(f"{key}={value}" for key, value in chosen.items() if value)
        return redirect(f"{url}?{query}" if query else url)
    period = current_period(measure)
    rows = stratum_points_of(measure).filter(period_start=period)
    so_far = {
        "numerator": sum(r.numerator for r in rows),
        "denominator": sum(r.denominator or 0 for r in rows),
    }
    return render(
        request,
        "measurement/measure_group_tally.jinja",
        {
            "measure": measure,
            "project": measure.project,
            "parts": parts,
            "chosen": chosen,
            "so_far": so_far if rows else None,
        },
    )
