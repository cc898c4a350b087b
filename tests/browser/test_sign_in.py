import re

import pytest
from playwright.sync_api import expect

from .conftest import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_member_signs_in_and_sees_only_their_project(page, world):
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)

    sign_in(page, world.a_member.email)
    expect(page.get_by_role("heading", name="Your projects")).to_be_visible()
    expect(page.get_by_role("link", name=world.project_a.title)).to_be_visible()
    expect(page.get_by_text(world.project_b.title)).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name=world.project_a.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(world.project_a.title)
    assert_accessible(page)
    assert page.console_errors == []


def test_a_wrong_password_gets_a_clear_message(page, world):
    sign_in(page, world.a_member.email, password="not-the-password")
    expect(
        page.get_by_text("The email address and/or password you specified are not correct.")
    ).to_be_visible()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)


def test_the_pages_work_without_javascript(browser, live_server, world):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    sign_in(page, world.a_buddy.email)
    expect(page.get_by_role("heading", name="Projects you buddy")).to_be_visible()
    context.close()
