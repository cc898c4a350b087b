"""Measure pages: the chart and its reasons, the definition, fast data entry, import and export."""

import copy
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.text import slugify
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alwaysevents.forms import saved
from coproduction.models import ProjectPartner
from coproduction.selectors.partners import partners_of
from projects.selectors import project_visible

from .analysis import RUN_RULES
from .equity import disclosure_for
from .exports import (
    ImportRejected,
    export_csv,
    export_xlsx,
    group_template_csv,
    parse_csv,
    parse_group_csv,
    template_csv,
)
from .forms import GridForm, ImportForm, MarkForm, MeasureForm
from .points import PointInput, SiteCheck, current_period, require_data_entry
from .presenters import MeasurePresenter, grid_periods
from .selectors import marks_of, measure_visible, measures_of_project, points_of
from .services import (
    PointsRejected,
    measure_create,
    measure_update,
    period_mark_add,
    period_mark_remove,
    points_upsert,
    stratum_points_upsert,
    tally_add,
)
from .strata import breakdowns, programme_dimensions
from .views_groups import group_data, group_tally


@require_GET
def measure_list(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    measures = [
        MeasurePresenter(m, request.access)
        for m in measures_of_project(access=request.access, project_id=project_id)
    ]
    can_edit = request.access.can_edit_project(project)
    return render(
        request,
        "measurement/measure_list.jinja",
        {"project": project, "measures": measures, "can_edit": can_edit},
    )


@require_http_methods(["GET", "POST"])
def measure_new(request, project_id):
    project = project_visible(access=request.access, project_id=project_id)
    request.access.require_edit_project(project)
    form = MeasureForm(
        request.POST or None,
        has_partners=partners_of(project=project).exists(),
        dimensions=programme_dimensions(project.enrolment.cohort.programme_id),
    )
    if request.method == "POST" and form.is_valid():
        try:
            measure = measure_create(access=request.access, project=project, **form.changes())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Measure '{measure.name}' added")
            return redirect(measure)
    return render(
        request,
        "measurement/measure_form.jinja",
        {"project": project, "form": form, "measure": None, "page_has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


@require_GET
def measure_detail(request, project_id, measure_id):
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    chart = request.GET.get("chart") or measure.default_chart
    rules = request.GET.get("rules", "anhoej")
    if (
        chart not in {"run", "p", "xmr"}
        or rules not in RUN_RULES
        or (chart == "p" and not measure.has_denominator)
    ):
        raise Http404("No such chart")
    presenter = MeasurePresenter(measure, request.access, chart=chart, rules=rules)
    return render(
        request,
        "measurement/measure_detail.jinja",
        {"measure": presenter, "project": measure.project, "mark_form": MarkForm()},
    )


@require_http_methods(["GET", "POST"])
def measure_edit(request, project_id, measure_id):
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    request.access.require_edit_project(measure.project)
    # The form validates on a copy: it writes cleaned values onto its instance, and the service must compare
    # the submitted values with the stored ones.
    form = MeasureForm(
        request.POST or None,
        instance=copy.copy(measure),
        initial={"version": measure.version},
        has_partners=measure.per_site or partners_of(project=measure.project).exists(),
        dimensions=programme_dimensions(measure.project.enrolment.cohort.programme_id),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and saved(
            form,
            lambda: measure_update(
                access=request.access,
                measure=measure,
                expected_version=form.cleaned_data["version"] or 0,
                **form.changes(),
            ),
        )
    ):
        messages.success(request, "Measure saved")
        return redirect(measure)
    return render(
        request,
        "measurement/measure_form.jinja",
        {"project": measure.project, "form": form, "measure": measure, "page_has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


def _entry_site(request, measure, sites: SiteCheck) -> ProjectPartner | None:
    """The site whose data is being entered: the one asked for (`site`, a partnership id, in the form or
    the query), else the only one this person may enter. None for a measure of the whole project, or until a
    site is chosen. A site of another project is not found; one this person may not enter is refused."""
    if not measure.per_site:
        return None
    wanted = request.POST.get("site") or request.GET.get("site")
    if not wanted:
        choices = sites.entry_sites()
        return choices[0] if len(choices) == 1 else None
    if not sites.find(wanted):
        raise Http404("No such site")
    site, errors = sites.resolve(wanted)
    if errors:
        raise PermissionDenied(errors[0].message)
    return site


def _site_query(site: ProjectPartner | None) -> str:
    return f"?site={site.pk}" if site else ""


@require_http_methods(["GET", "POST"])
def measure_data(request, project_id, measure_id):
    """The period grid: the current period first, a row a period, keyboard-friendly. A measure recorded per
    site has a grid per site; the person chooses which first when they may enter more than one."""
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    require_data_entry(request.access, measure)
    if measure.stratified_by:
        return group_data(request, measure)
    sites = SiteCheck.of(request.access, measure)
    site = _entry_site(request, measure, sites)
    context = {"measure": measure, "project": measure.project, "site": site}
    if measure.per_site and site is None:
        return render(
            request, "measurement/measure_data.jinja", {**context, "form": None, "sites": sites.entry_sites()}
        )
    periods = grid_periods(measure, weeks=int(request.GET.get("periods", 12)))
    existing = {
        point.period_start: point
        for point in points_of(measure).filter(
            Q(site=site) if site else Q(site__isnull=True), period_start__in=periods
        )
    }
    form = GridForm(request.POST or None, measure=measure, periods=periods, existing=existing)
    if request.method == "POST" and form.is_valid():
        entered = []
        for period in periods:
            numerator = form.cleaned_data[f"n_{period}"]
            denominator = form.cleaned_data.get(f"d_{period}")
            if numerator is None and denominator is None:
                continue
            if numerator is None:
                form.add_error(f"n_{period}", "Enter the numerator")
                continue
            entered.append(
                (
                    period,
                    PointInput(
                        period,
                        numerator,
                        denominator,
                        form.cleaned_data[f"note_{period}"],
                        site=str(site.pk) if site else None,
                    ),
                )
            )
        if not form.errors:
            try:
                saved = points_upsert(
                    access=request.access, measure=measure, points=[p for _, p in entered], source="grid"
                )
            except PointsRejected as rejected:
                for error in rejected.errors:
                    period = entered[error.row - 1][0]
                    name = {
                        "period": f"n_{period}",
                        "numerator": f"n_{period}",
                        "denominator": f"d_{period}",
                        "site": None,
                    }[error.field]
                    form.add_error(name, error.message)
            else:
                messages.success(request, f"{saved} period{'s' if saved != 1 else ''} saved")
                return redirect(
                    reverse("measure_data", kwargs={"project_id": project_id, "measure_id": measure_id})
                    + _site_query(site)
                )
    return render(
        request,
        "measurement/measure_data.jinja",
        {**context, "form": form, "sites": sites.entry_sites(), "page_has_errors": bool(form.errors)},
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def measure_tally(request, project_id, measure_id):
    """The ward-tablet tally: did the Always Event happen for this patient? Yes or no, one tap each."""
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    require_data_entry(request.access, measure)
    if measure.stratified_by:
        return group_tally(request, measure)
    sites = SiteCheck.of(request.access, measure)
    site = _entry_site(request, measure, sites)
    if request.method == "POST":
        answer = request.POST.get("happened")
        if answer not in {"yes", "no"}:
            messages.error(request, "Choose yes or no")
        elif measure.per_site and site is None:
            messages.error(request, "Choose the site")
        else:
            try:
                tally_add(
                    access=request.access,
                    measure=measure,
                    happened=answer == "yes",
                    site=str(site.pk) if site else None,
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, f"Recorded: {answer}")
        return redirect(
            reverse("measure_tally", kwargs={"project_id": project_id, "measure_id": measure_id})
            + _site_query(site)
        )
    so_far = None
    if site or not measure.per_site:
        so_far = (
            points_of(measure)
            .filter(Q(site=site) if site else Q(site__isnull=True), period_start=current_period(measure))
            .first()
        )
    return render(
        request,
        "measurement/measure_tally.jinja",
        {
            "measure": measure,
            "project": measure.project,
            "site": site,
            "sites": sites.entry_sites(),
            "so_far": so_far,
        },
    )


@require_http_methods(["GET", "POST"])
def measure_import(request, project_id, measure_id):
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    require_data_entry(request.access, measure)
    form = ImportForm(request.POST or None, request.FILES or None)
    parts = breakdowns(measure)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            saved = _import(request.access, measure, form.cleaned_data["file"].read(), parts)
        except (ImportRejected, PointsRejected) as rejected:
            problems = rejected.errors
        else:
            noun = "group's row" if parts else "period"
            messages.success(request, f"Imported {saved} {noun}{'s' if saved != 1 else ''}")
            return redirect(measure)
    return render(
        request,
        "measurement/measure_import.jinja",
        {
            "measure": measure,
            "project": measure.project,
            "form": form,
            "problems": problems,
            "groups": parts,
            "sites": SiteCheck.of(request.access, measure).entry_sites(),
            "page_has_errors": bool(form.errors or problems),
        },
        status=400 if (form.errors or problems) else 200,
    )


def _import(access, measure, data: bytes, parts) -> int:
    """Every row read and checked, then all saved or none."""
    if parts:
        rows = parse_group_csv(data, dimensions=[part.key for part in parts])
        return stratum_points_upsert(access=access, measure=measure, points=rows, source="import")
    rows = parse_csv(data, site_column=measure.per_site)
    return points_upsert(access=access, measure=measure, points=rows, source="import")


@require_GET
def measure_template(request, project_id, measure_id):
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    if parts := breakdowns(measure):
        return _download(
            group_template_csv(measure, parts), f"{slugify(measure.name)}-template.csv", "text/csv"
        )
    example_site = next(iter(SiteCheck.of(request.access, measure).entry_sites()), None)
    return _download(
        template_csv(measure, site=example_site), f"{slugify(measure.name)}-template.csv", "text/csv"
    )


@require_GET
def measure_export(request, project_id, measure_id, fmt):
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    return _export(request, [measure], slugify(measure.name), fmt)


@require_GET
def project_measures_export(request, project_id, fmt):
    project = project_visible(access=request.access, project_id=project_id)
    return _export(
        request,
        list(measures_of_project(access=request.access, project_id=project_id)),
        f"{slugify(project.title)}-measures",
        fmt,
    )


def _export(request, measures, name: str, fmt: str):
    disclosure_of = partial(disclosure_for, request.access)
    if fmt == "csv":
        return _download(export_csv(measures, disclosure_of=disclosure_of), f"{name}.csv", "text/csv")
    if fmt == "xlsx":
        return _download(
            export_xlsx(measures, disclosure_of=disclosure_of),
            f"{name}.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    raise Http404("No such format")


def _download(content, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_POST
def measure_mark_add(request, project_id, measure_id):
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    request.access.require_edit_project(measure.project)
    form = MarkForm(request.POST)
    if form.is_valid():
        try:
            period_mark_add(access=request.access, measure=measure, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Saved: the chart is recalculated")
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(measure)


@require_POST
def measure_mark_delete(request, project_id, measure_id, mark_id):
    measure = measure_visible(access=request.access, project_id=project_id, measure_id=measure_id)
    if not marks_of(measure).filter(pk=mark_id).exists():
        raise Http404("No such mark")
    period_mark_remove(access=request.access, measure=measure, mark_id=mark_id)
    messages.success(request, "Removed: the chart is recalculated")
    return redirect(measure)


base = "projects/<uuid:project_id>/measures/"
one = base + "<uuid:measure_id>/"
urlpatterns = [
    path(base, measure_list, name="measure_list"),
    path(base + "new/", measure_new, name="measure_create"),
    path(base + "export.<str:fmt>", project_measures_export, name="project_measures_export"),
    path(one, measure_detail, name="measure_detail"),
    path(one + "edit/", measure_edit, name="measure_edit"),
    path(one + "data/", measure_data, name="measure_data"),
    path(one + "tally/", measure_tally, name="measure_tally"),
    path(one + "import/", measure_import, name="measure_import"),
    path(one + "template.csv", measure_template, name="measure_template"),
    path(one + "export.<str:fmt>", measure_export, name="measure_export"),
    path(one + "marks/", measure_mark_add, name="measure_mark_add"),
    path(one + "marks/<uuid:mark_id>/delete/", measure_mark_delete, name="measure_mark_delete"),
]
