"""The equity marker on the system dashboard in a real browser, axe-checked: a system viewer sees that the
gap of a project's aim measure narrows and opens the finding that says why."""

import pytest
from playwright.sync_api import expect

from tests.equity_data import add_stratified_aim

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_system_viewer_reads_why_a_gap_narrows(page, world):
    add_stratified_aim(world)
    sign_in(page, world.a_viewer.email)
    page.get_by_role("link", name="System dashboard").click()
    table = page.get_by_role("table", name="Projects in Alpha ICS")
    marker = table.get_by_text("Gap narrowing")
    expect(marker).to_be_visible()
    finding = table.get_by_text("The gap has narrowed")
    expect(finding).to_be_hidden()
    marker.click()
    expect(finding).to_be_visible()
    assert_accessible(page)
