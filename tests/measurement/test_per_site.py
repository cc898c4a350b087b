"""Measures across partner sites: every entry path takes a site and checks it the same way, partner staff
enter only their own site, and the pathway is summed from the sites, never typed."""

import csv
import io
import uuid
from datetime import date, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.access import Access
from accounts.services import api_token_create
from coproduction.models import ProjectPartner
from measurement.aims import aim_facts, measure_summaries
from measurement.analysis import measure_analysis, site_analysis
from measurement.models import DataPoint, Measure
from measurement.points import PointInput, current_period
from measurement.services import (
    PointsRejected,
    measure_create,
    measure_update,
    points_upsert,
    site_point_record,
    tally_add,
)
from programmes.models import Organisation
from tests.world import make_partnership

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("system_scope")]

FIRST = date(2026, 1, 5)  # a Monday
SECOND = FIRST + timedelta(weeks=1)


@pytest.fixture
def sites(world):
    """Project A's partners: the home care agency (world.partnership_a), a GP practice, and the removed
    carers' network; with a per-site percentage measure."""
    practice = Organisation.objects.create(
        kind="primary_care",
        provider_type="gp_practice",
        name="Alpha Health Centre",
        ods_code="A10002",
        system=world.system_a,
    )
    surgery = make_partnership(world.project_a, practice, site_name="Alpha surgery clinics")
    measure = measure_create(
        access=Access.for_user(world.a_member),
        project=world.project_a,
        name="Told the plan, per site",
        numerator="People told the plan",
        denominator="People asked",
        unit="percent",
        default_chart="p",
        per_site=True,
        starts_on=FIRST,
    )
    return SimpleNamespace(
        measure=measure,
        home=world.partnership_a,
        surgery=surgery,
        removed=ProjectPartner.objects.get(project=world.project_a, left_on__isnull=False),
    )


def team(world):
    return Access.for_user(world.a_member)


def staff(world):
    return Access.for_user(world.a_partner_staff)


def point(start=FIRST, numerator=5, denominator=10, site=None, note=""):
    return PointInput(start, Decimal(numerator), Decimal(denominator), note, site=site)


def stored(measure):
    return sorted(
        DataPoint.objects.filter(measure=measure).values_list(
            "site__site_name", "period_start", "numerator", "denominator"
        )
    )


def url(measure, suffix=""):
    return f"/projects/{measure.project_id}/measures/{measure.pk}/{suffix}"


def api(user):
    _, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("data.csv", text.encode(), content_type="text/csv")


def rejected(call) -> list[str]:
    with pytest.raises(PointsRejected) as error:
        call()
    return [str(e) for e in error.value.errors]


class TestTheOneCheck:
    def test_a_per_site_measure_needs_a_current_partner_site_of_its_project(self, world, sites):
        upsert = lambda site: points_upsert(  # noqa: E731
            access=team(world), measure=sites.measure, points=[point(site=site)], source="api"
        )
        assert rejected(lambda: upsert(None)) == ["Row 1, site: Say which partner site the data is for"]
        assert rejected(lambda: upsert("Nowhere")) == [
            "Row 1, site: 'Nowhere' is not a partner site of this project"
        ]
        assert rejected(lambda: upsert(str(sites.removed.pk))) == [
            f"Row 1, site: {sites.removed.site_name} is no longer a partner of this project"
        ]
        assert stored(sites.measure) == []

    def test_a_measure_of_the_whole_project_refuses_a_site(self, world, sites):
        measure = world.records_a.measure
        before = stored(measure)
        errors = rejected(
            lambda: points_upsert(
                access=team(world), measure=measure, points=[point(site=str(sites.home.pk))], source="api"
            )
        )
        assert errors == [
            "Row 1, site: This measure is for the whole project, not recorded per site: leave the site empty"
        ]
        assert stored(measure) == before

    def test_the_lead_team_enters_any_site(self, world, sites):
        points_upsert(
            access=team(world),
            measure=sites.measure,
            points=[point(site=str(sites.home.pk)), point(site="Alpha Health Centre", numerator=3)],
            source="api",
        )
        assert stored(sites.measure) == [
            ("Alpha home visits", FIRST, 5, 10),
            ("Alpha surgery clinics", FIRST, 3, 10),
        ]

    def test_partner_staff_enter_only_their_own_site(self, world, sites):
        points_upsert(
            access=staff(world), measure=sites.measure, points=[point(site="Alpha home visits")], source="api"
        )
        errors = rejected(
            lambda: points_upsert(
                access=staff(world),
                measure=sites.measure,
                points=[point(SECOND, site="Alpha home visits"), point(site=str(sites.surgery.pk))],
                source="api",
            )
        )
        assert errors == ["Row 2, site: You can enter data only for Alpha home visits"]
        assert stored(sites.measure) == [("Alpha home visits", FIRST, 5, 10)]

    def test_partner_staff_cannot_enter_a_measure_of_the_whole_project(self, world, sites):
        with pytest.raises(PermissionDenied, match="only the lead organisation's team"):
            points_upsert(
                access=staff(world), measure=world.records_a.measure, points=[point(SECOND)], source="api"
            )

    def test_one_site_and_period_is_one_row_and_a_second_entry_replaces_it(self, world, sites):
        site = str(sites.home.pk)
        errors = rejected(
            lambda: points_upsert(
                access=team(world),
                measure=sites.measure,
                points=[point(site=site), point(site=site, numerator=6)],
                source="api",
            )
        )
        assert errors == [f"Row 2, period: {FIRST} for Alpha home visits is also on row 1"]
        points_upsert(access=team(world), measure=sites.measure, points=[point(site=site)], source="api")
        points_upsert(
            access=team(world), measure=sites.measure, points=[point(site=site, numerator=7)], source="api"
        )
        assert stored(sites.measure) == [("Alpha home visits", FIRST, 7, 10)]

    def test_whether_a_measure_is_per_site_cannot_change_once_it_has_data(self, world, sites):
        points_upsert(
            access=team(world), measure=sites.measure, points=[point(site="Alpha home visits")], source="api"
        )
        with pytest.raises(Exception, match="already has data"):
            measure_update(
                access=team(world),
                measure=sites.measure,
                expected_version=sites.measure.version,
                per_site=False,
            )

    def test_a_project_without_partners_has_no_per_site_measures(self, world):
        with pytest.raises(Exception, match="no partner organisations"):
            measure_create(
                access=Access.for_user(world.b_member),
                project=world.project_b,
                name="Per site",
                numerator="Yes",
                denominator="Asked",
                per_site=True,
                starts_on=FIRST,
            )

    def test_a_job_records_a_site_point_through_the_same_check(self, world, sites):
        saved = site_point_record(
            system_job="test",
            measure=sites.measure,
            site=sites.surgery,
            period_start=FIRST,
            numerator=4,
            denominator=8,
        )
        assert saved.site_id == sites.surgery.pk and stored(sites.measure) == [
            ("Alpha surgery clinics", FIRST, 4, 8)
        ]
        with pytest.raises(PointsRejected):
            site_point_record(
                system_job="test", measure=sites.measure, site=sites.removed, period_start=FIRST, numerator=1
            )


class TestQuickTally:
    def test_the_lead_team_counts_at_the_chosen_site(self, world, sites, client_of):
        client = client_of(world.a_member)
        assert "Which site are you counting for?" in client.get(url(sites.measure, "tally/")).content.decode()
        client.post(url(sites.measure, "tally/"), {"happened": "yes", "site": sites.surgery.pk})
        client.post(url(sites.measure, "tally/"), {"happened": "no", "site": sites.surgery.pk})
        week = current_period(sites.measure)
        assert stored(sites.measure) == [("Alpha surgery clinics", week, 1, 2)]
        page = client.get(url(sites.measure, f"tally/?site={sites.surgery.pk}")).content.decode()
        assert "1 of 2" in page

    def test_partner_staff_count_at_their_own_site_without_choosing(self, world, sites, client_of):
        client = client_of(world.a_partner_staff)
        assert "Did the Always Event happen" in client.get(url(sites.measure, "tally/")).content.decode()
        client.post(url(sites.measure, "tally/"), {"happened": "yes"})
        assert stored(sites.measure) == [("Alpha home visits", current_period(sites.measure), 1, 1)]

    def test_partner_staff_are_refused_another_site(self, world, sites, client_of):
        client = client_of(world.a_partner_staff)
        response = client.post(url(sites.measure, "tally/"), {"happened": "yes", "site": sites.surgery.pk})
        assert response.status_code == 403
        assert stored(sites.measure) == []
        with pytest.raises(Exception, match="only for Alpha home visits"):
            tally_add(access=staff(world), measure=sites.measure, happened=True, site=str(sites.surgery.pk))

    def test_a_site_of_no_partnership_of_the_project_is_not_found(self, world, sites, client_of):
        client = client_of(world.a_member)
        assert client.get(url(sites.measure, f"tally/?site={uuid.uuid4()}")).status_code == 404


class TestGrid:
    def test_the_lead_team_chooses_a_site_then_enters_its_rows(self, world, sites, client_of):
        client = client_of(world.a_member)
        chooser = client.get(url(sites.measure, "data/")).content.decode()
        assert "Choose the site whose data you are entering" in chooser and "n_" not in chooser
        week = current_period(sites.measure)
        response = client.post(
            url(sites.measure, f"data/?site={sites.surgery.pk}"),
            {"site": sites.surgery.pk, f"n_{week}": "4", f"d_{week}": "5"},
        )
        assert response.status_code == 302 and f"site={sites.surgery.pk}" in response["Location"]
        assert stored(sites.measure) == [("Alpha surgery clinics", week, 4, 5)]
        grid = client.get(url(sites.measure, f"data/?site={sites.home.pk}")).content.decode()
        assert "Enter data for Alpha home visits" in grid and 'value="4"' not in grid

    def test_a_bad_row_is_reported_next_to_the_field_and_nothing_is_saved(self, world, sites, client_of):
        week = current_period(sites.measure)
        response = client_of(world.a_member).post(
            url(sites.measure, "data/"),
            {"site": sites.home.pk, f"n_{week}": "6", f"d_{week}": "5"},
        )
        assert response.status_code == 400
        assert "The numerator cannot be more than the denominator" in response.content.decode()
        assert stored(sites.measure) == []

    def test_partner_staff_get_their_own_sites_grid_and_no_other(self, world, sites, client_of):
        client = client_of(world.a_partner_staff)
        assert "Enter data for Alpha home visits" in client.get(url(sites.measure, "data/")).content.decode()
        assert client.get(url(sites.measure, f"data/?site={sites.surgery.pk}")).status_code == 403
        week = current_period(sites.measure)
        response = client.post(url(sites.measure, "data/"), {"site": sites.surgery.pk, f"n_{week}": "1"})
        assert response.status_code == 403 and stored(sites.measure) == []

    def test_partner_staff_do_not_enter_a_measure_of_the_whole_project(self, world, sites, client_of):
        client = client_of(world.a_partner_staff)
        for suffix in ("data/", "tally/", "import/"):
            assert client.get(url(world.records_a.measure, suffix)).status_code == 403
        assert "Enter data" not in client.get(url(world.records_a.measure)).content.decode()


class TestCsvImport:
    def test_rows_name_their_site_by_site_or_organisation_name(self, world, sites, client_of):
        text = (
            "site,period_start,numerator,denominator\n"
            "Alpha home visits,2026-01-05,5,10\n"
            "alpha health centre,2026-01-05,3,5\n"
        )
        response = client_of(world.a_member).post(url(sites.measure, "import/"), {"file": upload(text)})
        assert response.status_code == 302
        assert stored(sites.measure) == [
            ("Alpha home visits", FIRST, 5, 10),
            ("Alpha surgery clinics", FIRST, 3, 5),
        ]

    def test_one_bad_site_imports_nothing_and_names_the_row(self, world, sites, client_of):
        text = (
            "site,period_start,numerator,denominator\n"
            "Alpha home visits,2026-01-05,5,10\n"
            "Alpha surgery clinics,2026-01-05,3,5\n"
        )
        response = client_of(world.a_partner_staff).post(
            url(sites.measure, "import/"), {"file": upload(text)}
        )
        body = response.content.decode()
        assert response.status_code == 400 and "Nothing was imported" in body
        assert "Row 3, site: You can enter data only for Alpha home visits" in body
        assert stored(sites.measure) == []

    def test_a_per_site_file_needs_the_site_column(self, world, sites, client_of):
        text = "period_start,numerator,denominator\n2026-01-05,5,10\n"
        body = (
            client_of(world.a_member)
            .post(url(sites.measure, "import/"), {"file": upload(text)})
            .content.decode()
        )
        assert "The file needs the column(s) site" in body

    def test_the_template_and_the_page_say_how(self, world, sites, client_of):
        client = client_of(world.a_partner_staff)
        template = client.get(url(sites.measure, "template.csv")).content.decode().splitlines()
        assert template[0] == "site,period_start,numerator,denominator,note"
        assert template[1].startswith("Alpha home visits,")
        assert "<code>site</code>" in client.get(url(sites.measure, "import/")).content.decode()

    def test_exports_carry_the_site_and_import_again(self, world, sites, client_of):
        points_upsert(
            access=team(world),
            measure=sites.measure,
            points=[point(site="Alpha home visits"), point(site="Alpha surgery clinics", numerator=2)],
            source="api",
        )
        client = client_of(world.a_member)
        exported = client.get(url(sites.measure, "export.csv")).content.decode()
        rows = list(csv.DictReader(io.StringIO(exported)))
        assert [(row["site"], row["numerator"]) for row in rows] == [
            ("Alpha home visits", "5.00"),
            ("Alpha surgery clinics", "2.00"),
        ]
        assert client.post(url(sites.measure, "import/"), {"file": upload(exported)}).status_code == 302
        assert client.get(url(sites.measure, "export.xlsx")).content[:2] == b"PK"


class TestApi:
    def points_url(self, measure):
        return f"/api/v1/projects/{measure.project_id}/measures/{measure.pk}/points/"

    def test_points_take_and_show_their_site(self, world, sites):
        client = api(world.a_member)
        body = {
            "points": [
                {"site": str(sites.home.pk), "period_start": "2026-01-05", "numerator": 5, "denominator": 10}
            ]
        }
        assert (
            client.post(self.points_url(sites.measure), body, content_type="application/json").status_code
            == 200
        )
        listed = client.get(self.points_url(sites.measure)).json()["results"]
        assert [(p["site"], p["numerator"]) for p in listed] == [(str(sites.home.pk), "5.00")]

    def test_partner_staff_are_refused_another_site_and_nothing_is_saved(self, world, sites):
        body = {
            "points": [
                {"site": str(sites.home.pk), "period_start": "2026-01-05", "numerator": 5, "denominator": 10},
                {
                    "site": str(sites.surgery.pk),
                    "period_start": "2026-01-05",
                    "numerator": 3,
                    "denominator": 5,
                },
            ]
        }
        response = api(world.a_partner_staff).post(
            self.points_url(sites.measure), body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["errors"] == [
            {"row": 2, "field": "site", "message": "You can enter data only for Alpha home visits"}
        ]
        assert stored(sites.measure) == []

    def test_other_projects_partner_staff_and_removed_partners_find_nothing(self, world, sites):
        body = {
            "points": [
                {"site": str(sites.home.pk), "period_start": "2026-01-05", "numerator": 1, "denominator": 2}
            ]
        }
        for user in (world.a2_partner_staff, world.removed_partner_staff):
            response = api(user).post(self.points_url(sites.measure), body, content_type="application/json")
            assert response.status_code == 404
        assert stored(sites.measure) == []

    def test_the_analysis_is_the_pathways_or_one_sites(self, world, sites):
        points_upsert(
            access=team(world),
            measure=sites.measure,
            points=[
                point(site="Alpha home visits"),
                point(site="Alpha surgery clinics", numerator=3, denominator=5),
            ],
            source="api",
        )
        client = api(world.a_member)
        base = f"/api/v1/projects/{world.project_a.pk}/measures/{sites.measure.pk}/analysis/"
        pathway = client.get(base + "?chart=p").json()
        assert pathway["pathway"] is True and pathway["result"]["points"][0]["value"] == pytest.approx(
            800 / 15
        )
        one = client.get(base + f"?chart=p&site={sites.surgery.pk}").json()
        assert one["site"] == str(sites.surgery.pk) and one["result"]["points"][0]["value"] == 60
        assert client.get(base + f"?site={uuid.uuid4()}").status_code == 404


class TestThePathway:
    def test_percentages_pool_the_sites_numerators_and_denominators(self, world, sites):
        points_upsert(
            access=team(world),
            measure=sites.measure,
            points=[
                point(FIRST, 5, 10, site="Alpha home visits"),
                point(FIRST, 3, 5, site="Alpha surgery clinics"),
                point(SECOND, 9, 10, site="Alpha home visits"),
            ],
            source="api",
        )
        measure = Measure.objects.get(pk=sites.measure.pk)
        analysis = measure_analysis(measure, chart="p")
        assert [(p.numerator, p.denominator, p.sites) for p in analysis.periods] == [(8, 15, 2), (9, 10, 1)]
        assert analysis.pathway and analysis.result["parts"][0]["centre"] == pytest.approx(100 * 17 / 25)
        surgery = site_analysis(measure, site_id=sites.surgery.pk, chart="p")
        assert [p.value for p in surgery.periods] == [60]

    def test_counts_are_summed(self, world, sites):
        measure = measure_create(
            access=team(world),
            project=world.project_a,
            name="Joint reviews held",
            numerator="Joint reviews",
            unit="count",
            default_chart="run",
            per_site=True,
            starts_on=FIRST,
        )
        points_upsert(
            access=team(world),
            measure=measure,
            points=[
                PointInput(FIRST, Decimal(2), None, site="Alpha home visits"),
                PointInput(FIRST, Decimal(4), None, site="Alpha surgery clinics"),
            ],
            source="api",
        )
        assert [p.value for p in measure_analysis(Measure.objects.get(pk=measure.pk)).periods] == [6]

    def test_minutes_do_not_add_up_so_only_the_sites_have_charts(self, world, sites, client_of):
        measure = measure_create(
            access=team(world),
            project=world.project_a,
            name="Minutes waiting for the review",
            numerator="Minutes",
            unit="minutes",
            improvement_direction="decrease",
            default_chart="xmr",
            per_site=True,
            starts_on=FIRST,
        )
        points_upsert(
            access=team(world),
            measure=measure,
            points=[PointInput(FIRST, Decimal(30), None, site="Alpha home visits")],
            source="api",
        )
        measure = Measure.objects.get(pk=measure.pk)
        assert not measure_analysis(measure).has_data
        assert site_analysis(measure, site_id=sites.home.pk).periods[0].value == 30
        page = client_of(world.a_member).get(url(measure)).content.decode()
        assert "do not add up to minutes of the pathway" in page

    def test_dashboards_summarise_the_pathway_in_the_same_queries(self, world, sites):
        aim = Measure.objects.get(project=world.project_a, is_aim_measure=True)
        Measure.objects.filter(pk=aim.pk).update(is_aim_measure=False)
        Measure.objects.filter(pk=sites.measure.pk).update(is_aim_measure=True)
        points_upsert(
            access=team(world),
            measure=Measure.objects.get(pk=sites.measure.pk),
            points=[
                point(FIRST, 5, 10, site="Alpha home visits"),
                point(FIRST, 3, 5, site="Alpha surgery clinics"),
            ],
            source="api",
        )
        cache.clear()  # the write rebuilt the dashboard entries, which cached the summaries
        with CaptureQueriesContext(connection) as cold:
            facts = aim_facts([world.project_a, world.project_b])
        assert facts[world.project_a.pk].latest_value == pytest.approx(800 / 15)
        assert len(cold.captured_queries) == 3  # the aim measures, their points, their marks
        with CaptureQueriesContext(connection) as warm:
            aim_facts([world.project_a, world.project_b])
        assert len(warm.captured_queries) == 1
        measures = list(Measure.objects.filter(project=world.project_a))
        with CaptureQueriesContext(connection) as summaries:
            measure_summaries(measures)
        assert len(summaries.captured_queries) == 2  # the points and the marks, whatever the sites


class TestMeasurePage:
    def test_it_shows_the_pathway_first_then_each_site_with_a_note_on_kinds(self, world, sites, client_of):
        points_upsert(
            access=team(world),
            measure=sites.measure,
            points=[
                point(FIRST, 5, 10, site="Alpha home visits"),
                point(FIRST, 3, 5, site="Alpha surgery clinics"),
            ],
            source="api",
        )
        body = client_of(world.a_buddy).get(url(sites.measure)).content.decode()
        assert body.index("The whole pathway") < body.index("Each site")
        assert body.index("Each site") < body.index("Alpha home visits") < body.index("Alpha surgery clinics")
        assert (
            "These sites are different kinds of organisation (a home care agency, a GP practice): "
            "compare them with care." in body
        )
        assert body.count('<svg role="img" aria-labelledby=') == 3
        assert (
            "the whole pathway: P-chart</title>" in body and "Alpha surgery clinics: P-chart</title>" in body
        )
        assert "no longer a partner" not in body and sites.removed.site_name not in body

    def test_the_definition_form_offers_per_site_only_with_partners(self, world, client_of):
        with_partners = client_of(world.a_member).get(f"/projects/{world.project_a.pk}/measures/new/")
        without = client_of(world.b_member).get(f"/projects/{world.project_b.pk}/measures/new/")
        assert "Recorded per partner site" in with_partners.content.decode()
        assert "Recorded per partner site" not in without.content.decode()
