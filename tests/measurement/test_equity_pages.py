"""Measures by population group, read: each group's chart and the gap chart on the measure page, and the
small-number suppression readers outside the team see on the page, in the export and in the API."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from accounts.access import Access
from measurement.equity import gap_analysis, public_disclosure
from measurement.points import current_period
from measurement.services import measure_create, stratum_points_upsert
from tests.equity_data import WEEKS, narrowing_rows

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("system_scope")]

# Quintile 5's numerators: a 3 in week 4 (primary suppression), 20 or more otherwise.
SMALL_WEEK, SMALL_COUNT = 4, 3


def team(world):
    return Access.for_user(world.a_member)


@pytest.fixture
def uptake(world):
    latest = current_period(world.records_a.measure)
    first = latest - timedelta(weeks=WEEKS - 1)
    measure = measure_create(
        access=team(world),
        project=world.project_a,
        name="Uptake of rehabilitation",
        numerator="People who started rehabilitation",
        denominator="People referred",
        unit="percent",
        stratified_by=["deprivation"],
        starts_on=first,
    )
    rows = narrowing_rows(first, small_week=SMALL_WEEK, small=(SMALL_COUNT, 10))
    stratum_points_upsert(access=team(world), measure=measure, points=rows, source="api")
    measure.refresh_from_db()
    return measure


def page(user, measure):
    client = Client()
    client.force_login(user)
    return client.get(measure.get_absolute_url())


def test_the_gap_between_most_and_least_deprived_narrows(world, uptake):
    gap = gap_analysis(uptake)
    assert gap.direction == "narrowing"
    assert gap.finding.startswith("The gap has narrowed")
    assert len(gap.periods) == WEEKS and gap.left_out == 0
    # The first week: 20% - 60% = -40 percentage points.
    assert gap.result["values"][0] == pytest.approx(-40.0)


def test_the_team_sees_every_groups_chart_and_count(world, uptake):
    response = page(world.a_member, uptake)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Is the gap closing?" in html and "The gap has narrowed" in html
    assert html.count('<section class="nhsuk-u-margin-bottom-6"') == 5
    assert "Not shown:" not in html
    assert f"{SMALL_COUNT} of 10" in html
    assert "Suppressed" not in html


def test_a_coach_sees_small_counts_suppressed_and_cannot_work_them_out(world, uptake):
    disclosure = public_disclosure(uptake)
    week = uptake.starts_on + timedelta(weeks=SMALL_WEEK)
    assert disclosure.hides("deprivation=5", week)
    # Secondary: one more group that week, so the total (public) minus the others does not give it.
    assert sum(1 for (_key, period) in disclosure.hidden if period == week) >= 2

    response = page(world.coach_1, uptake)
    html = response.content.decode()
    assert response.status_code == 200
    assert f"{SMALL_COUNT} of 10" not in html
    assert "Suppressed" in html
    # The two groups hidden that week keep their charts, without that week, and say why it is missing.
    assert html.count("1 week is left out of this chart: in it this group") == 2
    assert html.count('<figure class="ae-chart-container">') == 7  # the total, the gap, five groups
    assert "1 week is left out because small numbers are suppressed" in html
    # The coach's gap leaves that week out, so it cannot be worked back to quintile 5's value either.
    gap = gap_analysis(uptake, disclosure)
    assert gap.result["values"][SMALL_WEEK] is None and gap.left_out == 1


def test_a_measure_not_broken_down_by_deprivation_says_why_it_has_no_gap_chart(world):
    measure = measure_create(
        access=team(world),
        project=world.project_a,
        name="By sex",
        numerator="People who started",
        denominator="People referred",
        unit="percent",
        stratified_by=["sex"],
        starts_on=current_period(world.records_a.measure),
    )
    html = page(world.a_member, measure).content.decode()
    assert "it needs the measure to be broken down by deprivation quintile" in html
    assert gap_analysis(measure) is None


def exported(user, measure):
    client = Client()
    client.force_login(user)
    url = reverse(
        "measure_export", kwargs={"project_id": measure.project_id, "measure_id": measure.pk, "fmt": "csv"}
    )
    return list(csv.DictReader(io.StringIO(client.get(url).content.decode())))


def test_a_coachs_export_writes_small_counts_as_suppressed_and_the_teams_does_not(world, uptake):
    week = (uptake.starts_on + timedelta(weeks=SMALL_WEEK)).isoformat()
    coach_rows = [r for r in exported(world.coach_1, uptake) if r["group"] and r["period_start"] == week]
    team_rows = [r for r in exported(world.a_member, uptake) if r["group"] and r["period_start"] == week]
    assert len(coach_rows) == len(team_rows) == 5
    hidden = [r for r in coach_rows if r["numerator"] == "suppressed"]
    assert {r["group"] for r in hidden} >= {"deprivation=5"} and len(hidden) >= 2
    assert all(r["denominator"] == "suppressed" for r in hidden)
    assert {r["group"]: r["numerator"] for r in team_rows}["deprivation=5"] == "3.00"
    # The shown cells and the (public) total do not give the hidden ones: two unknowns, one equation.
    total = next(r for r in exported(world.coach_1, uptake) if not r["group"] and r["period_start"] == week)
    shown = sum(Decimal(r["numerator"]) for r in coach_rows if r["numerator"] != "suppressed")
    assert Decimal(total["numerator"]) - shown > SMALL_COUNT


def api(user):
    from accounts.services import api_token_create

    _, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def groups_url(measure, tail="groups/"):
    return f"/api/v1/projects/{measure.project_id}/measures/{measure.pk}/{tail}"


def test_the_api_gives_the_team_every_count_and_a_coach_suppressed_ones(world, uptake):
    week = (uptake.starts_on + timedelta(weeks=SMALL_WEEK)).isoformat()

    def rows(user):
        body = api(user).get(groups_url(uptake) + "?page_size=500").json()
        assert body["count"] == WEEKS * 5
        return [row for row in body["results"] if row["period_start"] == week]

    team_rows = {row["stratum"]: row for row in rows(world.a_member)}
    coach_rows = {row["stratum"]: row for row in rows(world.coach_1)}
    assert team_rows["deprivation=5"]["numerator"] == "3.00" and not team_rows["deprivation=5"]["suppressed"]
    assert coach_rows["deprivation=5"] == {
        "measure": str(uptake.pk),
        "stratum": "deprivation=5",
        "groups": {"deprivation": "5"},
        "period_start": week,
        "numerator": None,
        "denominator": None,
        "suppressed": True,
    }
    gap = api(world.coach_1).get(groups_url(uptake, "gap/")).json()
    assert gap["direction"] == "narrowing" and gap["left_out"] == 1
    assert gap["result"]["values"][SMALL_WEEK] is None


def test_the_api_saves_every_groups_row_or_none(world, uptake):
    from measurement.models import DataPoint, StratumPoint

    client = api(world.a_member)
    week = current_period(uptake).isoformat()
    before = StratumPoint.objects.filter(measure=uptake).count()
    bad = client.post(
        groups_url(uptake),
        {
            "points": [
                {"groups": {"deprivation": "1"}, "period_start": week, "numerator": 5, "denominator": 10},
                {"groups": {"deprivation": "9"}, "period_start": week, "numerator": 5, "denominator": 10},
            ]
        },
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "'9' is not a deprivation quintile (imd)" in bad.json()["errors"][0]["message"]
    assert StratumPoint.objects.filter(measure=uptake).count() == before
    good = client.post(
        groups_url(uptake),
        {
            "points": [
                {"groups": {"deprivation": "2"}, "period_start": week, "numerator": 9, "denominator": 9}
            ]
        },
        content_type="application/json",
    )
    assert good.status_code == 200 and good.json()["saved"] == 1
    total = DataPoint.objects.get(measure=uptake, period_start=week)
    # Quintile 2's 40 of 100 replaced by 9 of 9; quintile 1 has 44, 3 has 45, 4 has 50, 5 has 61 of 100 each.
    assert (total.numerator, total.denominator) == (44 + 9 + 45 + 50 + 61, 409)
    coach = api(world.coach_1).post(
        groups_url(uptake),
        {
            "points": [
                {"groups": {"deprivation": "2"}, "period_start": week, "numerator": 1, "denominator": 1}
            ]
        },
        content_type="application/json",
    )
    assert coach.status_code == 403
    assert StratumPoint.objects.get(measure=uptake, period_start=week, stratum="deprivation=2").numerator == 9


def entry(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_grid_saves_a_row_per_group_and_the_total_is_their_sum(world, uptake):
    from measurement.models import DataPoint, StratumPoint

    week = current_period(uptake)
    url = reverse("measure_data", kwargs={"project_id": uptake.project_id, "measure_id": uptake.pk})
    client = entry(world.a_member)
    page = client.get(url)
    assert page.status_code == 200 and "1 (most deprived)" in page.content.decode()
    data = {"period": week.isoformat()}
    for index in range(5):
        data[f"n_{index}"] = str(index + 1)
        data[f"d_{index}"] = "10"
    saved = client.post(url, data)
    assert saved.status_code == 302
    rows = StratumPoint.objects.filter(measure=uptake, period_start=week)
    assert sorted(int(r.numerator) for r in rows) == [1, 2, 3, 4, 5]
    total = DataPoint.objects.get(measure=uptake, period_start=week)
    assert (total.numerator, total.denominator) == (15, 50)

    data["n_2"] = "11"  # more yes than asked: refused, nothing changes
    refused = client.post(url, data)
    assert refused.status_code == 400
    assert "The numerator cannot be more than the denominator" in refused.content.decode()
    assert DataPoint.objects.get(measure=uptake, period_start=week).numerator == 15


def test_the_quick_tally_counts_the_chosen_group(world, uptake):
    from measurement.models import StratumPoint

    url = reverse("measure_tally", kwargs={"project_id": uptake.project_id, "measure_id": uptake.pk})
    client = entry(world.a_member)
    assert "Deprivation quintile" in client.get(url).content.decode()
    before = StratumPoint.objects.filter(measure=uptake, period_start=current_period(uptake)).count()
    response = client.post(url, {"deprivation": "1", "happened": "yes"})
    assert response.status_code == 302 and "deprivation=1" in response["Location"]
    point = StratumPoint.objects.get(
        measure=uptake, period_start=current_period(uptake), stratum="deprivation=1"
    )
    assert (point.numerator, point.denominator) == (45, 101)  # the fixture's 44 of 100, and this one
    no_group = client.post(url, {"happened": "yes"}, follow=True)
    assert "Choose the deprivation quintile" in no_group.content.decode()
    assert StratumPoint.objects.filter(measure=uptake, period_start=current_period(uptake)).count() == before
    assert StratumPoint.objects.get(pk=point.pk).denominator == 101


def test_the_csv_import_takes_a_column_per_dimension_and_one_bad_row_imports_nothing(world, uptake):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from measurement.models import StratumPoint

    client = entry(world.a_member)
    kwargs = {"project_id": uptake.project_id, "measure_id": uptake.pk}
    template = client.get(reverse("measure_template", kwargs=kwargs)).content.decode().splitlines()
    assert template[0] == "deprivation,period_start,numerator,denominator,note" and len(template) == 6
    week = current_period(uptake).isoformat()
    before = list(
        StratumPoint.objects.filter(measure=uptake).values_list("stratum", "period_start", "numerator")
    )
    bad = (
        "deprivation,period_start,numerator,denominator\n"
        f"1,{week},4,10\n"
        f"least deprived,{week},4,10\n"
        f"5 (least deprived),{week},4,10\n"
    )
    response = client.post(
        reverse("measure_import", kwargs=kwargs), {"file": SimpleUploadedFile("d.csv", bad.encode())}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "Nothing was imported" in html
    assert "Row 3" in html and "least deprived" in html
    after = list(
        StratumPoint.objects.filter(measure=uptake).values_list("stratum", "period_start", "numerator")
    )
    assert after == before
    good = bad.replace("least deprived,", "2,")
    response = client.post(
        reverse("measure_import", kwargs=kwargs), {"file": SimpleUploadedFile("d.csv", good.encode())}
    )
    assert response.status_code == 302
    assert StratumPoint.objects.get(measure=uptake, period_start=week, stratum="deprivation=2").numerator == 4
