from datetime import date, timedelta

import pytest
from django.utils import timezone

from measurement.models import DataPoint, Measure
from measurement.points import current_period


def measure_url(world, suffix=""):
    measure = world.records_a.measure
    return f"/projects/{world.project_a.pk}/measures/{measure.pk}/{suffix}"


def csv_file(text: str, name="data.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text.encode(), content_type="text/csv")


@pytest.mark.django_db
class TestMeasureDefinition:
    def form(self, world, **changes):
        data = {
            "name": "Balancing: minutes at the desk",
            "kind": "balancing",
            "numerator": "Minutes spent giving directions",
            "denominator": "",
            "collection_method": "staff_audit",
            "frequency": "weekly",
            "week_start": "0",
            "unit": "minutes",
            "improvement_direction": "decrease",
            "default_chart": "xmr",
            "starts_on": "2026-01-05",
        }
        data.update(changes)
        return data

    def test_the_team_adds_a_measure(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            f"/projects/{world.project_a.pk}/measures/new/", self.form(world)
        )
        assert response.status_code == 302
        assert Measure.objects.filter(project=world.project_a, name="Balancing: minutes at the desk").exists()

    def test_a_percentage_needs_a_denominator(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            f"/projects/{world.project_a.pk}/measures/new/", self.form(world, unit="percent")
        )
        assert response.status_code == 400 and "A percentage needs a denominator" in response.content.decode()
        assert Measure.objects.filter(project=world.project_a).count() == 1

    def test_a_stale_edit_is_refused(self, world, client_of, system_scope):
        measure = world.records_a.measure
        base = self.form(
            world,
            name=measure.name,
            unit="percent",
            denominator="Families asked",
            kind="process",
            improvement_direction="increase",
            default_chart="run",
            version="1",
            target="90",
        )
        client_of(world.a_partner).post(measure_url(world, "edit/"), dict(base, name="Partner's name"))
        response = client_of(world.a_member).post(measure_url(world, "edit/"), dict(base, name="Lead's name"))
        assert "Someone else saved this measure" in response.content.decode()
        assert Measure.objects.get(pk=measure.pk).name == "Partner's name"

    def test_a_buddy_reads_but_cannot_edit(self, world, client_of):
        client = client_of(world.a_buddy)
        assert client.get(measure_url(world)).status_code == 200
        for suffix in ("edit/", "data/", "tally/", "import/"):
            assert client.get(measure_url(world, suffix)).status_code == 403


@pytest.mark.django_db
class TestChart:
    def test_the_page_shows_an_accessible_chart_its_finding_and_the_data(self, world, client_of):
        body = client_of(world.a_buddy).get(measure_url(world) + "?chart=xmr").content.decode()
        assert '<svg role="img" aria-labelledby=' in body and "<title id=" in body and "<desc id=" in body
        assert "The latest value" in body and "The data behind the chart" in body

    @pytest.mark.parametrize("chart", ["run", "p", "xmr"])
    def test_every_chart_kind_renders(self, world, client_of, chart):
        assert client_of(world.a_member).get(measure_url(world) + f"?chart={chart}").status_code == 200

    def test_an_unknown_chart_is_not_found(self, world, client_of):
        assert client_of(world.a_member).get(measure_url(world) + "?chart=pie").status_code == 404


@pytest.mark.django_db
class TestDataEntry:
    def test_the_quick_tally_adds_to_this_weeks_numerator_and_denominator(
        self, world, client_of, system_scope
    ):
        measure = world.records_a.measure
        client = client_of(world.a_member)
        client.post(measure_url(world, "tally/"), {"happened": "yes"})
        client.post(measure_url(world, "tally/"), {"happened": "yes"})
        client.post(measure_url(world, "tally/"), {"happened": "no"})
        point = DataPoint.objects.get(measure=measure, period_start=current_period(measure))
        assert (point.numerator, point.denominator) == (2, 3)

    def test_the_grid_saves_a_week_and_reports_a_bad_one_next_to_the_field(
        self, world, client_of, system_scope
    ):
        measure = world.records_a.measure
        week = current_period(measure)
        client = client_of(world.a_member)
        response = client.post(measure_url(world, "data/"), {f"n_{week}": "11", f"d_{week}": "10"})
        assert response.status_code == 400
        assert "The numerator cannot be more than the denominator" in response.content.decode()
        assert not DataPoint.objects.filter(measure=measure, period_start=week).exists()
        client.post(
            measure_url(world, "data/"), {f"n_{week}": "8", f"d_{week}": "10", f"note_{week}": "busy"}
        )
        assert DataPoint.objects.get(measure=measure, period_start=week).note == "busy"

    def test_the_grid_lists_the_current_period_first(self, world, client_of):
        body = client_of(world.a_member).get(measure_url(world, "data/")).content.decode()
        week = current_period(world.records_a.measure)
        assert body.index(f"n_{week}") < body.index(f"n_{week - timedelta(weeks=1)}")


@pytest.mark.django_db
class TestImportExport:
    def test_a_file_with_a_bad_row_imports_nothing_and_says_where(self, world, client_of, system_scope):
        measure = world.records_a.measure
        before = DataPoint.objects.filter(measure=measure).count()
        text = "period_start,numerator,denominator\n2026-03-30,5,10\n2026-04-06,12,10\n2026-04-08,x,10\n"
        response = client_of(world.a_member).post(measure_url(world, "import/"), {"file": csv_file(text)})
        body = response.content.decode()
        assert response.status_code == 400 and "Nothing was imported" in body
        assert "Row 4, numerator: &#39;x&#39; is not a number" in body
        assert DataPoint.objects.filter(measure=measure).count() == before

    def test_a_good_file_imports_and_importing_it_again_changes_nothing(self, world, client_of, system_scope):
        measure = world.records_a.measure
        text = "period_start,numerator,denominator,note\n2026-03-30,5,10,\n2026-04-06,9,10,new signs\n"
        client = client_of(world.a_member)
        assert client.post(measure_url(world, "import/"), {"file": csv_file(text)}).status_code == 302
        snapshot = list(
            DataPoint.objects.filter(measure=measure).values_list("period_start", "numerator", "note")
        )
        client.post(measure_url(world, "import/"), {"file": csv_file(text)})
        assert snapshot == list(
            DataPoint.objects.filter(measure=measure).values_list("period_start", "numerator", "note")
        )
        assert DataPoint.objects.get(measure=measure, period_start=date(2026, 4, 6)).note == "new signs"

    def test_a_future_or_misaligned_period_is_refused(self, world, client_of, system_scope):
        future = timezone.localdate() + timedelta(weeks=3)
        future -= timedelta(days=future.weekday())
        text = f"period_start,numerator,denominator\n{future},5,10\n2026-04-07,5,10\n"
        body = (
            client_of(world.a_member)
            .post(measure_url(world, "import/"), {"file": csv_file(text)})
            .content.decode()
        )
        assert "is in the future" in body and "did you mean 2026-04-06" in body

    def test_exports_download_csv_and_xlsx(self, world, client_of):
        client = client_of(world.a_buddy)
        csv_response = client.get(measure_url(world, "export.csv"))
        assert csv_response["Content-Type"] == "text/csv" and "2026-01-05" in csv_response.content.decode()
        xlsx = client.get(measure_url(world, "export.xlsx"))
        assert xlsx.content[:2] == b"PK"
        assert client.get(measure_url(world, "template.csv")).content.decode().startswith("period_start,")
