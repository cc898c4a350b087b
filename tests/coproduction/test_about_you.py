"""What matters, by group: the optional "about you" questions a collection link asks, their answers on the
public form and in staff entry, and each theme's responses counted by group, suppressed outside the team."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.access import Access
from accounts.services import api_token_create
from coproduction.about_you import askable_questions
from coproduction.models import CollectionLink, Response, ResponseTheme, Theme
from coproduction.services.discovery import link_create, public_response_submit

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_discovery")]

AGE_COLUMNS = ["0-17", "18-44", "45-64", "65-79", "80+", "prefer-not-to-say", "not-answered"]


def base(world) -> str:
    return f"/projects/{world.project_a.pk}"


def asking(world, *keys) -> CollectionLink:
    return link_create(
        access=Access.for_user(world.a_member),
        project=world.project_a,
        setting="Fracture clinic",
        about_you=list(keys),
    )


def answer(**changes) -> dict:
    data = {"text": "Knowing who my nurse is", "anything_else": "", "respondent": "", "website": ""}
    data.update(changes)
    return data


def api_client(user) -> Client:
    _, key = api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def tag_responses(world, theme: Theme, ages: dict) -> None:
    common = {"organisation": world.org_a, "project": world.project_a}
    for age, count in ages.items():
        for _ in range(count):
            response = Response.objects.create(
                **common,
                method="survey",
                collected_on=date(2026, 3, 1),
                text="Being told what happens next",
                about_you={"age": age},
            )
            ResponseTheme.objects.create(**common, response=response, theme=theme)


@pytest.fixture
def counted(world, system_scope):
    """Two themes counted by age band. "Finding the way" already has one response with no answers."""
    asking(world, "age")
    informed = Theme.objects.create(organisation=world.org_a, project=world.project_a, name="Kept informed")
    tag_responses(world, world.records_a.theme, {"18-44": 10, "65-79": 3, "80+": 9})
    tag_responses(world, informed, {"18-44": 12, "65-79": 8, "80+": 10})
    return world


def by_theme(body: dict) -> dict:
    return {row["name"]: dict(zip(AGE_COLUMNS, row["counts"], strict=True)) for row in body["rows"]}


class TestLinkQuestions:
    def test_a_link_asks_the_chosen_questions_in_the_programmes_order(self, world, system_scope):
        link = asking(world, "ethnic-group", "age")
        assert link.about_you == ["age", "ethnic-group"]

    def test_the_deprivation_quintile_is_never_asked(self, world, system_scope):
        assert "deprivation" not in [question.key for question in askable_questions(world.project_a)]
        with pytest.raises(ValidationError) as refused:
            asking(world, "age", "deprivation")
        assert "cannot tell theirs without giving their postcode" in str(refused.value.message_dict)
        assert not CollectionLink.objects.filter(setting="Fracture clinic").exists()

    def test_an_unknown_question_is_refused(self, world, system_scope):
        with pytest.raises(ValidationError) as refused:
            asking(world, "postcode-district")
        assert refused.value.message_dict == {
            "about_you": ["There is no 'about you' question called 'postcode-district'"]
        }

    def test_a_place_question_offers_the_places_of_the_projects_system(self, world, system_scope):
        place = {question.key: question for question in askable_questions(world.project_a)}["place"]
        assert place.groups == ((str(world.place_a.pk), "Alpha Place Alliance"),)
        assert place.choices[-1] == ("prefer-not-to-say", "Prefer not to say")

    def test_a_place_question_is_refused_where_the_system_has_no_places(self, world, system_scope):
        with pytest.raises(ValidationError) as refused:
            link_create(
                access=Access.for_user(world.b_member),
                project=world.project_b,
                setting="Ward 3",
                about_you=["place"],
            )
        assert "needs the places of the project's system" in str(refused.value.message_dict)

    def test_the_link_form_offers_the_questions_and_saves_the_choice(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        body = client.get(f"{base(world)}/links/new/").content.decode()
        assert "Age band" in body and "Ethnic group" in body and "Place" in body
        assert 'value="deprivation"' not in body
        posted = client.post(
            f"{base(world)}/links/new/",
            {"setting": "Fracture clinic", "question": "What matters to you?", "about_you": ["sex", "age"]},
        )
        assert posted.status_code == 302
        assert CollectionLink.objects.get(setting="Fracture clinic").about_you == ["age", "sex"]

    def test_the_api_refuses_deprivation_by_field(self, world, system_scope):
        response = api_client(world.a_member).post(
            f"/api/v1{base(world)}/links/",
            {"setting": "Fracture clinic", "about_you": ["deprivation"]},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert "postcode" in response.json()["about_you"][0]
        assert not CollectionLink.objects.filter(setting="Fracture clinic").exists()


class TestPublicForm:
    def test_each_question_is_an_optional_fieldset_with_prefer_not_to_say(self, world, system_scope):
        link = asking(world, "age", "sex")
        body = Client().get(f"/r/{link.code}/").content.decode()
        assert "About you (optional)" in body
        assert body.count("<legend") == 3  # who is answering, age band, sex: each radios in a fieldset
        assert "Age band (optional)" in body and "Sex (optional)" in body
        assert body.count('value="prefer-not-to-say"') == 2
        assert 'name="about_you_age"' in body and 'value="65-79"' in body
        assert "deprivation" not in body.lower() and "postcode" not in body.lower().replace(
            "address or postcode", ""
        )

    def test_answers_are_stored_as_group_keys(self, world, system_scope):
        link = asking(world, "age", "sex", "ethnic-group")
        response = Client().post(
            f"/r/{link.code}/",
            answer(about_you_age="65-79", about_you_sex="prefer-not-to-say"),
        )
        assert response.status_code == 302
        saved = Response.objects.get(collection_link=link)
        assert saved.about_you == {"age": "65-79", "sex": "prefer-not-to-say"}  # ethnic group skipped

    def test_a_bad_answer_is_refused_and_nothing_is_saved(self, world, system_scope):
        link = asking(world, "age")
        response = Client().post(f"/r/{link.code}/", answer(about_you_age="42"))
        body = response.content.decode()
        assert response.status_code == 200 and "<title>Error: " in body
        assert "Choose one of the answers to &#39;Age band&#39;, or &#39;Prefer not to say&#39;" in body
        assert not Response.objects.filter(collection_link=link).exists()

    def test_the_service_refuses_a_question_the_link_does_not_ask(self, world, system_scope):
        link = asking(world, "age")
        with pytest.raises(ValidationError):
            public_response_submit(link=link, text="Parking", about_you={"sex": "female"})
        assert not Response.objects.filter(collection_link=link).exists()


class TestStaffEntry:
    def test_it_offers_the_links_questions_and_saves_the_answers(self, world, client_of, system_scope):
        asking(world, "age")
        client = client_of(world.a_member)
        body = client.get(f"{base(world)}/responses/new/").content.decode()
        assert "About them (optional)" in body and "Age band (optional)" in body
        assert "Ethnic group" not in body  # no link asks it
        data = {
            "method": "conversation",
            "collected_on": "2026-03-02",
            "respondent": "carer",
            "text": "Knowing how long the wait is",
            "about_you_age": "prefer-not-to-say",
        }
        assert client.post(f"{base(world)}/responses/new/", data).status_code == 302
        assert Response.objects.get(text="Knowing how long the wait is").about_you == {
            "age": "prefer-not-to-say"
        }

    def test_the_api_refuses_a_bad_answer_and_saves_nothing(self, world, system_scope):
        asking(world, "age")
        response = api_client(world.a_member).post(
            f"/api/v1{base(world)}/responses/",
            {
                "method": "survey",
                "collected_on": "2026-03-02",
                "text": "Knowing how long the wait is",
                "about_you": {"age": "middle-aged"},
            },
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json() == {
            "about_you": ["Choose one of the answers to 'Age band', or 'Prefer not to say'"]
        }
        assert not Response.objects.filter(text="Knowing how long the wait is").exists()

    def test_answers_are_the_teams_only_in_the_api(self, world, system_scope):
        asking(world, "age")
        Response.objects.filter(pk=world.records_a.response.pk).update(about_you={"age": "80+"})
        url = f"/api/v1{base(world)}/responses/{world.records_a.response.pk}/"
        assert api_client(world.a_member).get(url).json()["about_you"] == {"age": "80+"}
        assert api_client(world.a_buddy).get(url).json()["about_you"] is None


class TestCountsByGroup:
    def test_the_team_sees_its_own_counts(self, counted, client_of):
        body = api_client(counted.a_member).get(f"/api/v1{base(counted)}/themes/by-group/?by=age").json()
        assert [column["key"] for column in body["columns"]] == AGE_COLUMNS
        assert body["suppression_threshold"] is None
        assert by_theme(body)["Finding the way"] == {
            **dict.fromkeys(AGE_COLUMNS, 0),
            "18-44": 10,
            "65-79": 3,
            "80+": 9,
            "not-answered": 1,
        }
        page = client_of(counted.a_member).get(f"{base(counted)}/themes/?by=age").content.decode()
        assert "Responses in each theme by age band" in page and "Suppressed" not in page
        assert "These are your team&#39;s own counts" in page

    def test_outside_the_team_small_counts_are_suppressed_and_cannot_be_worked_out(self, counted, client_of):
        for reader in (counted.coach_1, counted.a_buddy, counted.a_viewer):
            body = api_client(reader).get(f"/api/v1{base(counted)}/themes/by-group/?by=age").json()
            assert body["suppression_threshold"] == 7 and not body["withheld"]
            rows = by_theme(body)
            finding, informed = rows["Finding the way"], rows["Kept informed"]
            assert finding["65-79"] is None and finding["not-answered"] is None  # 3 and 1: primary
            assert finding["18-44"] == 10 and informed["18-44"] == 12
            assert informed["65-79"] is None  # 8, hidden so that the 3 cannot be worked out
            assert [row["total"] for row in body["rows"]] == [23, 30]  # the themes' counts, public anyway
            hidden_in_rows = [sum(count is None for count in row.values()) for row in rows.values()]
            assert 1 not in hidden_in_rows
            totals = dict(zip(AGE_COLUMNS, body["column_totals"], strict=True))
            for column in AGE_COLUMNS:
                if totals[column] is not None:
                    assert sum(row[column] is None for row in rows.values()) != 1
            assert sum(total is None for total in totals.values()) != 1
        page = client_of(counted.coach_1).get(f"{base(counted)}/themes/?by=age").content.decode()
        assert "Suppressed" in page and "Counts from 1 to 7 are suppressed" in page

    def test_prefer_not_to_say_is_its_own_column(self, counted, system_scope):
        link = CollectionLink.objects.get(setting="Fracture clinic")
        response = public_response_submit(link=link, text="Parking", about_you={"age": "prefer-not-to-say"})
        ResponseTheme.objects.create(
            organisation=counted.org_a,
            project=counted.project_a,
            response=response,
            theme=counted.records_a.theme,
        )
        body = api_client(counted.a_member).get(f"/api/v1{base(counted)}/themes/by-group/?by=age").json()
        assert by_theme(body)["Finding the way"]["prefer-not-to-say"] == 1

    def test_a_question_no_link_asks_cannot_be_chosen(self, counted, client_of):
        page = client_of(counted.a_member).get(f"{base(counted)}/themes/?by=deprivation").content.decode()
        assert "<title>Error: " in page and "Choose one of the questions the collection links ask" in page
        api = api_client(counted.a_member).get(f"/api/v1{base(counted)}/themes/by-group/?by=sex")
        assert api.status_code == 400

    def test_without_questions_the_page_says_so(self, world, client_of):
        page = client_of(world.a_buddy).get(f"{base(world)}/themes/").content.decode()
        assert "None of this project's collection links asks" in page
        body = api_client(world.a_buddy).get(f"/api/v1{base(world)}/themes/by-group/").json()
        assert body["by"] is None and body["rows"] == []

    def test_another_organisation_finds_nothing(self, counted):
        response = api_client(counted.b_member).get(f"/api/v1{base(counted)}/themes/by-group/")
        assert response.status_code == 404
