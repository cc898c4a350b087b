"""Ramps and PDSA cycles: every worksheet field, questions with one prediction each, the planned → running →
studied → complete steps, starting the next cycle in a ramp, the ramp view, the timeline and the API."""

from datetime import date

import pytest

from alwaysevents.models import AuditEvent
from coproduction.models import ChangeIdea, PdsaCycle, PdsaQuestion, Ramp

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_improvement")]


def project_url(world) -> str:
    return f"/projects/{world.project_a.pk}/"


def cycle_url(world, cycle=None) -> str:
    return project_url(world) + f"cycles/{(cycle or world.records_a.cycle).pk}/"


def plan(**changes) -> dict:
    data = {
        "objective": "Try the painted route with one family for a morning",
        "question_1": "Will the family reach the department without asking?",
        "prediction_1": "Yes, in under 10 minutes",
        "question_2": "",
        "prediction_2": "",
        "question_3": "Will staff notice?",
        "prediction_3": "No",
        "plan_who": "Play specialist",
        "plan_what": "Walk behind one family",
        "plan_where": "Main entrance",
        "plan_when": "Tuesday clinic",
        "starts_on": "2026-04-07",
        "ends_on": "2026-04-07",
        "data_plan": "Minutes from car park to reception, noted by the play specialist",
    }
    data.update(changes)
    return data


def edit_form(cycle, **changes) -> dict:
    data = {
        "objective": cycle.objective,
        "question_1": "Will families follow it?",
        "prediction_1": "Yes",
        "result_1": "",
        "starts_on": cycle.starts_on.isoformat() if cycle.starts_on else "",
        "do_notes": cycle.do_notes,
        "act_decision": cycle.act_decision,
        "version": cycle.version,
    }
    data.update(changes)
    return data


def set_cycle(world, **fields) -> PdsaCycle:
    PdsaCycle.objects.filter(pk=world.records_a.cycle.pk).update(**fields)
    return PdsaCycle.objects.get(pk=world.records_a.cycle.pk)


class TestRamps:
    def test_it_starts_a_ramp_for_a_change_idea_and_goes_on_to_plan_cycle_1(
        self, world, client_of, system_scope
    ):
        idea = world.records_a.idea
        url = project_url(world) + "ramps/new/"
        assert (
            f'value="{idea.pk}" selected'
            in client_of(world.a_member).get(f"{url}?idea={idea.pk}").content.decode()
        )
        response = client_of(world.a_member).post(url, {"change_idea": idea.pk, "title": "Every route"})
        ramp = Ramp.objects.get(title="Every route")
        assert response["Location"] == project_url(world) + f"ramps/{ramp.pk}/cycles/new/"
        assert (ramp.organisation, ramp.project, ramp.change_idea) == (world.org_a, world.project_a, idea)

    def test_bad_input_gets_a_clear_message_and_changes_nothing(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            project_url(world) + "ramps/new/", {"change_idea": "", "title": ""}
        )
        body = response.content.decode()
        assert "Choose the change idea this ramp tests" in body and "Enter a name for the ramp" in body
        assert Ramp.objects.filter(project=world.project_a).count() == 1

    def test_the_ramp_view_lists_its_cycles_in_order_with_their_decision(
        self, world, client_of, system_scope
    ):
        ramp = world.records_a.ramp
        common = {"organisation": world.org_a, "project": world.project_a, "ramp": ramp}
        PdsaCycle.objects.create(
            **common, number=2, objective="Second", status="complete", act_decision="adapt"
        )
        set_cycle(world, status="complete", act_decision="adopt")
        body = client_of(world.a_buddy).get(project_url(world) + f"ramps/{ramp.pk}/").content.decode()
        assert body.index("Cycle 1") < body.index("Cycle 2")
        assert body.index("Adopt") < body.index("Adapt")

    def test_a_buddy_cannot_start_a_ramp_and_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.a_buddy).get(project_url(world) + "ramps/new/").status_code == 403
        url = project_url(world) + f"ramps/{world.records_a.ramp.pk}/"
        assert client_of(world.b_member).get(url).status_code == 404


class TestCyclePlan:
    def url(self, world) -> str:
        return project_url(world) + f"ramps/{world.records_a.ramp.pk}/cycles/new/"

    def test_it_plans_the_next_cycle_in_the_ramp_ignoring_blank_rows(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(self.url(world), plan())
        cycle = PdsaCycle.objects.get(ramp=world.records_a.ramp, number=2)
        assert response["Location"] == cycle_url(world, cycle)
        assert (cycle.organisation, cycle.project, cycle.status) == (world.org_a, world.project_a, "planned")
        assert (cycle.plan_who, cycle.starts_on) == ("Play specialist", date(2026, 4, 7))
        questions = list(
            PdsaQuestion.objects.filter(cycle=cycle).values_list("order", "question", "prediction")
        )
        assert questions == [
            (1, "Will the family reach the department without asking?", "Yes, in under 10 minutes"),
            (2, "Will staff notice?", "No"),
        ]
        assert all(q.organisation == world.org_a for q in PdsaQuestion.objects.filter(cycle=cycle))
        assert AuditEvent.objects.filter(action="pdsa_cycle.create", object_id=str(cycle.pk)).exists()

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"question_1": "", "prediction_1": "", "question_3": "", "prediction_3": ""},
                "at least one question",
            ),
            ({"prediction_1": ""}, "Enter a prediction for question 1"),
            ({"question_3": ""}, "Enter question 3, or clear its prediction"),
            ({"ends_on": "2026-04-01"}, "The end date must be the same as or after the start date"),
            ({"starts_on": "2026-02-31"}, "Enter the start date as a real date"),
            ({"objective": ""}, "Enter the objective of the cycle"),
        ],
    )
    def test_bad_input_gets_a_clear_message_and_changes_nothing(
        self, world, client_of, system_scope, changes, message
    ):
        response = client_of(world.a_member).post(self.url(world), plan(**changes))
        body = response.content.decode()
        assert response.status_code == 200 and message in body and "<title>Error: " in body
        assert PdsaCycle.objects.filter(ramp=world.records_a.ramp).count() == 1

    def test_a_buddy_cannot_plan_and_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.a_buddy).post(self.url(world), plan()).status_code == 403
        assert client_of(world.coach_1).get(self.url(world)).status_code == 403
        assert client_of(world.b_member).get(self.url(world)).status_code == 404


class TestCycleEdit:
    def test_it_records_do_study_and_act(self, world, client_of, system_scope):
        cycle = world.records_a.cycle
        data = edit_form(
            cycle,
            result_1="Four of five families followed it",
            do_notes="Rain washed part of the paint",
            study_notes="Families liked the bones",
            act_decision="adapt",
            next_steps="Use floor vinyl",
        )
        assert client_of(world.a_member).post(cycle_url(world) + "edit/", data).status_code == 302
        cycle = PdsaCycle.objects.get(pk=cycle.pk)
        assert (cycle.do_notes, cycle.act_decision, cycle.version) == (
            "Rain washed part of the paint",
            "adapt",
            2,
        )
        assert PdsaQuestion.objects.get(cycle=cycle).result == "Four of five families followed it"

    def test_a_blanked_question_row_removes_that_question(self, world, client_of, system_scope):
        cycle = world.records_a.cycle
        data = edit_form(
            cycle, question_1="", prediction_1="", question_2="New question", prediction_2="Maybe"
        )
        client_of(world.a_member).post(cycle_url(world) + "edit/", data)
        assert list(PdsaQuestion.objects.filter(cycle=cycle).values_list("question", flat=True)) == [
            "New question"
        ]

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        cycle = world.records_a.cycle
        client_of(world.a_partner).post(
            cycle_url(world) + "edit/", edit_form(cycle, result_1="Partner's result")
        )
        response = client_of(world.a_member).post(
            cycle_url(world) + "edit/", edit_form(cycle, result_1="Lead's")
        )
        body = response.content.decode()
        assert "Someone else saved this record" in body and "Partner&#39;s result" in body
        assert 'name="version" value="2"' in body
        assert PdsaQuestion.objects.get(cycle=cycle).result == "Partner's result"

    def test_the_detail_page_shows_the_worksheet(self, world, client_of):
        body = client_of(world.a_buddy).get(cycle_url(world)).content.decode()
        assert "Will families follow it?" in body and "Test one route for a day" in body
        assert "Start the cycle" not in body  # a buddy reads only

    def test_a_buddy_cannot_edit_and_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.a_buddy).get(cycle_url(world) + "edit/").status_code == 403
        assert client_of(world.b_member).get(cycle_url(world)).status_code == 404
        assert client_of(world.b_member).get(cycle_url(world) + "edit/").status_code == 404


class TestCycleAdvance:
    def advance(self, world, client_of, user=None):
        return client_of(user or world.a_member).post(cycle_url(world) + "advance/", follow=True)

    def test_a_cycle_needs_a_start_date_to_run(self, world, client_of, system_scope):
        body = self.advance(world, client_of).content.decode()
        assert "Enter the date the cycle starts on before starting it" in body
        assert PdsaCycle.objects.get(pk=world.records_a.cycle.pk).status == "planned"

    def test_it_runs_and_the_change_idea_moves_to_testing(self, world, client_of, system_scope):
        set_cycle(world, starts_on=date(2026, 4, 7))
        body = self.advance(world, client_of).content.decode()
        assert "Cycle 1 is now running" in body
        assert PdsaCycle.objects.get(pk=world.records_a.cycle.pk).status == "running"
        assert ChangeIdea.objects.get(pk=world.records_a.idea.pk).status == "testing"

    def test_studying_needs_what_happened_and_every_result(self, world, client_of, system_scope):
        set_cycle(world, starts_on=date(2026, 4, 7), status="running")
        body = self.advance(world, client_of).content.decode()
        assert "Record what happened (Do) before studying the cycle" in body
        assert "Record the result for the question &#39;Will families follow it?&#39;" in body
        set_cycle(world, do_notes="It rained")
        PdsaQuestion.objects.filter(cycle=world.records_a.cycle).update(result="Mostly")
        self.advance(world, client_of)
        assert PdsaCycle.objects.get(pk=world.records_a.cycle.pk).status == "studied"

    def test_completing_needs_a_decision_and_a_complete_cycle_stays_complete(
        self, world, client_of, system_scope
    ):
        set_cycle(world, starts_on=date(2026, 4, 7), status="studied")
        assert "Choose the Act decision" in self.advance(world, client_of).content.decode()
        set_cycle(world, act_decision="adopt")
        self.advance(world, client_of)
        assert PdsaCycle.objects.get(pk=world.records_a.cycle.pk).status == "complete"
        assert "already complete" in self.advance(world, client_of).content.decode()

    def test_a_stale_advance_is_refused(self, world, client_of, system_scope):
        set_cycle(world, starts_on=date(2026, 4, 7))
        set_cycle(world, version=5)
        response = client_of(world.a_member).post(
            cycle_url(world) + "advance/", {"version": "4"}, follow=True
        )
        assert "Someone else changed this cycle" in response.content.decode()
        assert PdsaCycle.objects.get(pk=world.records_a.cycle.pk).status == "planned"

    def test_a_buddy_cannot_advance_and_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.a_buddy).post(cycle_url(world) + "advance/").status_code == 403
        assert client_of(world.b_member).post(cycle_url(world) + "advance/").status_code == 404


class TestNextCycle:
    def test_it_needs_the_cycle_to_be_studied(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(cycle_url(world) + "next/", follow=True)
        assert "Study this cycle before starting the next one" in response.content.decode()
        assert PdsaCycle.objects.filter(ramp=world.records_a.ramp).count() == 1

    def test_it_copies_what_carries_over(self, world, client_of, system_scope):
        set_cycle(
            world,
            status="studied",
            starts_on=date(2026, 4, 7),
            plan_who="Play specialist",
            plan_what="Walk behind",
            plan_where="Main entrance",
            data_plan="Minutes",
            do_notes="It rained",
        )
        PdsaQuestion.objects.filter(cycle=world.records_a.cycle).update(result="Mostly")
        response = client_of(world.a_member).post(cycle_url(world) + "next/")
        new = PdsaCycle.objects.get(ramp=world.records_a.ramp, number=2)
        assert response["Location"] == cycle_url(world, new) + "edit/"
        assert (new.objective, new.plan_who, new.plan_where, new.data_plan) == (
            "Test one route for a day",
            "Play specialist",
            "Main entrance",
            "Minutes",
        )
        assert (new.status, new.starts_on, new.plan_what, new.do_notes) == ("planned", None, "", "")
        question = PdsaQuestion.objects.get(cycle=new)
        assert (question.question, question.prediction, question.result) == (
            "Will families follow it?",
            "Yes",
            "",
        )

    def test_only_the_latest_cycle_starts_the_next(self, world, client_of, system_scope):
        set_cycle(world, status="complete")
        common = {"organisation": world.org_a, "project": world.project_a, "ramp": world.records_a.ramp}
        PdsaCycle.objects.create(**common, number=2, objective="Second")
        response = client_of(world.a_member).post(cycle_url(world) + "next/", follow=True)
        assert "Cycle 2 is the latest in this ramp" in response.content.decode()

    def test_a_buddy_cannot_start_the_next_and_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.a_buddy).post(cycle_url(world) + "next/").status_code == 403
        assert client_of(world.b_member).post(cycle_url(world) + "next/").status_code == 404


class TestTimeline:
    def test_it_groups_cycles_by_month_with_unscheduled_ones_last(self, world, client_of, system_scope):
        ramp = world.records_a.ramp
        common = {"organisation": world.org_a, "project": world.project_a, "ramp": ramp}
        PdsaCycle.objects.create(**common, number=2, objective="May", starts_on=date(2026, 5, 12))
        PdsaCycle.objects.create(
            **common,
            number=3,
            objective="March",
            starts_on=date(2026, 3, 2),
            status="complete",
            act_decision="adapt",
        )
        body = client_of(world.a_buddy).get(project_url(world) + "pdsa/").content.decode()
        march, may, unscheduled = (
            body.index(f">{h}</caption>") for h in ("March 2026", "May 2026", "Not scheduled yet")
        )
        assert march < may < unscheduled
        assert body.index("Cycle 3") < body.index("Cycle 2") < body.index("Cycle 1")
        assert "Adapt" in body and "Painted bones on the floor" in body

    def test_another_organisation_gets_404(self, world, client_of):
        assert client_of(world.b_member).get(project_url(world) + "pdsa/").status_code == 404


class TestPdsaApi:
    def url(self, world) -> str:
        return f"/api/v1/projects/{world.project_a.pk}/"

    def test_it_lists_cycles_with_their_questions_nested(self, world, client_of):
        row = client_of(world.a_buddy).get(self.url(world) + "cycles/").json()["results"][0]
        assert row["questions"][0]["prediction"] == "Yes" and row["change_idea"] == str(
            world.records_a.idea.pk
        )

    def test_ramps_list_and_create(self, world, client_of):
        client = client_of(world.a_member)
        assert client.get(self.url(world) + "ramps/").json()["results"][0]["cycles"][0]["number"] == 1
        created = client.post(
            self.url(world) + "ramps/",
            {"change_idea": str(world.records_a.idea.pk), "title": "Second ramp"},
            content_type="application/json",
        )
        assert created.status_code == 201 and created.json()["cycles"] == []

    def test_it_creates_patches_and_advances_a_cycle(self, world, client_of, system_scope):
        client = client_of(world.a_member)
        created = client.post(
            self.url(world) + "cycles/",
            {
                "ramp": str(world.records_a.ramp.pk),
                "objective": "One more",
                "questions": [{"question": "Will it work?", "prediction": "Yes"}],
                "starts_on": "2026-05-01",
            },
            content_type="application/json",
        )
        assert created.status_code == 201, created.content
        assert created.json()["number"] == 2
        url = self.url(world) + f"cycles/{created.json()['id']}/"
        check = client.get(url + "advance/").json()
        assert (check["next_status"], check["missing"]) == ("running", [])
        assert (
            client.post(url + "advance/", {"version": 1}, content_type="application/json").json()["status"]
            == "running"
        )
        refused = client.post(url + "advance/", {}, content_type="application/json")
        assert refused.status_code == 400 and "Record what happened" in refused.content.decode()
        patched = client.patch(
            url,
            {
                "version": 2,
                "do_notes": "Done",
                "questions": [{"question": "Will it work?", "prediction": "Yes", "result": "It did"}],
            },
            content_type="application/json",
        )
        assert patched.json()["questions"][0]["result"] == "It did" and patched.json()["version"] == 3
        assert (
            client.patch(url, {"version": 2, "do_notes": "x"}, content_type="application/json").status_code
            == 409
        )

    def test_a_cycle_without_questions_is_refused(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            self.url(world) + "cycles/",
            {"ramp": str(world.records_a.ramp.pk), "objective": "No questions", "questions": []},
            content_type="application/json",
        )
        assert response.status_code == 400 and not PdsaCycle.objects.filter(objective="No questions").exists()

    def test_a_buddy_cannot_write_and_another_organisation_gets_404(self, world, client_of):
        url = self.url(world) + f"cycles/{world.records_a.cycle.pk}/"
        assert (
            client_of(world.a_buddy).patch(url, {"version": 1}, content_type="application/json").status_code
            == 403
        )
        assert client_of(world.a_buddy).post(url + "advance/").status_code == 403
        assert client_of(world.b_member).get(url).status_code == 404
        assert client_of(world.b_member).get(url + "advance/").status_code == 404
        assert (
            client_of(world.b_member).get(self.url(world) + f"ramps/{world.records_a.ramp.pk}/").status_code
            == 404
        )
