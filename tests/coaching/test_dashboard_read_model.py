"""The dashboards' read model (`coaching.models.DashboardEntry`, docs/adr/012-dashboard-read-model.md).

Each write a user makes through the services leaves every project's entry as a rebuild from the records
would make it; the entries commit and roll back with the write; the facts that move with the clock alone
are rebuilt once they expire; and the coach dashboard reads only the rows it shows."""

import random
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.core.cache import cache
from django.core.management import call_command
from django.db import connections, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.access import Access
from accounts.models import User
from alwaysevents import read_models
from alwaysevents.tenancy import all_organisations, tenant_scope
from coaching import services as coaching_services
from coaching.models import CoachingCall, DashboardEntry
from coaching.selectors_dashboards import DashboardRows, dashboard_entries_built, entries_visible
from coaching.services_dashboards import (
    ENTRY_FIELDS,
    dashboard_entries_rebuild,
    dashboard_entries_refresh_expired,
)
from coaching.tasks import refresh_expired_dashboard_entries
from coproduction.models import (
    Comment,
    CriterionAssessment,
    PdsaCycle,
    PdsaQuestion,
    ProjectPartner,
    Ramp,
    Response,
    ResponseTheme,
    Statement,
    TeamMember,
    Theme,
)
from coproduction.services import codesign, conversation, discovery, improvement, partners, phases
from coproduction.services.projects import project_create, project_update
from measurement import services as measurement
from measurement.models import Measure, PeriodMark
from measurement.points import PointInput
from measurement.strata import StratumInput
from programmes.models import Enrolment, Organisation, Phase
from programmes.services_geography import edit_version, organisation_update
from projects.models import Project
from tests.equity_data import WEEKS, narrowing_rows
from tests.world import make_project

from .helpers import add_project_with_data, cold_and_warm, last_month, make_call

pytestmark = pytest.mark.django_db

# What an entry holds; `updated_at` says when it was written, which a rebuild changes by design.
FACTS = [name for name in ENTRY_FIELDS if name != "updated_at"]
# The facts each sequence must move on some project, so the comparison cannot pass vacuously: all but
# `return_month` (last month, whatever is written), `expires_at` (moved only by a call before midnight), and
# the copies of what no sequence changes once a project exists: its enrolment, cohort and programme and
# their names, and its organisation's kind and system (their saves are covered by
# test_saving_a_name_an_entry_copies_rebuilds_the_entries_that_show_it).
UNMOVED_BY_SERVICES = {
    "enrolment",
    "cohort",
    "cohort_name",
    "programme",
    "programme_name",
    "organisation_kind",
    "system",
}
FACTS_MOVED = set(FACTS) - {"return_month", "expires_at"} - UNMOVED_BY_SERVICES
# Seeds whose sequences move every fact of FACTS_MOVED (the test checks they still do): the suggested score
# moves only when a write completes a step of the evidence, which some sequences never do.
SEEDS = [1, 2, 4, 5, 7]
WRITES = 40


@contextmanager
def acting(user) -> Iterator[Access]:
    """The user's `Access`, and the tenant scope their request runs in (alwaysevents.middleware)."""
    access = Access.for_user(user)
    with tenant_scope(lambda: access.organisation_ids, reason="test: a request of this user"):
        yield access


def entry_read_by(user, project) -> DashboardEntry:
    """The project's entry as the dashboards read it for this user: flushed, and filtered by their access."""
    return entries_visible(access=Access.for_user(user)).get(project_id=project.pk)


def entries_snapshot() -> dict[str, dict]:
    """Every entry's facts by project id (so a renamed project is the same one), as they stand when the
    transaction commits."""
    read_models.flush()  # what a commit does (alwaysevents.db)
    with all_organisations(reason="test reads every entry"):
        rows = list(DashboardEntry.objects.values("project_id", *FACTS))
    return {str(row.pop("project_id")): row for row in rows}


def entries_built_afresh() -> dict[str, dict]:
    """Every project's entry as built now from its records, with no cached summary or marker."""
    cache.clear()
    with all_organisations(reason="test builds every entry from the records"):
        built = dashboard_entries_built(Project.objects.values_list("pk", flat=True))
        return {
            str(entry.project_id): {
                name: getattr(entry, DashboardEntry._meta.get_field(name).attname) for name in FACTS
            }
            for entry in built
        }


def project_keys() -> set[str]:
    with all_organisations(reason="test reads every project"):
        return {str(pk) for pk in Project.objects.values_list("pk", flat=True)}


def differences(maintained: dict, rebuilt: dict) -> list[str]:
    lines = []
    for key in sorted(maintained.keys() | rebuilt.keys()):
        title = (maintained.get(key) or rebuilt[key])["project_title"]
        if key not in maintained or key not in rebuilt:
            lines.append(f"{title}: maintained {key in maintained}, rebuilt {key in rebuilt}")
            continue
        for name in FACTS:
            if maintained[key][name] != rebuilt[key][name]:
                lines.append(
                    f"{title}: {name} maintained={maintained[key][name]!r} rebuilt={rebuilt[key][name]!r}"
                )
    return lines


def facts_moved(before: dict, after: dict) -> set[str]:
    return {
        name
        for title in before.keys() & after.keys()
        for name in FACTS
        if before[title][name] != after[title][name]
    }


class Writes:
    """A random sequence of the writes people make, through the services, in their requests' scopes, on
    the world's projects and on projects created on the way. Each kind runs at least once; the rest are
    drawn at random. Arguments are read from the records so every write is one a user could make."""

    # kind: who makes it ("team": the project's team, "coach": a programme admin running its calls and
    # commenting, "reference": the programme admin editing organisations, "organisation": A's admin)
    KINDS = {
        "team_member_added": "team",
        "team_member_deactivated": "team",
        "response_themed": "team",
        "responses_untagged": "team",
        "candidate_chosen": "team",
        "statement_written": "team",
        "pdsa_cycle_moved_on": "team",
        "comment_added": "coach",
        "comment_replied": "coach",
        "comment_resolved": "coach",
        "comment_reopened": "coach",
        "points_entered": "team",
        "tally_counted": "team",
        "aim_measure_created": "team",
        "stratified_aim_created": "team",
        "period_marked": "team",
        "target_changed": "team",
        "call_booked": "coach",
        "group_call_booked": "coach",
        "call_rescheduled": "coach",
        "call_recorded": "coach",
        "return_saved": "team",
        "return_submitted": "team",
        "partner_added": "team",
        "partner_left": "team",
        # Renaming a partner organisation marks no project (its audit is of an Organisation): the entries
        # hold partners' ids and their names are joined when read, so a rename must leave them right.
        "partner_renamed": "reference",
        "project_renamed": "team",
        "organisation_renamed": "reference",
        "system_renamed": "reference",
        "phase_moved": "team",
        "score_overridden": "team",
        "project_created": "organisation",
    }

    def __init__(self, world, rng: random.Random):
        self.world, self.rng = world, rng
        self.team_of = {
            world.project_a.pk: world.a_member,
            world.project_a2.pk: world.a_admin,
            world.project_b.pk: world.b_member,
        }
        self.partner_pool = [self.new_partner_organisation() for _ in range(4)]
        self.serial = 0
        self.log: list[str] = []
        self.moved: set[str] = set()  # the facts the writes changed on some project
        self.stale: dict[str, int] = {}  # a stale fact: the number of the write after which it was first seen

    def run(self, count: int) -> None:
        """Make `count` writes. After each, the entries are compared with entries built afresh from the
        records, so a write that leaves one stale is named even if a later write happens to heal it."""
        kinds = list(self.KINDS)
        self.rng.shuffle(kinds)
        kinds += [self.rng.choice(list(self.KINDS)) for _ in range(count - len(kinds))]
        before = entries_snapshot()
        for kind in kinds:
            project_id = self.rng.choice(list(self.team_of))
            if self.KINDS[kind] == "organisation":
                project_id = self.world.project_a2.pk  # one A's admin sees: the new one is A's
            actor = {
                "team": self.team_of[project_id],
                "coach": self.world.programme_admin,
                "reference": self.world.programme_admin,
                "organisation": self.world.a_admin,
            }[self.KINDS[kind]]
            with acting(actor) as access:
                project = Project.objects.select_related(
                    "enrolment__cohort", "organisation__system", "phase"
                ).get(pk=project_id)
                self.log.append(f"{kind} on {project.title}")
                getattr(self, kind)(access, project)
            after = entries_snapshot()
            self.moved |= facts_moved(before, after)
            for line in differences(after, entries_built_afresh()):
                self.stale.setdefault(line, len(self.log))
            before = after

    # --- helpers ---------------------------------------------------------------------------------

    def name(self, prefix: str) -> str:
        self.serial += 1
        return f"{prefix} {self.serial}"

    def new_partner_organisation(self) -> Organisation:
        return Organisation.objects.create(
            kind="vcse", name=f"Carers charity {Organisation.objects.count()}", system=self.world.system_a
        )

    def pick(self, queryset):
        rows = list(queryset.order_by("created_at", "pk"))
        return self.rng.choice(rows) if rows else None

    def future(self):
        return timezone.now() + timedelta(hours=self.rng.randint(2, 24 * 30))

    def past(self):
        return timezone.now() - timedelta(hours=self.rng.randint(2, 24 * 30))

    @staticmethod
    def this_week():
        today = timezone.localdate()
        return today - timedelta(days=today.weekday())

    def recent_weeks(self, measure: Measure, count: int) -> list:
        first = measure.starts_on - timedelta(days=measure.starts_on.weekday())
        weeks = [self.this_week() - timedelta(weeks=back) for back in range(12)]
        weeks = [week for week in weeks if week >= first]
        return sorted(self.rng.sample(weeks, min(count, len(weeks))))

    def aim_of(self, access, project) -> Measure:
        measure = Measure.objects.filter(project=project, is_aim_measure=True).first()
        if measure is None:
            return self.aim_measure_created(access, project)
        measure.project = project
        return measure

    # --- the team and what matters -------------------------------------------------------------

    def team_member_added(self, access, project):
        """A role the active team lacks (staff, or someone with lived experience), else any."""
        roles = set(TeamMember.objects.filter(project=project, active=True).values_list("role", flat=True))
        if not roles & TeamMember.LIVED_EXPERIENCE:
            role = self.rng.choice(sorted(TeamMember.LIVED_EXPERIENCE))
        elif not roles - TeamMember.LIVED_EXPERIENCE:
            role = self.rng.choice(["staff", "lead"])
        else:
            role = self.rng.choice(["patient", "carer", "service_user", "staff", "lead"])
        name = self.name("Ana") if role in ("staff", "lead") else ""
        codesign.team_member_create(access=access, project=project, role=role, name=name)

    def team_member_deactivated(self, access, project):
        member = self.pick(TeamMember.objects.filter(project=project, active=True))
        if member is None:
            return self.team_member_added(access, project)
        codesign.team_member_update(
            access=access, project=project, member=member, expected_version=member.version, active=False
        )

    def response_themed(self, access, project):
        themes = list(Theme.objects.filter(project=project).order_by("created_at"))
        if not themes or self.rng.random() < 0.3:
            themes.append(discovery.theme_create(access=access, project=project, name=self.name("Theme")))
        response = discovery.response_create(
            access=access,
            project=project,
            method="conversation",
            collected_on=timezone.localdate(),
            text="Being told what happens next",
        )
        discovery.response_set_themes(
            access=access,
            response=response,
            themes=[self.rng.choice(themes)],
            expected_version=response.version,
        )

    def responses_untagged(self, access, project):
        tagged = Response.objects.filter(
            project=project, pk__in=ResponseTheme.objects.filter(project=project).values("response_id")
        ).order_by("created_at", "pk")
        for response in tagged:
            discovery.response_set_themes(
                access=access, response=response, themes=[], expected_version=response.version
            )

    # --- co-design -----------------------------------------------------------------------------

    def candidate_chosen(self, access, project):
        candidate = codesign.candidate_create(
            access=access, project=project, title=self.name("I will always")
        )
        candidate = codesign.candidate_screen(
            access=access,
            project=project,
            candidate=candidate,
            expected_version=candidate.version,
            assessments={
                criterion: {"verdict": "met", "rationale": "Agreed at the workshop"}
                for criterion in CriterionAssessment.Criterion.values
            },
        )
        codesign.candidate_choose(access=access, project=project, candidate=candidate)

    def statement_written(self, access, project):
        chosen = codesign.chosen_candidate(project)
        if chosen is None:
            self.candidate_chosen(access, project)
            chosen = codesign.chosen_candidate(project)
        statement = Statement.objects.filter(project=project, candidate=chosen).first()
        if statement is None:
            codesign.statement_create(
                access=access,
                project=project,
                vision="I will always know who to ask",
                aim_what="Know who to ask",
                aim_for_whom="people going home",
                aim_target_percent=self.rng.randint(60, 95),
                aim_by_when=timezone.localdate() + timedelta(days=200),
            )
        else:
            codesign.statement_update(
                access=access,
                project=project,
                statement=statement,
                expected_version=statement.version,
                aim_target_percent=self.rng.randint(60, 95),
            )

    # --- improvement ---------------------------------------------------------------------------

    def pdsa_cycle_moved_on(self, access, project):
        """Plan a cycle, or move one on a step (planned → running → studied → complete), filling in what
        the step needs first."""
        cycle = self.pick(PdsaCycle.objects.filter(project=project).exclude(status="complete"))
        if cycle is None:
            ramp = Ramp.objects.filter(project=project).order_by("created_at").first()
            if ramp is None:
                idea = improvement.change_idea_create(access=access, project=project, title=self.name("Idea"))
                ramp = improvement.ramp_create(access=access, project=project, change_idea=idea, title="Ramp")
            ramp.project = project
            improvement.pdsa_cycle_create(
                access=access,
                ramp=ramp,
                objective="Try it for a day",
                questions=[{"question": "Will people follow it?", "prediction": "Yes"}],
            )
            return
        cycle.project = project
        needed = {}
        if cycle.status == "planned" and not cycle.starts_on:
            needed["starts_on"] = timezone.localdate()
        elif cycle.status == "running":
            needed["do_notes"] = "Ran it on the ward"
            needed["questions"] = [
                {"question": q.question, "prediction": q.prediction, "result": "Most did"}
                for q in PdsaQuestion.objects.filter(cycle=cycle).order_by("order")
            ]
        elif cycle.status == "studied" and not cycle.act_decision:
            needed["act_decision"] = "adopt"
        if needed:
            cycle = improvement.pdsa_cycle_update(
                access=access, cycle=cycle, expected_version=cycle.version, **needed
            )
        improvement.pdsa_cycle_advance(access=access, cycle=cycle, expected_version=cycle.version)

    # --- comments ------------------------------------------------------------------------------

    def comment_added(self, access, project):
        conversation.comment_create(
            access=access, project=project, target="project", target_id=project.pk, body="How is it going?"
        )

    def open_thread(self, project):
        return self.pick(
            Comment.objects.filter(project=project, thread__isnull=True, resolved_at__isnull=True)
        )

    def comment_replied(self, access, project):
        thread = self.open_thread(project)
        if thread is None:
            return self.comment_added(access, project)
        conversation.comment_reply(access=access, thread=thread, body="Posters are up")

    def comment_resolved(self, access, project):
        thread = self.open_thread(project)
        if thread is None:
            return self.comment_added(access, project)
        conversation.comment_thread_resolve(access=access, thread=thread, expected_version=thread.version)

    def comment_reopened(self, access, project):
        thread = self.pick(
            Comment.objects.filter(project=project, thread__isnull=True, resolved_at__isnull=False)
        )
        if thread is None:
            return self.comment_resolved(access, project)
        conversation.comment_thread_reopen(access=access, thread=thread, expected_version=thread.version)

    # --- measurement ---------------------------------------------------------------------------

    def aim_measure_created(self, access, project) -> Measure:
        return measurement.measure_create(
            access=access,
            project=project,
            name=self.name("Reliability"),
            is_aim_measure=True,
            numerator="Asked and told",
            denominator="Asked",
            starts_on=self.this_week() - timedelta(weeks=20),
            target=Decimal(self.rng.choice([60, 80, 95])),
        )

    def stratified_aim_created(self, access, project):
        """An aim measure broken down by deprivation (tests/equity_data.py), whose gap narrows."""
        first = self.this_week() - timedelta(weeks=WEEKS - 1)
        measure = measurement.measure_create(
            access=access,
            project=project,
            name=self.name("Uptake of rehabilitation"),
            numerator="People who started rehabilitation",
            denominator="People referred",
            unit="percent",
            is_aim_measure=True,
            stratified_by=["deprivation"],
            starts_on=first,
        )
        measurement.stratum_points_upsert(
            access=access, measure=measure, points=narrowing_rows(first), source="api"
        )

    def points_entered(self, access, project):
        measure = self.aim_of(access, project)
        weeks = self.recent_weeks(measure, self.rng.randint(1, 4))
        if measure.stratified_by:
            rows = [
                StratumInput(
                    week, {"deprivation": str(group)}, Decimal(self.rng.randint(10, 70)), Decimal(100)
                )
                for week in weeks
                for group in range(1, 6)
            ]
            measurement.stratum_points_upsert(access=access, measure=measure, points=rows, source="grid")
        else:
            points = [PointInput(week, Decimal(self.rng.randint(0, 10)), Decimal(10)) for week in weeks]
            measurement.points_upsert(access=access, measure=measure, points=points, source="grid")

    def tally_counted(self, access, project):
        measure = self.aim_of(access, project)
        happened = self.rng.random() < 0.6
        if measure.stratified_by:
            groups = {"deprivation": str(self.rng.randint(1, 5))}
            measurement.stratum_tally_add(access=access, measure=measure, groups=groups, happened=happened)
        else:
            measurement.tally_add(access=access, measure=measure, happened=happened)

    def period_marked(self, access, project):
        measure = self.aim_of(access, project)
        mark = self.pick(PeriodMark.objects.filter(measure=measure))
        if mark is not None and self.rng.random() < 0.4:
            measurement.period_mark_remove(access=access, measure=measure, mark_id=mark.pk)
            return
        marked = set(PeriodMark.objects.filter(measure=measure).values_list("period_start", flat=True))
        weeks = [week for week in self.recent_weeks(measure, 12) if week not in marked]
        measurement.period_mark_add(
            access=access,
            measure=measure,
            period_start=self.rng.choice(weeks),
            kind=self.rng.choice(["exclude", "rebase"]),
            reason="Clinic closed",
        )

    def target_changed(self, access, project):
        measure = self.aim_of(access, project)
        target = self.rng.choice([value for value in (50, 70, 90, 99) if measure.target != value])
        measurement.measure_update(
            access=access, measure=measure, expected_version=measure.version, target=Decimal(target)
        )

    # --- coaching calls (there is no service that cancels a call) -------------------------------

    def call_booked(self, access, project):
        coaching_services.call_create(
            access=access, project=project, kind="coaching", scheduled_for=self.future()
        )

    def group_call_booked(self, access, project):
        other = self.rng.choice([pk for pk in self.team_of if pk != project.pk])
        coaching_services.group_call_create(
            access=access,
            projects=[project, Project.objects.select_related("enrolment__cohort").get(pk=other)],
            kind="all_site",
            scheduled_for=self.future(),
        )

    def call_recorded(self, access, project):
        """A coaching call written up after it was held: the last coaching call moves on."""
        coaching_services.call_create(
            access=access, project=project, kind="coaching", scheduled_for=self.past(), notes="Went well"
        )

    def call_rescheduled(self, access, project):
        """Moved to a later day, or to an earlier time that has passed (held early): the next call moves
        on. A group call moves with its group."""
        call = self.pick(CoachingCall.objects.filter(project=project))
        if call is None:
            return self.call_booked(access, project)
        call.project = project
        when = self.future() if self.rng.random() < 0.7 else self.past()
        coaching_services.call_update(
            access=access,
            call=call,
            expected_version=call.version,
            whole_group=call.group_id is not None,
            scheduled_for=when,
        )

    # --- monthly returns -----------------------------------------------------------------------

    def return_saved(self, access, project):
        month = self.rng.choice([last_month(), timezone.localdate().replace(day=1)])
        monthly_return = coaching_services.return_start(access=access, project=project, month=month)
        if monthly_return.status == "draft":
            coaching_services.return_update(
                access=access,
                monthly_return=monthly_return,
                expected_version=monthly_return.version,
                barriers="Staff sickness",
                help_wanted="",
            )

    def return_submitted(self, access, project):
        monthly_return = coaching_services.return_start(access=access, project=project, month=last_month())
        if monthly_return.status == "draft":
            coaching_services.return_submit(
                access=access, monthly_return=monthly_return, expected_version=monthly_return.version
            )

    # --- partners ------------------------------------------------------------------------------

    def partner_added(self, access, project):
        taken = set(
            ProjectPartner.objects.filter(project=project).values_list("partner_organisation_id", flat=True)
        )
        free = [organisation for organisation in self.partner_pool if organisation.pk not in taken]
        if not free:
            free = [self.new_partner_organisation()]
            self.partner_pool += free
        partners.project_partner_add(
            access=access,
            project=project,
            partner_organisation=self.rng.choice(free),
            role_in_pathway="Care at home",
            site_name="",
        )

    def partner_left(self, access, project):
        today = timezone.localdate()
        partner = self.pick(
            ProjectPartner.objects.filter(project=project, joined_on__lte=today).filter(
                Q(left_on__isnull=True) | Q(left_on__gt=today)
            )
        )
        if partner is None:
            return self.partner_added(access, project)
        partner.project = project
        partners.project_partner_remove(access=access, partner=partner)

    def partner_renamed(self, access, project):
        organisation_id = (
            ProjectPartner.objects.filter(project=project)
            .order_by("created_at")
            .values_list("partner_organisation_id", flat=True)
            .first()
        )
        organisation = Organisation.objects.get(pk=organisation_id or self.partner_pool[0].pk)
        organisation_update(
            access=access,
            organisation=organisation,
            expected_version=edit_version(organisation),
            name=self.name("Renamed carers charity"),
        )

    def organisation_renamed(self, access, project):
        organisation = project.organisation
        self.serial += 1
        organisation_update(
            access=access,
            organisation=organisation,
            expected_version=edit_version(organisation),
            name=self.name(f"Renamed {organisation.kind}"),
            ods_code=f"RN{self.serial:03d}",
        )

    def system_renamed(self, access, project):
        system = project.organisation if project.organisation.is_system else project.organisation.system
        organisation_update(
            access=access,
            organisation=system,
            expected_version=edit_version(system),
            name=self.name("Renamed ICS"),
        )

    # --- phases, the score and new projects ----------------------------------------------------

    def project_renamed(self, access, project):
        project_update(
            access=access,
            project=project,
            expected_version=project.version,
            title=self.name("Renamed project"),
        )

    def phase_moved(self, access, project):
        last = Phase.objects.filter(programme_id=project.phase.programme_id).order_by("-order").first()
        forward = project.phase.order == 1 or (project.phase.order < last.order and self.rng.random() < 0.6)
        if forward:
            for item in phases.unticked_items(project):
                phases.checklist_item_toggle(access=access, project=project, item=item)
        phases.project_move_phase(
            access=access, project=project, expected_version=project.version, forward=forward
        )

    def score_overridden(self, access, project):
        score = self.rng.choice([None, Decimal("1.5"), Decimal("3.0")])
        phases.progress_score_override_set(
            access=access,
            project=project,
            expected_version=project.version,
            score=score,
            reason="The team has done more than it recorded" if score else "",
        )

    def project_created(self, access, project):
        enrolment = Enrolment.objects.get(organisation=self.world.org_a, cohort=self.world.cohort_1)
        created = project_create(
            access=access,
            enrolment=enrolment,
            title=self.name("Alpha new project"),
            area_of_focus="Discharge",
        )
        self.team_of[created.pk] = self.world.a_admin


@pytest.mark.parametrize("seed", SEEDS)
def test_entries_maintained_write_by_write_equal_entries_rebuilt_from_scratch(world, seed):
    dashboard_entries_rebuild()  # the world's set-up wrote some rows (data points) straight through the ORM
    initial = entries_snapshot()
    writes = Writes(world, random.Random(seed))
    writes.run(WRITES)
    maintained = entries_snapshot()
    cache.clear()  # from scratch: no cached summary or equity marker of a measure is reused
    dashboard_entries_rebuild()
    rebuilt = entries_snapshot()

    titles = project_keys()
    assert len(titles) > len(initial), "the sequence created projects"
    assert set(maintained) == titles and set(rebuilt) == titles, "every project has one entry"
    log = "\n".join(f"  {number:2}. {write}" for number, write in enumerate(writes.log, start=1))
    stale = [f"  after write {number}: {line}" for line, number in writes.stale.items()]
    assert not stale, (
        f"seed {seed}: writes left entries stale:\n" + "\n".join(stale) + f"\nthe writes:\n{log}"
    )
    problems = differences(maintained, rebuilt)
    assert not problems, (
        f"seed {seed}: the entries maintained by the writes differ from a rebuild:\n  "
        + "\n  ".join(problems)
        + f"\nthe writes:\n{log}"
    )
    assert writes.moved >= FACTS_MOVED, (
        f"seed {seed}: the writes never moved {sorted(FACTS_MOVED - writes.moved)}"
    )


# --- how the entries are kept ----------------------------------------------------------------------


def entry_of(project) -> DashboardEntry:
    """The entry as it stands on this connection, without flushing the marks of the transaction."""
    with all_organisations(reason="test reads an entry"):
        return DashboardEntry.objects.get(project_id=project.pk)


def comment_on(world) -> Comment:
    """A coach starts a thread on project A: one more unresolved comment in its entry."""
    with acting(world.coach_1) as access:
        return conversation.comment_create(
            access=access,
            project=world.project_a,
            target="project",
            target_id=world.project_a.pk,
            body="How is it going?",
        )


class RolledBack(Exception):
    pass


def test_a_service_write_shows_in_its_entry_inside_the_transaction(world):
    read_models.flush()
    before = entry_of(world.project_a).unresolved_comments
    with transaction.atomic():
        comment_on(world)
        # Neither flushed nor read through entries_visible: the service's atomic block rebuilt it as it
        # closed.
        assert entry_of(world.project_a).unresolved_comments == before + 1


def test_a_write_rolled_back_leaves_every_entry_as_it_was(world):
    before = entries_snapshot()
    with pytest.raises(RolledBack), transaction.atomic():
        comment_on(world)
        with acting(world.a_member) as access:
            codesign.team_member_create(access=access, project=world.project_a, role="staff", name="Ana")
        assert (
            entry_of(world.project_a).unresolved_comments
            != before[str(world.project_a.pk)]["unresolved_comments"]
        )
        raise RolledBack
    assert entries_snapshot() == before


def committed_entry(project) -> DashboardEntry:
    """The entry as another connection reads it: what has committed."""
    found = {}

    def read():
        try:
            with all_organisations(reason="test reads what has committed"):
                found["entry"] = DashboardEntry.objects.get(project_id=project.pk)
        finally:
            connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join()
    return found["entry"]


@pytest.mark.django_db(transaction=True)
def test_the_entry_commits_and_rolls_back_with_the_write(world):
    before = committed_entry(world.project_a).unresolved_comments
    with pytest.raises(RolledBack), transaction.atomic():
        comment_on(world)
        raise RolledBack
    assert committed_entry(world.project_a).unresolved_comments == before
    with all_organisations(reason="test reads the entries"):
        assert entry_read_by(world.a_member, world.project_a).unresolved_comments == before

    comment_on(world)  # its own transaction: the entry is rebuilt as it commits (alwaysevents.db)
    assert committed_entry(world.project_a).unresolved_comments == before + 1


def test_a_row_saved_or_deleted_through_the_orm_marks_its_project(world, system_scope):
    read_models.flush()
    # a carer, and no staff yet
    assert entry_read_by(world.a_member, world.project_a).suggested_score == Decimal("0.5")
    TeamMember.objects.create(organisation=world.org_a, project=world.project_a, role="staff", name="Ana")
    assert entry_read_by(world.a_member, world.project_a).suggested_score == Decimal("2.0")

    comments = entry_of(world.project_a).unresolved_comments
    comment = Comment.objects.create(
        organisation=world.org_a,
        project=world.project_a,
        target="project",
        target_id=world.project_a.pk,
        author=world.coach_1,
        body="Saved in a shell",
    )
    read_models.flush()
    assert entry_of(world.project_a).unresolved_comments == comments + 1
    comment.delete()
    read_models.flush()
    assert entry_of(world.project_a).unresolved_comments == comments


def test_saving_a_name_an_entry_copies_rebuilds_the_entries_that_show_it(world, system_scope):
    """An entry copies the names it shows; a save of any of them (here through the ORM, as a shell or an
    admin would) rebuilds the entries of every project that shows it, and only those."""
    dashboard_entries_rebuild()
    a, b = str(world.project_a.pk), str(world.project_b.pk)
    enrolment = Enrolment.objects.get(pk=world.project_a.enrolment_id)
    phase = Phase.objects.get(pk=world.project_b.phase_id)
    saves = [
        (lambda: _renamed(world.cohort_1, "Cohort one, renamed"), a, "cohort_name"),
        (lambda: _renamed(world.programme, "The programme, renamed"), b, "programme_name"),
        (lambda: _renamed(phase, "Phase, renamed"), b, "phase_name"),
        (lambda: _renamed(world.system_a, "Alpha ICS, renamed"), a, "system_name"),
        (lambda: _saved(world.org_b, kind="vcse", provider_type=""), b, "organisation_kind"),
        (lambda: _saved(world.org_a, system=world.system_b), a, "system"),
        (lambda: _saved(enrolment, cohort=world.cohort_2), a, "cohort"),
    ]
    for save, moved_project, moved_fact in saves:
        before = entries_snapshot()
        save()
        after = entries_snapshot()
        assert differences(after, entries_built_afresh()) == [], moved_fact
        assert after[moved_project][moved_fact] != before[moved_project][moved_fact], moved_fact


def _renamed(obj, name: str) -> None:
    _saved(obj, name=name)


def _saved(obj, **changes) -> None:
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save()


def test_expired_entries_are_rebuilt_and_missing_ones_built(world, system_scope):
    soon, later = make_call(world.project_a, days=1), make_call(world.project_a, days=5)
    read_models.flush()
    assert entry_of(world.project_a).next_call == soon.scheduled_for
    assert entry_of(world.project_a).expires_at <= soon.scheduled_for
    # The call's time passes, which no write records; the entry's expiry has come.
    passed = timezone.now() - timedelta(minutes=5)
    CoachingCall.objects.filter(pk=soon.pk).update(scheduled_for=passed)
    DashboardEntry.objects.filter(project=world.project_a).update(expires_at=passed)
    DashboardEntry.objects.filter(project=world.project_b).delete()
    # An entry that has not expired is not rebuilt (so this wrong count stays until a write).
    DashboardEntry.objects.filter(project=world.project_a2).update(unresolved_comments=99)

    assert dashboard_entries_refresh_expired() == 2
    assert entry_of(world.project_a).next_call == later.scheduled_for
    assert entry_of(world.project_a).expires_at > timezone.now()
    assert entry_of(world.project_b).unresolved_comments == 1  # world.records_b's comment
    assert entry_of(world.project_a2).unresolved_comments == 99
    assert dashboard_entries_refresh_expired() == 0


def test_a_reader_repairs_the_entries_the_beat_task_has_not_got_to(world, system_scope):
    read_models.flush()
    call = make_call(world.project_a, days=1)
    read_models.flush()
    CoachingCall.objects.filter(pk=call.pk).update(scheduled_for=timezone.now() - timedelta(minutes=5))
    DashboardEntry.objects.filter(project=world.project_a).update(expires_at=timezone.now())

    superuser = User.objects.create_superuser("root@example.org", "a-long-test-password-1")
    rows = DashboardRows(entries_visible(access=Access.for_user(superuser)))
    assert len(rows) == 3  # counting the rows rebuilds the expired one
    assert {row.project.pk: row.next_call for row in rows} == {
        world.project_a.pk: None,
        world.project_a2.pk: None,
        world.project_b.pk: None,
    }
    assert DashboardEntry.objects.get(project=world.project_a).expires_at > timezone.now()


def test_the_entries_a_reader_may_see_are_the_entries_of_the_projects_they_may_read(world, system_scope):
    """`Access.readable` asked of the entries' copies (`ENTRY_READ_FIELDS`) and of the projects
    (`PROJECT_FIELDS`) names the same projects for every role, a system's own project and a superuser
    included: the copies are the projects' facts."""
    from projects.selectors import projects_visible

    make_project(world.system_a, world.cohort_2, "Alpha system-wide project", world.programme)
    dashboard_entries_rebuild()
    superuser = User.objects.create_superuser("root@example.org", "a-long-test-password-1")
    readers = [value for value in vars(world).values() if isinstance(value, User)] + [superuser]
    assert len(readers) > 15
    seen = set()
    for reader in readers:
        access = Access.for_user(reader)
        with tenant_scope(lambda access=access: access.organisation_ids, reason="read as the reader"):
            projects = set(projects_visible(access=access).values_list("pk", flat=True))
            entries = set(entries_visible(access=access).values_list("project_id", flat=True))
        assert entries == projects, reader.email
        seen.add(frozenset(projects))
    assert len(seen) >= 6  # the readers see different sets of projects, so the comparison can tell them apart


def test_seeding_the_demo_builds_the_entries_a_bulk_load_left_out(world, system_scope):
    from demo.seed import seed_demo

    read_models.flush()
    DashboardEntry.objects.filter(project=world.project_b).delete()
    seed_demo()
    assert DashboardEntry.objects.filter(project=world.project_b).exists()


def test_the_management_command_rebuilds_every_entry(world, system_scope):
    read_models.flush()
    expected = entries_snapshot()
    DashboardEntry.objects.all().delete()
    out = StringIO()
    call_command("rebuild_dashboard_entries", stdout=out)
    assert re.fullmatch(r"Rebuilt 3 dashboard entries in \d+\.\d s\.\n", out.getvalue())
    assert entries_snapshot() == expected


def test_the_beat_schedule_runs_the_task_that_refreshes_expired_entries(world, system_scope):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert refresh_expired_dashboard_entries.name == "coaching.tasks.refresh_expired_dashboard_entries"
    assert refresh_expired_dashboard_entries.name in scheduled
    read_models.flush()
    DashboardEntry.objects.filter(project=world.project_b).delete()
    assert refresh_expired_dashboard_entries() == 1
    assert DashboardEntry.objects.filter(project=world.project_b).exists()


# --- what the coach dashboard reads ----------------------------------------------------------------

PROJECT_LINK = re.compile(r'href="/projects/([0-9a-f-]{36})/"')


def add_projects(world, count: int, start: int) -> None:
    for number in range(start, start + count):
        make_project(world.org_a, world.cohort_1, f"Project {number:03}", world.programme)
    read_models.flush()  # their entries, built together


@pytest.mark.urls("tests.coaching.urls_coaching")
def test_the_coach_dashboard_reads_the_same_queries_for_60_projects_as_for_120(world, client_of, settings):
    settings.PAGE_CACHE = False  # the page is built at every request
    for number in range(3):  # sorted first by title: the page shows rows with data
        add_project_with_data(world, f"Aardvark project {number}")
    add_projects(world, 54, start=0)  # with the world's 3: 60
    client = client_of(world.programme_admin)
    sixty = cold_and_warm(client, "/dashboards/coach/")
    assert len(set(PROJECT_LINK.findall(client.get("/dashboards/coach/").content.decode()))) == 50

    add_projects(world, 60, start=54)
    with all_organisations(reason="test counts the entries"):
        assert DashboardEntry.objects.count() == 120
    assert cold_and_warm(client, "/dashboards/coach/") == sixty
    assert len(set(PROJECT_LINK.findall(client.get("/dashboards/coach/").content.decode()))) == 50
