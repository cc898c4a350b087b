import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.access import Access
from alwaysevents.models import AuditEvent
from coproduction.models import CandidateEvent, CandidateTheme, CriterionAssessment
from coproduction.services.codesign import candidate_choose

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.coproduction.urls_codesign")]

CRITERIA = ("important", "evidence_based", "measurable", "affordable")


def url(world, name, **kwargs):
    return reverse(name, kwargs={"project_id": world.project_a.pk, **kwargs})


def new_candidate(world, title="I will always be told who is looking after me", **fields):
    return CandidateEvent.objects.create(
        organisation=world.org_a, project=world.project_a, title=title, **fields
    )


def screen(candidate, verdicts: dict):
    for criterion, verdict in verdicts.items():
        CriterionAssessment.objects.update_or_create(
            candidate=candidate,
            criterion=criterion,
            defaults={
                "organisation": candidate.organisation,
                "project": candidate.project,
                "verdict": verdict,
            },
        )


def all_met(candidate):
    screen(candidate, dict.fromkeys(CRITERIA, "met"))


def screening_form(version=1, **overrides):
    data = {"version": str(version)}
    for criterion in CRITERIA:
        data[f"{criterion}_verdict"] = "met"
        data[f"{criterion}_rationale"] = f"Why {criterion}"
        data[f"{criterion}_evidence_link"] = ""
    data.update(overrides)
    return data


class TestCandidateCreateAndEdit:
    def test_it_adds_a_candidate_linked_to_themes_and_a_session(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            url(world, "candidate_create"),
            {
                "title": "I will always know how long I will wait",
                "themes": [str(world.records_a.theme.pk)],
                "session": str(world.records_a.session.pk),
            },
        )
        candidate = CandidateEvent.objects.get(title="I will always know how long I will wait")
        assert response["Location"].endswith(f"/candidates/{candidate.pk}/")
        assert candidate.session == world.records_a.session
        link = CandidateTheme.objects.get(candidate=candidate)
        assert (link.theme, link.organisation, link.project) == (
            world.records_a.theme,
            world.org_a,
            world.project_a,
        )

    def test_another_projects_theme_cannot_be_linked(self, world, client_of, system_scope):
        response = client_of(world.a_member).post(
            url(world, "candidate_create"),
            {"title": "I will always", "themes": [str(world.records_b.theme.pk)]},
        )
        assert "Choose themes of this project" in response.content.decode()
        assert not CandidateEvent.objects.filter(title="I will always").exists()

    def test_a_title_is_required(self, world, client_of, system_scope):
        body = client_of(world.a_member).post(url(world, "candidate_create"), {"title": ""}).content.decode()
        assert "Enter the candidate Always Event" in body and "<title>Error: " in body

    def test_it_refuses_a_stale_edit_and_shows_the_newer_values(self, world, client_of, system_scope):
        edit_url = url(world, "candidate_edit", candidate_id=world.records_a.candidate.pk)
        theme = str(world.records_a.theme.pk)
        client_of(world.a_partner).post(
            edit_url, {"title": "Partner's words", "themes": [theme], "version": "1"}
        )
        response = client_of(world.a_member).post(edit_url, {"title": "Lead's words", "version": "1"})
        body = response.content.decode()
        assert "Someone else saved this record" in body and "Partner&#39;s words" in body
        assert f'value="{theme}" checked' in body
        assert CandidateEvent.objects.get(pk=world.records_a.candidate.pk).title == "Partner's words"

    def test_a_buddy_cannot_add_or_edit(self, world, client_of):
        client = client_of(world.a_buddy)
        assert client.get(url(world, "candidate_create")).status_code == 403
        edit_url = url(world, "candidate_edit", candidate_id=world.records_a.candidate.pk)
        assert client.post(edit_url, {"title": "x", "version": "1"}).status_code == 403

    def test_another_projects_candidate_is_not_found(self, world, client_of):
        assert (
            client_of(world.a_member)
            .get(url(world, "candidate_edit", candidate_id=world.records_b.candidate.pk))
            .status_code
            == 404
        )


class TestScreening:
    def detail(self, world, candidate):
        return url(world, "candidate_detail", candidate_id=candidate.pk)

    def test_the_four_criteria_are_saved_from_one_form(self, world, client_of, system_scope):
        candidate = new_candidate(world)
        response = client_of(world.a_member).post(
            self.detail(world, candidate),
            screening_form(
                measurable_verdict="unsure", evidence_based_evidence_link="https://example.org/study"
            ),
        )
        assert response.status_code == 302
        rows = {row.criterion: row for row in CriterionAssessment.objects.filter(candidate=candidate)}
        assert {name: row.verdict for name, row in rows.items()} == {
            "important": "met",
            "evidence_based": "met",
            "measurable": "unsure",
            "affordable": "met",
        }
        assert rows["evidence_based"].evidence_link == "https://example.org/study"
        assert rows["important"].rationale == "Why important"
        assert {(row.organisation_id, row.project_id) for row in rows.values()} == {
            (world.org_a.pk, world.project_a.pk)
        }
        assert CandidateEvent.objects.get(pk=candidate.pk).version == 2
        assert AuditEvent.objects.get(action="candidate.screen").changed_fields == ["assessments"]

    def test_the_page_has_the_verdicts_as_radios_in_fieldsets(self, world, client_of):
        body = client_of(world.a_member).get(self.detail(world, world.records_a.candidate)).content.decode()
        assert body.count('type="radio"') == 12 and body.count('class="nhsuk-fieldset"') >= 4
        assert "Important to patients and families" in body and "Affordable and sustainable" in body

    def test_a_bad_evidence_link_gets_a_clear_message_and_changes_nothing(
        self, world, client_of, system_scope
    ):
        candidate = new_candidate(world)
        response = client_of(world.a_member).post(
            self.detail(world, candidate), screening_form(affordable_evidence_link="not a link")
        )
        body = response.content.decode()
        assert "Enter a web address" in body and 'href="#id_affordable_evidence_link"' in body
        assert not CriterionAssessment.objects.filter(candidate=candidate).exists()

    def test_a_missing_verdict_is_named(self, world, client_of, system_scope):
        candidate = new_candidate(world)
        response = client_of(world.a_member).post(
            self.detail(world, candidate), screening_form(measurable_verdict="")
        )
        assert "Choose whether the candidate is measurable" in response.content.decode()

    def test_it_refuses_a_stale_screening_and_shows_the_newer_verdicts(self, world, client_of, system_scope):
        candidate = new_candidate(world)
        client_of(world.a_partner).post(
            self.detail(world, candidate), screening_form(important_verdict="not_met")
        )
        response = client_of(world.a_member).post(self.detail(world, candidate), screening_form())
        body = response.content.decode()
        assert "Someone else saved this record" in body
        assert 'value="not_met" checked' in body and 'name="version" value="2"' in body
        assert (
            CriterionAssessment.objects.get(candidate=candidate, criterion="important").verdict == "not_met"
        )

    def test_a_buddy_reads_the_screening_but_cannot_change_it(self, world, client_of, system_scope):
        response = client_of(world.a_buddy).get(self.detail(world, world.records_a.candidate))
        body = response.content.decode()
        assert response.status_code == 200 and 'type="radio"' not in body and "Not screened" in body
        assert (
            client_of(world.a_buddy)
            .post(self.detail(world, world.records_a.candidate), screening_form())
            .status_code
            == 403
        )
        assert CriterionAssessment.objects.filter(candidate=world.records_a.candidate).count() == 1

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        response = client_of(world.b_member).post(
            self.detail(world, world.records_a.candidate), screening_form()
        )
        assert response.status_code == 404


class TestShortlistAndChoose:
    def test_shortlisting_and_unshortlisting(self, world, client_of, system_scope):
        candidate = new_candidate(world)
        shortlist_url = url(world, "candidate_shortlist", candidate_id=candidate.pk)
        client = client_of(world.a_member)
        assert client.post(shortlist_url, {"shortlisted": "true"}).status_code == 302
        assert CandidateEvent.objects.get(pk=candidate.pk).shortlisted is True
        client.post(shortlist_url, {"shortlisted": "false"})
        assert CandidateEvent.objects.get(pk=candidate.pk).shortlisted is False

    def test_a_candidate_short_of_the_four_criteria_cannot_be_chosen(self, world, client_of, system_scope):
        candidate = new_candidate(world)
        screen(candidate, {"important": "met", "evidence_based": "met", "measurable": "unsure"})
        response = client_of(world.a_member).post(
            url(world, "candidate_choose", candidate_id=candidate.pk), follow=True
        )
        body = response.content.decode()
        assert "Only a candidate that meets all four criteria can be chosen" in body
        assert "measurable, affordable and sustainable" in body
        assert CandidateEvent.objects.get(pk=candidate.pk).chosen is False
        assert CandidateEvent.objects.get(pk=world.records_a.candidate.pk).chosen is True

    def test_choosing_another_unchooses_the_previous(self, world, client_of, system_scope):
        candidate = new_candidate(world)
        all_met(candidate)
        response = client_of(world.a_member).post(url(world, "candidate_choose", candidate_id=candidate.pk))
        assert response["Location"] == url(world, "statement_detail")
        chosen = CandidateEvent.objects.filter(project=world.project_a, chosen=True)
        assert list(chosen) == [candidate]
        assert {event.action for event in AuditEvent.objects.filter(action__startswith="candidate.")} >= {
            "candidate.choose",
            "candidate.unchoose",
        }

    def test_the_service_refuses_an_unmet_candidate_and_a_buddy(self, world, system_scope):
        candidate = new_candidate(world)
        with pytest.raises(ValidationError):
            candidate_choose(
                access=Access.for_user(world.a_member), project=world.project_a, candidate=candidate
            )
        all_met(candidate)
        with pytest.raises(PermissionDenied):
            candidate_choose(
                access=Access.for_user(world.a_buddy), project=world.project_a, candidate=candidate
            )

    @pytest.mark.parametrize("action", ["candidate_shortlist", "candidate_choose"])
    def test_a_coach_cannot_shortlist_or_choose(self, world, client_of, system_scope, action):
        candidate = new_candidate(world)
        all_met(candidate)
        response = client_of(world.coach_1).post(
            url(world, action, candidate_id=candidate.pk), {"shortlisted": "true"}
        )
        assert response.status_code == 403
        candidate.refresh_from_db()
        assert not candidate.shortlisted and not candidate.chosen

    @pytest.mark.parametrize("action", ["candidate_shortlist", "candidate_choose"])
    def test_another_organisation_is_not_found(self, world, client_of, action):
        response = client_of(world.b_member).post(
            url(world, action, candidate_id=world.records_a.candidate.pk), {"shortlisted": "true"}
        )
        assert response.status_code == 404


class TestComparison:
    def test_the_list_compares_candidates_on_the_four_criteria(self, world, client_of, system_scope):
        candidate = new_candidate(world, shortlisted=True)
        screen(candidate, {"important": "met", "evidence_based": "not_met"})
        body = client_of(world.a_member).get(url(world, "candidate_list")).content.decode()
        assert "Candidates against the four criteria" in body and 'scope="col"' in body
        assert "Shortlisted" in body and "Chosen" in body and "Not met" in body and "Not screened" in body
        assert "Add to shortlist" in body and "Take off shortlist" in body

    def test_a_buddy_sees_no_actions(self, world, client_of):
        body = client_of(world.a_buddy).get(url(world, "candidate_list")).content.decode()
        assert "I will always know where to go" in body and "Add to shortlist" not in body

    def test_it_is_not_found_for_another_organisation(self, world, client_of):
        assert client_of(world.b_viewer).get(url(world, "candidate_list")).status_code == 404
