"""Data entry and charts in a real browser, axe-checked: a week by quick tally and by the grid, a CSV with one
bad row (nothing imported, the error shown), the corrected file (the chart changes)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from measurement.models import DataPoint
from measurement.points import current_period

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_member_enters_and_imports_data_and_sees_the_chart_change(page, world, system_scope, tmp_path):
    measure = world.records_a.measure
    kwargs = {"project_id": world.project_a.pk, "measure_id": measure.pk}
    sign_in(page, world.a_member.email)

    page.goto(reverse("measure_tally", kwargs=kwargs))
    assert_accessible(page)
    page.get_by_role("button", name="Yes").click()
    page.get_by_role("button", name="Yes").click()
    page.get_by_role("button", name="No").click()
    expect(page.get_by_text("2 of 3")).to_be_visible()
    week = current_period(measure)
    assert DataPoint.objects.filter(measure=measure, period_start=week, numerator=2, denominator=3).exists()

    page.goto(reverse("measure_data", kwargs=kwargs))
    assert_accessible(page)
    last_week = week.fromordinal(week.toordinal() - 7)
    page.locator(f"[name='n_{last_week}']").fill("12")
    page.locator(f"[name='d_{last_week}']").fill("10")
    page.get_by_role("button", name="Save data").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_text("The numerator cannot be more than the denominator").first).to_be_visible()
    assert_accessible(page)
    page.locator(f"[name='n_{last_week}']").fill("8")
    page.get_by_role("button", name="Save data").click()
    expect(
        page.get_by_text("2 periods saved")
    ).to_be_visible()  # this week's tally row is saved again, unchanged

    page.goto(reverse("measure_detail", kwargs=kwargs) + "?chart=xmr")
    chart_before = page.locator("figure.ae-chart-container > svg").inner_html()

    bad = tmp_path / "bad.csv"
    bad.write_text("period_start,numerator,denominator\n2026-03-30,10,10\n2026-04-06,ten,10\n")
    page.goto(reverse("measure_import", kwargs=kwargs))
    assert_accessible(page)
    page.locator("input[type=file]").set_input_files(str(bad))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Nothing was imported")).to_be_visible()
    expect(page.get_by_text("Row 3, numerator: 'ten' is not a number")).to_be_visible()
    assert_accessible(page)
    assert not DataPoint.objects.filter(measure=measure, period_start="2026-03-30").exists()

    good = tmp_path / "good.csv"
    good.write_text("period_start,numerator,denominator\n2026-03-30,10,10\n2026-04-06,10,10\n")
    page.locator("input[type=file]").set_input_files(str(good))
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported 2 periods")).to_be_visible()
    page.goto(reverse("measure_detail", kwargs=kwargs) + "?chart=xmr")
    assert_accessible(page)
    assert (
        page.locator("figure.ae-chart-container > svg").inner_html() != chart_before
    )  # re-rendered: the cached chart was replaced
    assert page.console_errors == []


def test_the_rnoh_chart_shows_its_shift_and_its_pdsa_markers(page, db, system_scope):
    from django.core.management import call_command

    call_command("seed_demo")
    from measurement.models import Measure

    measure = Measure.objects.get(name="Families who found their way without asking")
    sign_in(page, "lead@example.org", password="demo-always-events")
    page.goto(reverse("measure_detail", kwargs={"project_id": measure.project_id, "measure_id": measure.pk}))
    assert_accessible(page)
    expect(page.get_by_text(re.compile("7 points in a row above the average")).first).to_be_visible()
    chart = page.locator("figure.ae-chart-container > svg")
    for marker in ("Painted bones trail 1", "Child-height signs 2"):
        expect(chart.get_by_text(marker)).to_have_count(1)
    page.screenshot(path="test-results/rnoh-reliability.png", full_page=True)
