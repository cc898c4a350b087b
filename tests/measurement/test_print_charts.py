import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest

from measurement.analysis import measure_analysis
from measurement.charts import CATEGORIES, Cycle, chart_finding, point_category
from measurement.models import DataPoint, Measure, PeriodMark
from measurement.print_charts import nice_ticks, print_chart_svg

SVG = "{http://www.w3.org/2000/svg}"
START = date(2026, 1, 5)


def make_measure(world, *, values, rebase_at=None, target=30, **fields) -> Measure:
    project = world.project_a
    measure = Measure.objects.create(
        organisation=project.organisation,
        project=project,
        name="Minutes spent giving directions",
        numerator="Minutes",
        unit="minutes",
        improvement_direction="decrease",
        starts_on=START,
        target=target,
        **{"default_chart": "xmr", **fields},
    )
    for week, value in enumerate(values):
        DataPoint.objects.create(
            organisation=project.organisation,
            measure=measure,
            period_start=START + timedelta(weeks=week),
            numerator=value,
        )
    if rebase_at is not None:
        PeriodMark.objects.create(
            organisation=project.organisation,
            measure=measure,
            period_start=START + timedelta(weeks=rebase_at),
            kind="rebase",
            reason="New signs put up",
        )
    return measure


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - markup the test just made from its own data


def subpaths(path: ET.Element) -> int:
    return len(re.findall("M", path.get("d")))


def paths(root: ET.Element, kind: str) -> list[ET.Element]:
    return [path for path in root.iter(f"{SVG}path") if path.get("class") == kind]


# Thirteen weeks around 40 minutes, then a step down to around 20: a special cause the chart colours.
BEFORE_AND_AFTER = [41, 39, 42, 38, 40, 43, 37, 40, 41, 39, 42, 38, 40, 21, 19, 22, 18, 20, 23, 17, 20]


@pytest.mark.django_db
def test_the_print_chart_is_named_and_draws_each_series_as_one_path(world, system_scope):
    measure = make_measure(world, values=BEFORE_AND_AFTER)
    analysis = measure_analysis(measure)
    svg = print_chart_svg(measure, analysis, cycles=[])
    root = parse(svg)

    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Minutes spent giving directions: XmR chart"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == chart_finding(measure, analysis)

    (centre,) = paths(root, "centre")
    (limits,) = paths(root, "limits")
    (target,) = paths(root, "target")
    assert subpaths(centre) == 2  # one part, and the key's sample
    assert subpaths(limits) == 3  # upper, lower, and the key's sample
    assert limits.get("stroke-dasharray") and target.get("stroke") == "#007f3b"

    expected = {}
    for index in range(len(analysis.periods)):
        expected.setdefault(point_category(analysis, index), 0)
        expected[point_category(analysis, index)] += 1
    assert len(expected) > 1, "the step down should show as special cause"
    filled = {
        path.get("fill") if path.get("fill") != "none" else path.get("stroke"): path
        for path in paths(root, "points")
    }
    for name, count in expected.items():
        # every point of the category, and its sample in the key
        assert subpaths(filled[CATEGORIES[name][0]]) == count + 1
    assert len(filled) == len(expected)

    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Mean" in texts and "Process limits" in texts and "Target" in texts
    assert len(texts) < 25


@pytest.mark.django_db
def test_a_rebase_starts_a_new_step_of_the_centre_line(world, system_scope):
    measure = make_measure(world, values=BEFORE_AND_AFTER, rebase_at=13)
    analysis = measure_analysis(measure)
    root = parse(print_chart_svg(measure, analysis, cycles=[]))

    (centre,) = paths(root, "centre")
    assert subpaths(centre) == 3  # two parts and the key's sample
    levels = {round(point["centre"]) for point in analysis.result["points"]}
    assert levels == {40, 20}


@pytest.mark.django_db
def test_a_run_chart_has_a_median_and_no_limits_and_marks_the_cycles_it_spans(world, system_scope):
    measure = make_measure(world, values=BEFORE_AND_AFTER, target=None, default_chart="run")
    analysis = measure_analysis(measure)
    cycles = [
        Cycle("Painted bones 1", "2026-02-02"),
        Cycle("Painted bones 2", "2026-03-02"),
        Cycle("Long ago", "2025-01-01"),
    ]
    root = parse(print_chart_svg(measure, analysis, cycles=cycles))

    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "Median" in texts and "Process limits" not in texts and "Target" not in texts
    assert "Painted bones 1" in texts and "Long ago" not in texts
    (cycle_lines,) = paths(root, "cycles")
    assert subpaths(cycle_lines) == 3  # the two cycles in the chart's span and the key's sample
    assert root.find(f"{SVG}title").text.endswith("run chart")


@pytest.mark.django_db
def test_a_measure_without_data_has_no_chart(world, system_scope):
    measure = make_measure(world, values=[])
    assert print_chart_svg(measure, measure_analysis(measure), cycles=[]) == ""


def test_ticks_are_round_numbers_covering_the_values():
    assert nice_ticks(0, 43) == [0, 10, 20, 30, 40, 50]
    assert nice_ticks(0, 100) == [0, 20, 40, 60, 80, 100]
    ticks = nice_ticks(0, 0.37)
    assert ticks[0] == 0 and ticks[-1] >= 0.37 and len(ticks) <= 6
