"""Pages for responses, themes and collection links."""

from datetime import date

import pytest

from alwaysevents.models import AuditEvent
from coproduction.models import CollectionLink, Response, ResponseTheme, Theme

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_discovery")]

NHS_NUMBER = "943 476 5919"


def base(world) -> str:
    return f"/projects/{world.project_a.pk}"


def make_response(world, text="Being told what happens next", **fields) -> Response:
    from coproduction.identifiers import identifier_kinds

    values = {
        "organisation": world.org_a,
        "project": world.project_a,
        "method": "survey",
        "collected_on": date(2026, 3, 1),
        "respondent": "patient",
        "text": text,
        "identifier_flags": identifier_kinds(text),
    }
    values.update(fields)
    return Response.objects.create(**values)


def response_form(**changes) -> dict:
    data = {
        "method": "conversation",
        "collected_on": "2026-03-02",
        "setting": "Fracture clinic",
        "respondent": "carer",
        "text": "Knowing how long the wait is",
        "anything_else": "",
    }
    data.update(changes)
    return data


class TestResponseList:
    def test_a_buddy_reads_the_responses_and_their_themes(self, world, client_of):
        response = client_of(world.a_buddy).get(f"{base(world)}/responses/")
        body = response.content.decode()
        assert response.status_code == 200
        assert "Knowing where to go" in body and "Finding the way" in body
        assert "Add a response" not in body

    def test_flagged_words_are_hidden_from_everyone_but_the_team(self, world, client_of, system_scope):
        make_response(world, text=f"My NHS number is {NHS_NUMBER}")
        for reader in (world.a_buddy, world.coach_1, world.a_viewer):
            body = client_of(reader).get(f"{base(world)}/responses/").content.decode()
            assert NHS_NUMBER not in body and "Hidden until the team removes identifying details" in body
        body = client_of(world.a_member).get(f"{base(world)}/responses/").content.decode()
        assert NHS_NUMBER in body and "May identify someone" in body and "Redact" in body

    def test_the_edit_page_of_a_flagged_response_warns_in_plain_paragraphs(
        self, world, client_of, system_scope
    ):
        response = make_response(world, text=f"My NHS number is {NHS_NUMBER}")
        body = client_of(world.a_member).get(f"{base(world)}/responses/{response.pk}/edit/").content.decode()
        assert "This response may identify someone" in body
        assert "<p>Remove the identifying details" in body and "&lt;p&gt;" not in body

    def test_it_filters_by_theme_method_respondent_and_date(self, world, client_of, system_scope):
        make_response(
            world, text="Parking near the entrance", method="workshop", collected_on=date(2026, 4, 1)
        )
        client = client_of(world.a_member)
        url = f"{base(world)}/responses/"
        by_theme = client.get(url, {"theme": str(world.records_a.theme.pk)}).content.decode()
        assert "Knowing where to go" in by_theme and "Parking near" not in by_theme
        inbox = client.get(url, {"theme": "untagged"}).content.decode()
        assert "Parking near" in inbox and "Knowing where to go" not in inbox
        by_method = client.get(url, {"method": "workshop"}).content.decode()
        assert "Parking near" in by_method and "Knowing where to go" not in by_method
        by_respondent = client.get(url, {"respondent": "carer"}).content.decode()
        assert "Knowing where to go" in by_respondent and "Parking near" not in by_respondent
        by_date = client.get(url, {"date_from": "2026-03-15", "date_to": "2026-04-30"}).content.decode()
        assert "Parking near" in by_date and "Knowing where to go" not in by_date

    def test_a_bad_filter_gets_a_message(self, world, client_of):
        response = client_of(world.a_member).get(
            f"{base(world)}/responses/", {"date_from": "2026-05-01", "date_to": "2026-04-01"}
        )
        body = response.content.decode()
        assert "<title>Error: " in body and "must be the same as or after" in body

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(f"{base(world)}/responses/").status_code == 404


class TestResponseCreate:
    def test_it_saves_a_response_and_audits_it(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(f"{base(world)}/responses/new/", response_form())
        assert response.status_code == 302
        saved = Response.objects.get(text="Knowing how long the wait is")
        assert (saved.organisation, saved.project, saved.method) == (
            world.org_a,
            world.project_a,
            "conversation",
        )
        assert saved.identifier_flags == []
        event = AuditEvent.objects.get(action="response.create", object_id=str(saved.pk))
        assert event.actor == world.a_member and "text" in event.changed_fields

    def test_it_flags_words_that_look_like_an_identifier(self, world, client_of, system_scope):
        client_of(world.a_member).post(
            f"{base(world)}/responses/new/", response_form(text="email me at jo@example.org")
        )
        assert Response.objects.get(text="email me at jo@example.org").identifier_flags == ["email_address"]

    def test_bad_input_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            f"{base(world)}/responses/new/", response_form(text="", collected_on="31 February")
        )
        body = response.content.decode()
        assert "<title>Error: " in body and "Enter what matters to them" in body
        assert "must be a real date" in body
        assert Response.objects.count() == 2

    def test_staff_cannot_pretend_a_response_came_from_the_public_form(self, world, client_of, system_scope):
        client_of(world.a_member).post(f"{base(world)}/responses/new/", response_form(method="public_form"))
        assert Response.objects.count() == 2

    @pytest.mark.parametrize("reader", ["a_buddy", "coach_1", "a_viewer"])
    def test_readers_cannot_add_responses(self, world, client_of, reader, system_scope):
        client = client_of(getattr(world, reader))
        assert client.get(f"{base(world)}/responses/new/").status_code == 403
        assert client.post(f"{base(world)}/responses/new/", response_form()).status_code == 403
        assert Response.objects.count() == 2

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert (
            client_of(world.b_member).post(f"{base(world)}/responses/new/", response_form()).status_code
            == 404
        )


class TestResponseEdit:
    def url(self, world, response=None):
        return f"{base(world)}/responses/{(response or world.records_a.response).pk}/edit/"

    def test_it_saves_a_change(self, world, client_of, system_scope):
        response = client_of(world.a_partner).post(self.url(world), response_form(version="1"))
        assert response.status_code == 302
        saved = Response.objects.get(pk=world.records_a.response.pk)
        assert (saved.text, saved.version) == ("Knowing how long the wait is", 2)

    def test_redacting_clears_the_flag(self, world, client_of, system_scope):
        flagged = make_response(world, text=f"I am {NHS_NUMBER}, call 07700 900123")
        assert flagged.identifier_flags == ["nhs_number", "phone_number"]
        page = client_of(world.a_member).get(self.url(world, flagged)).content.decode()
        assert "Redact a response" in page and "an NHS number or a phone number" in page
        client_of(world.a_member).post(
            self.url(world, flagged), response_form(text="I am [removed], call [removed]", version="1")
        )
        flagged.refresh_from_db()
        assert flagged.identifier_flags == [] and flagged.text == "I am [removed], call [removed]"
        body = client_of(world.a_buddy).get(f"{base(world)}/responses/").content.decode()
        assert "I am [removed]" in body

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        client_of(world.a_partner).post(self.url(world), response_form(text="Partner's words", version="1"))
        response = client_of(world.a_member).post(
            self.url(world), response_form(text="Lead's words", version="1")
        )
        body = response.content.decode()
        assert "Someone else saved this record" in body and "Partner&#39;s words" in body
        assert Response.objects.get(pk=world.records_a.response.pk).text == "Partner's words"

    def test_bad_input_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(self.url(world), response_form(text="", version="1"))
        assert "Enter what matters to them" in response.content.decode()
        assert Response.objects.get(pk=world.records_a.response.pk).version == 1

    def test_a_buddy_cannot_edit(self, world, client_of):
        assert client_of(world.a_buddy).get(self.url(world)).status_code == 403

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_member).get(self.url(world)).status_code == 404
        other = f"{base(world)}/responses/{world.records_b.response.pk}/edit/"
        assert client_of(world.a_member).get(other).status_code == 404


class TestResponseThemes:
    def url(self, world):
        return f"{base(world)}/responses/{world.records_a.response.pk}/themes/"

    def test_it_tags_and_untags(self, world, client_of, system_scope):
        second = Theme.objects.create(organisation=world.org_a, project=world.project_a, name="Waiting")
        client = client_of(world.a_member)
        assert "Waiting" in client.get(self.url(world)).content.decode()
        assert client.post(self.url(world), {"themes": [str(second.pk)], "version": "1"}).status_code == 302
        tags = ResponseTheme.objects.filter(response=world.records_a.response)
        assert list(tags.values_list("theme_id", flat=True)) == [second.pk]
        assert Response.objects.get(pk=world.records_a.response.pk).version == 2
        assert AuditEvent.objects.filter(action="response.themes").count() == 1
        client.post(self.url(world), {"version": "2"})
        assert not tags.exists()

    def test_it_refuses_a_stale_change(self, world, client_of, system_scope):
        client_of(world.a_partner).post(self.url(world), {"version": "1"})
        response = client_of(world.a_member).post(
            self.url(world), {"themes": [str(world.records_a.theme.pk)], "version": "1"}
        )
        assert "Someone else changed this response" in response.content.decode()
        assert not ResponseTheme.objects.filter(response=world.records_a.response).exists()

    def test_another_projects_theme_is_refused(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            self.url(world), {"themes": [str(world.records_b.theme.pk)], "version": "1"}
        )
        assert response.status_code == 200 and "<title>Error: " in response.content.decode()
        assert ResponseTheme.objects.filter(theme=world.records_b.theme).count() == 1

    def test_a_coach_cannot_theme(self, world, client_of):
        assert client_of(world.coach_1).post(self.url(world), {"version": "1"}).status_code == 403

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_buddy).get(self.url(world)).status_code == 404


class TestThemes:
    def test_the_list_shows_counts_and_quotes_but_never_flagged_words(self, world, client_of, system_scope):
        theme = world.records_a.theme
        for text in ("Signs I can read", f"Call me on 07700 900123 about {NHS_NUMBER}"):
            tagged = make_response(world, text=text)
            ResponseTheme.objects.create(
                organisation=world.org_a, project=world.project_a, response=tagged, theme=theme
            )
        body = client_of(world.a_member).get(f"{base(world)}/themes/").content.decode()
        assert "3 responses" in body and "Signs I can read" in body and "Knowing where to go" in body
        assert "07700" not in body

    def test_it_shows_at_most_three_quotes_a_theme(self, world, client_of, system_scope):
        for number in range(5):
            tagged = make_response(
                world, text=f"Quote number {number}", collected_on=date(2026, 5, number + 1)
            )
            ResponseTheme.objects.create(
                organisation=world.org_a,
                project=world.project_a,
                response=tagged,
                theme=world.records_a.theme,
            )
        body = client_of(world.a_buddy).get(f"{base(world)}/themes/").content.decode()
        assert [f"Quote number {n}" in body for n in range(5)] == [False, False, True, True, True]

    def test_it_creates_a_theme(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(f"{base(world)}/themes/new/", {"name": "Waiting times"})
        assert response.status_code == 302
        theme = Theme.objects.get(name="Waiting times")
        assert theme.organisation == world.org_a and AuditEvent.objects.filter(action="theme.create").exists()

    def test_a_duplicate_name_is_refused(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(f"{base(world)}/themes/new/", {"name": "finding the way"})
        assert "There is already a theme with this name" in response.content.decode()
        assert Theme.objects.filter(project=world.project_a).count() == 1

    def test_it_renames_a_theme_and_refuses_a_stale_rename(self, world, client_of, system_scope):
        url = f"{base(world)}/themes/{world.records_a.theme.pk}/edit/"
        assert client_of(world.a_member).post(url, {"name": "Wayfinding", "version": "1"}).status_code == 302
        response = client_of(world.a_partner).post(url, {"name": "Signs", "version": "1"})
        body = response.content.decode()
        assert "Someone else saved this record" in body and "Wayfinding" in body
        theme = Theme.objects.get(pk=world.records_a.theme.pk)
        assert (theme.name, theme.version) == ("Wayfinding", 2)

    def test_merging_moves_the_tags_without_duplicates_and_deletes_the_source(
        self, world, client_of, system_scope
    ):
        common = {"organisation": world.org_a, "project": world.project_a}
        source = world.records_a.theme
        target = Theme.objects.create(**common, name="Signs and maps")
        both = make_response(world, text="Maps at the door")
        only_source = world.records_a.response
        ResponseTheme.objects.create(**common, response=both, theme=source)
        ResponseTheme.objects.create(**common, response=both, theme=target)
        page = client_of(world.a_member).get(f"{base(world)}/themes/{source.pk}/merge/").content.decode()
        assert "Signs and maps" in page and "2 responses" in page
        response = client_of(world.a_member).post(
            f"{base(world)}/themes/{source.pk}/merge/", {"target": str(target.pk)}
        )
        assert response.status_code == 302
        assert not Theme.objects.filter(pk=source.pk).exists()
        tags = ResponseTheme.objects.filter(project=world.project_a)
        assert sorted(tags.values_list("response_id", "theme_id")) == sorted(
            [(both.pk, target.pk), (only_source.pk, target.pk)]
        )
        assert AuditEvent.objects.filter(action="theme.merge", object_id=str(target.pk)).exists()
        assert AuditEvent.objects.filter(action="theme.delete", object_id=str(source.pk)).exists()

    def test_a_theme_cannot_be_merged_into_another_projects_theme(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            f"{base(world)}/themes/{world.records_a.theme.pk}/merge/",
            {"target": str(world.records_b.theme.pk)},
        )
        assert response.status_code == 200 and "<title>Error: " in response.content.decode()
        assert Theme.objects.filter(pk=world.records_a.theme.pk).exists()

    @pytest.mark.parametrize("path", ["themes/new/", "themes/{theme}/edit/", "themes/{theme}/merge/"])
    def test_a_buddy_cannot_change_themes(self, world, client_of, path):
        url = f"{base(world)}/" + path.format(theme=world.records_a.theme.pk)
        assert client_of(world.a_buddy).get(url).status_code == 403
        assert client_of(world.b_member).get(url).status_code == 404


class TestCollectionLinks:
    def test_the_team_opens_a_link_and_gets_its_poster(self, world, client_of, system_scope, settings):
        settings.SITE_URL = "https://always.example.org"
        response = client_of(world.a_member).post(
            f"{base(world)}/links/new/",
            {"setting": "Children's outpatients", "question": "What matters to you?"},
        )
        link = CollectionLink.objects.get(setting="Children's outpatients")
        assert response["Location"] == f"{base(world)}/links/{link.pk}/poster/"
        assert link.is_open and link.organisation == world.org_a
        poster = client_of(world.a_member).get(response["Location"]).content.decode()
        assert f"https://always.example.org/r/{link.code}/" in poster
        assert "<svg" in poster and "<path" in poster and 'role="img"' in poster
        assert "style=" not in poster and "css/print.css" in poster

    def test_bad_input_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            f"{base(world)}/links/new/", {"setting": "", "question": ""}
        )
        assert "Enter where the form will be used" in response.content.decode()
        assert CollectionLink.objects.filter(project=world.project_a).count() == 1

    def test_the_team_closes_and_reopens_a_link(self, world, client_of, system_scope):
        link = world.records_a.link
        url = f"{base(world)}/links/{link.pk}/toggle/"
        client_of(world.a_member).post(url, {"is_open": "false", "version": "1"})
        link.refresh_from_db()
        assert (link.is_open, link.version) == (False, 2)
        assert (
            "Open this form again" in client_of(world.a_member).get(f"{base(world)}/links/").content.decode()
        )
        client_of(world.a_member).post(url, {"is_open": "true", "version": "2"})
        link.refresh_from_db()
        assert link.is_open
        assert [
            event.action
            for event in AuditEvent.objects.filter(object_id=str(link.pk)).order_by("occurred_at")
        ] == [
            "collection_link.close",
            "collection_link.open",
        ]

    def test_a_stale_toggle_is_refused(self, world, client_of, system_scope):
        url = f"{base(world)}/links/{world.records_a.link.pk}/toggle/"
        client_of(world.a_member).post(url, {"is_open": "false", "version": "1"})
        response = client_of(world.a_partner).post(url, {"is_open": "true", "version": "1"}, follow=True)
        assert "Someone else changed this form" in response.content.decode()
        assert not CollectionLink.objects.get(pk=world.records_a.link.pk).is_open

    @pytest.mark.parametrize("reader", ["a_buddy", "coach_1"])
    def test_links_and_posters_are_the_teams_only(self, world, client_of, reader, system_scope):
        client = client_of(getattr(world, reader))
        link = world.records_a.link
        assert client.get(f"{base(world)}/links/").status_code == 403
        assert client.get(f"{base(world)}/links/{link.pk}/poster/").status_code == 403
        assert (
            client.post(
                f"{base(world)}/links/{link.pk}/toggle/", {"is_open": "false", "version": "1"}
            ).status_code
            == 403
        )
        assert CollectionLink.objects.get(pk=link.pk).is_open

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        link = world.records_a.link
        assert client_of(world.b_member).get(f"{base(world)}/links/{link.pk}/poster/").status_code == 404
        assert client_of(world.b_member).post(f"{base(world)}/links/{link.pk}/toggle/").status_code == 404


@pytest.mark.django_db
def test_a_long_response_list_pages_and_keeps_its_filters(world, client_of, system_scope):
    from datetime import date

    from coproduction.models import Response
    from coproduction.views.discovery import RESPONSES_PER_PAGE

    Response.objects.bulk_create(
        Response(
            organisation=world.org_a,
            project=world.project_a,
            method="survey",
            collected_on=date(2026, 2, 2),
            text=f"Answer {number}",
        )
        for number in range(RESPONSES_PER_PAGE + 5)
    )
    client = client_of(world.a_member)
    first = client.get(f"/projects/{world.project_a.pk}/responses/?method=survey")
    assert first.status_code == 200
    assert "method=survey&amp;page=2" in first.content.decode()
    assert client.get(f"/projects/{world.project_a.pk}/responses/?method=survey&page=2").status_code == 200
