import pytest
from django.test import Client

from accounts.services import api_token_create
from measurement.models import DataPoint, Measure


def api(world, user):
    _, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def base(world):
    return f"/api/v1/projects/{world.project_a.pk}/measures/"


@pytest.mark.django_db
class TestMeasureApi:
    def test_list_create_and_update_with_its_version(self, world, system_scope):
        client = api(world, world.a_member)
        assert client.get(base(world)).json()["count"] == 1
        created = client.post(
            base(world),
            {
                "name": "Minutes at the desk",
                "kind": "balancing",
                "numerator": "Minutes",
                "unit": "minutes",
                "improvement_direction": "decrease",
                "default_chart": "xmr",
                "starts_on": "2026-01-05",
            },
            content_type="application/json",
        )
        assert created.status_code == 201
        url = f"{base(world)}{created.json()['id']}/"
        assert (
            client.patch(url, {"name": "Desk minutes", "version": 1}, content_type="application/json").json()[
                "version"
            ]
            == 2
        )
        stale = client.patch(url, {"name": "Again", "version": 1}, content_type="application/json")
        assert (
            stale.status_code == 409 and Measure.objects.get(pk=created.json()["id"]).name == "Desk minutes"
        )

    def test_the_bulk_upsert_saves_all_or_nothing(self, world, system_scope):
        client = api(world, world.a_member)
        url = f"{base(world)}{world.records_a.measure.pk}/points/"
        before = DataPoint.objects.count()
        bad = client.post(
            url,
            {
                "points": [
                    {"period_start": "2026-03-30", "numerator": 5, "denominator": 10},
                    {"period_start": "2026-04-06", "numerator": 11, "denominator": 10},
                ]
            },
            content_type="application/json",
        )
        assert bad.status_code == 400 and bad.json()["errors"][0]["row"] == 2
        assert DataPoint.objects.count() == before
        good = client.post(
            url,
            {
                "points": [
                    {"period_start": "2026-03-30", "numerator": 5, "denominator": 10},
                    {"period_start": "2026-04-06", "numerator": 9, "denominator": 10, "note": "new signs"},
                ]
            },
            content_type="application/json",
        )
        assert good.json()["saved"] == 2 and DataPoint.objects.count() == before + 2
        client.post(
            url,
            {"points": [{"period_start": "2026-04-06", "numerator": 9, "denominator": 10}]},
            content_type="application/json",
        )
        assert DataPoint.objects.count() == before + 2

    def test_the_analysis_is_the_engines_result(self, world):
        client = api(world, world.a_buddy)
        data = client.get(f"{base(world)}{world.records_a.measure.pk}/analysis/?chart=xmr").json()
        assert data["chart"] == "xmr" and len(data["result"]["points"]) == len(data["periods"]) == 12
        assert data["result"]["variation_icon"] and data["finding"].startswith("The latest value")

    def test_a_buddy_cannot_write(self, world):
        client = api(world, world.a_buddy)
        response = client.post(
            f"{base(world)}{world.records_a.measure.pk}/points/",
            {"points": [{"period_start": "2026-03-30", "numerator": 5, "denominator": 10}]},
            content_type="application/json",
        )
        assert response.status_code == 403
