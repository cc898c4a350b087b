"""The public "What matters to you?" form: no login, CSRF, honeypot, rate limit, closed links."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from alwaysevents.models import AuditEvent
from coproduction.models import CollectionLink, Response

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_discovery")]


def url(world, suffix="") -> str:
    return f"/r/{world.records_a.link.code}/{suffix}"


def answer(**changes) -> dict:
    data = {"text": "Knowing who my nurse is", "anything_else": "", "respondent": "carer", "website": ""}
    data.update(changes)
    return data


def public_responses():
    return Response.objects.filter(method="public_form")


class TestPublicForm:
    def test_anyone_can_open_it_and_it_names_only_the_organisation_and_setting(self, world):
        response = Client().get(url(world))
        body = response.content.decode()
        assert response.status_code == 200
        assert "What matters to you?" in body
        assert "Alpha Hospital Trust" in body and "Outpatients waiting area" in body
        assert world.project_a.title not in body and str(world.project_a.pk) not in body
        assert "Do not include your name or anything that could identify you" in body

    def test_it_asks_for_no_name_or_identifier(self, world):
        body = Client().get(url(world)).content.decode()
        form = body[body.index('<form method="post"') : body.index("</form>")]
        names = {"text", "anything_else", "respondent", "website", "csrfmiddlewaretoken"}
        assert set(re.findall(r'name="([^"]+)"', form)) == names
        assert "Leave this field empty" in form
        for choice in ("Patient", "Carer", "Family member", "Service user", "Staff", "Prefer not to say"):
            assert choice in body

    def test_an_answer_is_saved_and_audited_as_the_public_form(self, world, system_scope):
        response = Client().post(url(world), answer(anything_else="Parking is hard"))
        assert response.status_code == 302 and response["Location"] == url(world, "thanks/")
        saved = public_responses().get()
        assert (saved.organisation, saved.project, saved.collection_link) == (
            world.org_a,
            world.project_a,
            world.records_a.link,
        )
        assert (saved.collected_on, saved.respondent, saved.setting) == (
            timezone.localdate(),
            "carer",
            "Outpatients waiting area",
        )
        assert saved.anything_else == "Parking is hard" and saved.identifier_flags == []
        event = AuditEvent.objects.get(action="response.create", object_id=str(saved.pk))
        assert event.actor is None and event.system_job == "public_form" and event.organisation == world.org_a

    def test_who_is_answering_is_optional(self, world, system_scope):
        Client().post(url(world), answer(respondent=""))
        assert public_responses().get().respondent == "not_said"

    def test_an_answer_that_looks_like_an_identifier_is_flagged(self, world, system_scope):
        Client().post(url(world), answer(text="I'm at SW1A 1AA", anything_else="jo@example.org"))
        assert public_responses().get().identifier_flags == ["email_address", "postcode"]

    def test_an_empty_answer_gets_a_message_and_stores_nothing(self, world, system_scope):
        response = Client().post(url(world), answer(text=""))
        body = response.content.decode()
        assert response.status_code == 200
        assert "<title>Error: " in body and "Tell us what matters to you" in body
        assert not public_responses().exists()

    def test_the_thank_you_page(self, world):
        body = Client().get(url(world, "thanks/")).content.decode()
        assert "Thank you" in body and world.project_a.title not in body

    def test_it_is_csrf_protected(self, world, system_scope):
        response = Client(enforce_csrf_checks=True).post(url(world), answer())
        assert response.status_code == 403 and not public_responses().exists()

    def test_a_filled_honeypot_pretends_success_and_stores_nothing(self, world, system_scope):
        response = Client().post(url(world), answer(website="http://spam.example"))
        assert response.status_code == 302 and response["Location"] == url(world, "thanks/")
        assert not public_responses().exists()

    def test_one_address_may_send_ten_answers_in_ten_minutes(self, world, system_scope):
        client = Client(REMOTE_ADDR="203.0.113.9")
        statuses = [client.post(url(world), answer(text=f"Answer {n}")).status_code for n in range(11)]
        assert statuses == [302] * 10 + [429]
        assert "Please try again later" in client.post(url(world), answer()).content.decode()
        assert public_responses().count() == 10
        assert Client(REMOTE_ADDR="203.0.113.10").post(url(world), answer()).status_code == 302

    def test_the_cache_never_holds_the_address(self, world):
        from django.core.cache import cache

        if not hasattr(cache, "_cache"):
            pytest.skip("the cache's keys can be listed only in Redis")
        Client(REMOTE_ADDR="203.0.113.9").post(url(world), answer())
        keys = list(cache._cache.get_client().scan_iter(f"{cache.key_prefix}*"))
        assert any(b"public_response_rate" in key for key in keys)
        assert all(b"203.0.113.9" not in key for key in keys)

    def test_a_closed_link_says_so_politely_and_stores_nothing(self, world, system_scope):
        CollectionLink.objects.filter(pk=world.records_a.link.pk).update(is_open=False)
        page = Client().get(url(world))
        assert page.status_code == 200 and "This form is closed" in page.content.decode()
        posted = Client().post(url(world), answer())
        assert "This form is closed" in posted.content.decode()
        assert not public_responses().exists()

    def test_an_unknown_code_is_not_found(self, world):
        assert Client().get("/r/not-a-code/").status_code == 404
        assert Client().post("/r/not-a-code/", answer()).status_code == 404
        assert Client().get("/r/not-a-code/thanks/").status_code == 404

    def test_a_signed_in_outsider_answers_like_anyone_else(self, world, client_of, system_scope):
        response = client_of(world.b_member).post(url(world), answer())
        assert response.status_code == 302
        assert public_responses().get().project == world.project_a
