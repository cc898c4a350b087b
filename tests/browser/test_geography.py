"""The reference data programme admins keep, in a real browser, axe-checked: an independent care provider
added with its CQC location ID (a bad one refused beside the field first), a system's place added, and the
regions page listing it."""

import re

import pytest
from playwright.sync_api import expect

from programmes.models import Organisation, Place

from .conftest import assert_accessible
from .test_coach_morning import sign_in_with_authenticator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_programme_admin_adds_a_care_provider_and_a_place(page, world, system_scope):
    sign_in_with_authenticator(page, world.programme_admin)
    page.get_by_role("button", name="More").click()  # the header's overflow menu
    page.get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    assert_accessible(page)

    page.get_by_role("button", name="Add an organisation").click()
    assert_accessible(page)
    page.get_by_label("Name").fill("Salford Home Care")
    page.get_by_label("Kind of organisation").select_option("independent_care")
    page.get_by_label("Type").select_option("domiciliary_care")
    page.get_by_label("CQC location ID").fill("123456789")
    page.get_by_label("System").select_option(str(world.system_a.pk))
    page.get_by_role("button", name="Add organisation").click()
    expect(page).to_have_title(re.compile("^Error: "))
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    assert not Organisation.objects.filter(name="Salford Home Care").exists()

    page.get_by_label("CQC location ID").fill("1-123456789")
    page.get_by_role("button", name="Add organisation").click()
    expect(page.get_by_text("Salford Home Care").first).to_be_visible()
    assert_accessible(page)
    assert Organisation.objects.get(name="Salford Home Care").cqc_location_id == "1-123456789"

    page.goto("/regions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Places and regions")
    assert_accessible(page)
    page.goto(f"/systems/{world.system_a.pk}/places/")
    assert_accessible(page)
    page.get_by_label("Name").fill("Salford Locality")
    page.get_by_role("button", name="Add place").click()
    expect(page.get_by_role("link", name="Salford Locality", exact=True)).to_be_visible()
    assert_accessible(page)
    assert Place.objects.filter(system=world.system_a, name="Salford Locality").exists()

    page.get_by_role("link", name="Salford Locality", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Salford Locality")
    assert_accessible(page)
    page.goto(world.region_a.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_have_text(world.region_a.name)
    expect(page.get_by_text("Salford Locality").first).to_be_visible()
    assert_accessible(page)
    assert page.console_errors == []
