"""The national-scale demo: 42 systems in NHS England's seven regions, each with two places, 220 providers,
126 partners that are not NHS (a council, a home care agency and a carers' charity in each system), 600
projects, 12,000 PDSA cycles and 1,800 measures with 104 weekly points each, with the users to go with them.
About one system-wide project in six has 2 to 5 partner organisations of its own system, some of its cycles
attributed to them, and a staff member at its first partner. For load benchmarks and for trying the dashboards
at the size of the real programme; `seed_demo --scale national` runs it.

Everything is synthetic: fictional place names, ODS-like codes (systems QN01-QN42, providers RN001-RN220) and
CQC-like location IDs (1-99000001 on) that no real organisation or the small demo uses, and emails at
national.example; a partner without a code is known as national by its system. The same `seed` gives the same
rows (names, phases, values); dates count back from the day it runs, so the data is always recent.

It is fast because it writes in bulk: every table is filled with `bulk_create` in batches, users share one
password hash, and the job writes one audit event for the whole seed rather than one per row. It runs once:
a second run refuses (`AlreadySeeded`) unless asked to `reset`, which deletes the national data first.
`scale` shrinks every count (tests use 0.02); the weeks of data stay 104.
"""

import random
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from django.apps import apps
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Role, RoleGrant, User
from alwaysevents.audit import audit
from alwaysevents.tenancy import TenantModel, all_organisations
from coaching.models import CallAction, CoachingCall, MonthlyReturn
from coaching.services_dashboards import dashboard_entries_rebuild
from coproduction import models as co
from measurement.models import DataPoint, Measure
from programmes.models import Cohort, Enrolment, Organisation, Phase, Place, Programme, nhs_england_regions
from programmes.services import programme_create
from projects.models import Project

JOB = "seed_national"
PROGRAMME_NAME = "Always Events national scale demo (synthetic)"
EMAIL_DOMAIN = "national.example"
SYSTEM_CODE = "QN{:02d}"
PROVIDER_CODE = "RN{:03d}"
NATIONAL_CODES = r"^(QN[0-9]{2}|RN[0-9]{3})$"
NATIONAL_SYSTEM_CODES = r"^QN[0-9]{2}$"
CQC_LOCATION_ID = "1-99{:06d}"
WEEKS = 104
BATCH = 2000

FULL = {"systems": 42, "providers": 220, "projects": 600, "cycles": 12_000}
# Cohort 1 holds half the projects: the 300-project cohort the coach dashboard benchmark reads.
COHORT_SHARES = [0.5, 0.2, 0.15, 0.15]
PHASE_SHARES = [0.1, 0.15, 0.2, 0.35, 0.2]
CYCLE_WEIGHT_BY_PHASE = {1: 0, 2: 0, 3: 1, 4: 3, 5: 4}
SYSTEM_WIDE_SHARE = 0.1
PARTNERED_EVERY = 6  # one system-wide project in six has partner organisations
PARTNERS_PER_PROJECT = (2, 5)


def system_weights(count: int) -> list[float]:
    """Systems differ in size as real ones do: at full scale the largest holds 72 provider projects (the
    system dashboard benchmark's), the next two 42 each (the system report benchmark's), the smallest 4."""
    return [(1 / (rank + 1)) ** 0.8 for rank in range(count)]


PLACE_STARTS = [
    "Ash", "Bram", "Cold", "Dun", "Elm", "Fern", "Glen", "Hollin", "Ivy", "Kings", "Lark", "Marsh", "North",
    "Oak", "Pen", "Red", "Stan", "Thorn", "Wex", "Yar", "Brook", "Cres", "Har", "Lyn", "Sand", "Wold",
    "Tam", "Ald", "Bex", "Chel",
]  # fmt: skip
PLACE_ENDS = [
    "ford",
    "vale",
    "ton",
    "bury",
    "field",
    "mouth",
    "wick",
    "ley",
    "stead",
    "combe",
    "holm",
    "worth",
]
PROVIDER_KINDS = [
    (Organisation.ProviderType.ACUTE, "{} Hospitals NHS Foundation Trust"),
    (Organisation.ProviderType.ACUTE, "{} and District General Hospital NHS Trust"),
    (Organisation.ProviderType.COMMUNITY, "{} Community Health NHS Trust"),
    (Organisation.ProviderType.MENTAL_HEALTH, "{} Mental Health NHS Foundation Trust"),
    (Organisation.ProviderType.PRIMARY_CARE, "{} Primary Care Network"),
    (Organisation.ProviderType.SOCIAL_CARE, "{} Home Care Partnership"),
    (Organisation.ProviderType.AMBULANCE, "{} Ambulance Service NHS Trust"),
]
AREAS = [
    "Children's outpatients", "Discharge from hospital", "Maternity", "Frailty", "Emergency department",
    "Mental health inpatients", "Cancer diagnosis", "Stroke rehabilitation", "Learning disability care",
    "End of life care", "Domiciliary care", "Diabetes clinics", "Dementia wards", "Renal dialysis",
]  # fmt: skip
TITLES = [
    "Knowing what happens next in {}",
    "Being listened to in {}",
    "Finding our way in {}",
    "Knowing who is looking after me in {}",
    "Feeling welcome in {}",
]
THEME_NAMES = ["Knowing what happens next", "Being listened to", "Finding the way", "Feeling welcome"]
RESPONSE_TEXTS = [
    "Being told how long the wait will be",
    "Staff explaining the plan in words I understand",
    "Knowing who to ring if I have questions",
    "Signs I can follow without asking",
    "Being asked what matters to me",
    "My carer being told the plan too",
    "Somewhere quiet to wait",
    "Not repeating my story every visit",
]
# Each system's partners that are not NHS: kind, type, name pattern (the system's first place)
PARTNER_KINDS = [
    (Organisation.Kind.LOCAL_AUTHORITY, "", "{} Council Adult Social Care"),
    (Organisation.Kind.INDEPENDENT_CARE, Organisation.ProviderType.DOMICILIARY_CARE, "{} Home Care Ltd"),
    (Organisation.Kind.VCSE, "", "{} Carers' Centre"),
]
PARTNER_ROLES = [
    "Social work reviews at home",
    "Care at home after discharge",
    "Community nursing visits",
    "Peer support for patients and carers",
    "The review in general practice",
    "Mental health liaison",
]
CHANGE_IDEAS = [
    "Welcome card given at the door",
    "Named nurse on the whiteboard",
    "Visual trail from the entrance",
    "Plan explained before going home",
    "Call if the clinic runs late",
    "Carer included in the ward round",
    "Quiet waiting space",
    "Follow-up phone call after discharge",
]


class AlreadySeeded(Exception):
    """The national data is already there; seed again only with reset."""


@dataclass(frozen=True)
class Plan:
    systems: int
    providers: int
    projects: int
    cycles: int

    @classmethod
    def at(cls, scale: float) -> "Plan":
        if not 0 < scale <= 1:
            raise ValueError("scale must be above 0 and at most 1")
        systems = max(2, round(FULL["systems"] * scale))
        providers = max(systems, round(FULL["providers"] * scale))
        projects = max(len(COHORT_SHARES) * 2, round(FULL["projects"] * scale))
        return cls(systems, providers, projects, round(FULL["cycles"] * scale))


@dataclass
class NationalSummary:
    counts: dict[str, int]
    seconds: float
    programme: Programme
    cohorts: list[Cohort]
    steps: list[tuple[str, float]] = field(default_factory=list)

    def lines(self) -> list[str]:
        rows = [f"  {name:<18} {count:>9,}" for name, count in self.counts.items()]
        return [f"National demo data ready in {self.seconds:.1f} s:", *rows]


def national_programme() -> Programme | None:
    return Programme.objects.filter(name=PROGRAMME_NAME).first()


def seed_national(
    *, scale: float = 1.0, reset: bool = False, seed: int = 2026, log: Callable[[str], None] | None = None
) -> NationalSummary:
    """Build the national data set in one transaction; refuse if it is there already unless `reset`."""
    plan = Plan.at(scale)
    started = time.perf_counter()
    with (
        all_organisations(reason="the national demo seed builds every organisation's data"),
        transaction.atomic(),
    ):
        existing = national_programme()
        if existing is not None and not reset:
            raise AlreadySeeded(
                "The national demo data is already seeded; run with --reset to delete and rebuild it."
            )
        if existing is not None:
            _delete_national(existing)
        builder = _Builder(plan, random.Random(seed), random.Random(seed + 1), log or (lambda message: None))
        builder.build()
        # The rows went in with bulk inserts, which mark no project: build every project's dashboard entry.
        dashboard_entries_rebuild()
        audit(
            system_job=JOB,
            action="demo.seed_national",
            obj=builder.programme,
            changed=sorted(builder.counts),
        )
    return NationalSummary(
        counts=builder.counts,
        seconds=time.perf_counter() - started,
        programme=builder.programme,
        cohorts=builder.cohorts,
        steps=builder.steps,
    )


def _delete_national(programme: Programme) -> None:
    """Delete the national rows. Tenant rows go by organisation with plain DELETEs: PostgreSQL checks the
    (deferred) foreign keys at commit, whereas Django's collector would load every row and stop at the
    PROTECT links between records that are all going anyway."""
    organisation_ids = list(
        Organisation.objects.filter(
            Q(ods_code__regex=NATIONAL_CODES) | Q(system__ods_code__regex=NATIONAL_SYSTEM_CODES)
        ).values_list("pk", flat=True)
    )
    for model in apps.get_models():
        if issubclass(model, TenantModel):
            model.objects.filter(organisation_id__in=organisation_ids)._raw_delete(connection.alias)
    synthetic_users = User.objects.filter(email__endswith="@" + EMAIL_DOMAIN)
    # The audit trail outlives the synthetic users it names: say who acted before the actor link is cleared.
    apps.get_model("alwaysevents", "AuditEvent").objects.filter(actor__in=synthetic_users).update(
        system_job="a synthetic national-demo user, since deleted"
    )
    synthetic_users.delete()
    RoleGrant.objects.filter(organisation_id__in=organisation_ids).delete()
    RoleGrant.objects.filter(cohort__programme=programme).delete()
    RoleGrant.objects.filter(programme=programme).delete()
    apps.get_model("alwaysevents", "AuditEvent").objects.filter(organisation_id__in=organisation_ids).update(
        organisation=None
    )
    Enrolment.objects.filter(cohort__programme=programme).delete()
    Cohort.objects.filter(programme=programme).delete()
    programme.delete()
    Organisation.objects.filter(pk__in=organisation_ids).exclude(kind=Organisation.Kind.SYSTEM).delete()
    Place.objects.filter(system_id__in=organisation_ids).delete()
    Organisation.objects.filter(pk__in=organisation_ids).delete()


def _batches(rows: Iterable, size: int = BATCH) -> Iterator[list]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


def _shares(total: int, weights: list[float]) -> list[int]:
    """Split `total` in proportion to `weights`, exactly (largest remainder)."""
    whole = sum(weights)
    raw = [total * weight / whole for weight in weights]
    counts = [int(value) for value in raw]
    by_remainder = sorted(range(len(raw)), key=lambda index: raw[index] - counts[index], reverse=True)
    for index in by_remainder[: total - sum(counts)]:
        counts[index] += 1
    return counts


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class _Builder:
    def __init__(
        self, plan: Plan, rng: random.Random, partner_rng: random.Random, log: Callable[[str], None]
    ):
        # The partnerships, places and regions draw from their own generator, so the rest of the data set
        # (and the benchmark figures read from it) is what it was before they existed.
        self.plan, self.rng, self.partner_rng, self.log = plan, rng, partner_rng, log
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.last_week = _monday(self.today) - timedelta(weeks=1)
        self.first_week = self.last_week - timedelta(weeks=WEEKS - 1)
        self.counts: dict[str, int] = {}
        self.steps: list[tuple[str, float]] = []
        self._step_started = time.perf_counter()

    def build(self) -> None:
        self._programme()
        self._organisations()
        self._projects()
        self._partners()
        self._users()
        self._discovery_and_codesign()
        self._tests_of_change()
        self._measures()
        self._support()

    # --- bookkeeping -------------------------------------------------------------------------------

    def _save(self, name: str, model: type[models.Model], rows: Iterable[models.Model]) -> None:
        count = 0
        for batch in _batches(rows):
            model.objects.bulk_create(batch)
            count += len(batch)
        self.counts[name] = self.counts.get(name, 0) + count

    def _done(self, step: str) -> None:
        now = time.perf_counter()
        self.steps.append((step, now - self._step_started))
        self.log(f"  {step:<40} {now - self._step_started:6.1f} s")
        self._step_started = now

    def _record(self, model, project, **fields):
        return model(id=uuid.uuid4(), organisation_id=project.organisation_id, project=project, **fields)

    # --- reference data ----------------------------------------------------------------------------

    def _programme(self) -> None:
        self.programme = programme_create(
            name=PROGRAMME_NAME,
            description="Synthetic data at the size of the national programme, for load tests.",
            system_job=JOB,
        )
        self.phases = list(Phase.objects.filter(programme=self.programme).order_by("order"))
        self.cohorts = [
            Cohort(programme=self.programme, name=f"National cohort {number}", launch_date=launch)
            for number, launch in enumerate(
                (self.first_week + timedelta(weeks=26 * index) for index in range(len(COHORT_SHARES))),
                start=1,
            )
        ]
        self._save("cohorts", Cohort, self.cohorts)
        self._done("programme, phases and cohorts")

    def _place_names(self, count: int) -> list[str]:
        names = [start + end for start in PLACE_STARTS for end in PLACE_ENDS]
        self.rng.shuffle(names)
        return names[:count]

    def _organisations(self) -> None:
        plan = self.plan
        places = self._place_names(plan.systems * 2 + plan.providers)
        regions = sorted(nhs_england_regions().values(), key=lambda region: region.code)
        self.systems = [
            Organisation(
                kind=Organisation.Kind.SYSTEM,
                name=f"{places[2 * index]} and {places[2 * index + 1]} Integrated Care System",
                ods_code=SYSTEM_CODE.format(index + 1),
                region=regions[index % len(regions)],
            )
            for index in range(plan.systems)
        ]
        # A system's places are the two it is named after.
        self.places_of = {
            system.pk: [Place(system=system, name=places[2 * index + offset]) for offset in (0, 1)]
            for index, system in enumerate(self.systems)
        }
        provider_places = places[2 * plan.systems :]
        system_of = [
            system
            for system, count in zip(
                self.systems, _shares(plan.providers, system_weights(plan.systems)), strict=True
            )
            for _ in range(max(1, count))
        ][: plan.providers]
        self.providers = []
        for index in range(plan.providers):
            provider_type, pattern = self.rng.choice(PROVIDER_KINDS)
            self.providers.append(
                Organisation(
                    kind=Organisation.Kind.PROVIDER,
                    name=pattern.format(provider_places[index]),
                    ods_code=PROVIDER_CODE.format(index + 1),
                    provider_type=provider_type,
                    system=system_of[index],
                    # two in three providers serve one place; the rest the whole system
                    place=self.places_of[system_of[index].pk][index % 3] if index % 3 < 2 else None,
                )
            )
        self.partner_organisations = [
            Organisation(
                kind=kind,
                provider_type=provider_type,
                name=pattern.format(self.places_of[system.pk][0].name),
                cqc_location_id=CQC_LOCATION_ID.format(len(PARTNER_KINDS) * index + number + 1)
                if kind == Organisation.Kind.INDEPENDENT_CARE
                else None,
                system=system,
                place=self.places_of[system.pk][0],
            )
            for index, system in enumerate(self.systems)
            for number, (kind, provider_type, pattern) in enumerate(PARTNER_KINDS)
        ]
        self._save("systems", Organisation, self.systems)
        self._save("places", Place, (place for pair in self.places_of.values() for place in pair))
        self._save("providers", Organisation, self.providers)
        self._save("partner organisations", Organisation, self.partner_organisations)
        self._done("organisations, places and regions")

    def _projects(self) -> None:
        plan = self.plan
        cohort_of = [
            cohort
            for cohort, count in zip(self.cohorts, _shares(plan.projects, COHORT_SHARES), strict=True)
            for _ in range(count)
        ]
        phase_of = [
            phase
            for phase, count in zip(self.phases, _shares(plan.projects, PHASE_SHARES), strict=True)
            for _ in range(count)
        ]
        self.rng.shuffle(phase_of)
        system_wide = round(plan.projects * SYSTEM_WIDE_SHARE)
        enrolments: dict[tuple, Enrolment] = {}
        self.projects: list[Project] = []
        for index in range(plan.projects):
            owner = (
                self.systems[index % len(self.systems)]
                if index < system_wide
                else self.providers[index % len(self.providers)]
            )
            key = (owner.pk, cohort_of[index].pk)
            if key not in enrolments:
                enrolments[key] = Enrolment(
                    organisation=owner,
                    cohort=cohort_of[index],
                    executive_sponsor="Director of Nursing",
                    status=Enrolment.Status.ACTIVE,
                )
            area = self.rng.choice(AREAS)
            self.projects.append(
                Project(
                    organisation=owner,
                    enrolment=enrolments[key],
                    title=self.rng.choice(TITLES).format(area.lower()),
                    area_of_focus=area,
                    phase=phase_of[index],
                    place=self._place_of_project(owner, index, system_wide),
                )
            )
        self._save("enrolments", Enrolment, enrolments.values())
        self._save("projects", Project, self.projects)
        self._done("enrolments and projects")

    def _place_of_project(self, owner: Organisation, index: int, system_wide: int) -> Place | None:
        """Some system-wide projects without partners belong to one of their system's places."""
        if index >= system_wide or index % PARTNERED_EVERY == 0 or index % 3 != 1:
            return None
        return self.places_of[owner.pk][index % 2]

    def _partners(self) -> None:
        """One system-wide project in six gets 2 to 5 partners from its own system's members, NHS or not."""
        rng = self.partner_rng
        members: dict[uuid.UUID, list[Organisation]] = {}
        for organisation in (*self.providers, *self.partner_organisations):
            members.setdefault(organisation.system_id, []).append(organisation)
        system_wide = [project for project in self.projects if project.organisation.is_system]
        self.partners_of: dict[uuid.UUID, list[co.ProjectPartner]] = {}
        for project in system_wide[::PARTNERED_EVERY]:
            candidates = members[project.organisation_id]
            count = min(len(candidates), rng.randint(*PARTNERS_PER_PROJECT))
            self.partners_of[project.pk] = [
                self._record(
                    co.ProjectPartner,
                    project,
                    partner_organisation=organisation,
                    role_in_pathway=rng.choice(PARTNER_ROLES),
                    site_name=organisation.name,
                    joined_on=self.first_week + timedelta(weeks=rng.randint(0, 12)),
                )
                for organisation in rng.sample(candidates, count)
            ]
        self._save(
            "project partners",
            co.ProjectPartner,
            (partner for partners in self.partners_of.values() for partner in partners),
        )
        self._done("project partners")

    def _users(self) -> None:
        password = make_password(settings.DEMO_PASSWORD)  # one hash for all: hashing is slow on purpose
        users, grants = [], []

        def user(email: str, name: str, role: str, **target) -> User:
            person = User(email=f"{email}@{EMAIL_DOMAIN}", full_name=name, password=password)
            users.append(person)
            grants.append(RoleGrant(user=person, role=role, **target))
            return person

        user("admin", "National Admin", Role.PROGRAMME_ADMIN, programme=self.programme)
        for number, cohort in enumerate(self.cohorts, start=1):
            user(f"coach.cohort{number}", f"Coach of Cohort {number}", Role.COACH, cohort=cohort)
        for system in self.systems:
            user(
                f"viewer.{system.ods_code.lower()}",
                f"Viewer {system.ods_code}",
                Role.SYSTEM_VIEWER,
                organisation=system,
            )
        for region in {system.region_id: system.region for system in self.systems}.values():
            user(
                f"region.{region.code.lower()}",
                f"Regional team {region.code}",
                Role.REGIONAL_VIEWER,
                region=region,
            )
        self.team_users = [
            user(f"team.{number}", f"Team Member {number}", Role.TEAM_MEMBER, project=project)
            for number, project in enumerate(self.projects, start=1)
        ]
        for number, partners in enumerate(self.partners_of.values(), start=1):
            user(f"partner.{number}", f"Partner Staff {number}", Role.PARTNER_STAFF, partnership=partners[0])
        self._save("users", User, users)
        self._save("role grants", RoleGrant, grants)
        self._done("users and role grants")

    # --- what teams record -------------------------------------------------------------------------

    def _discovery_and_codesign(self) -> None:
        rows: dict[type, list] = {
            model: []
            for model in (
                co.TeamMember, co.Theme, co.Response, co.ResponseTheme, co.CandidateEvent,
                co.CriterionAssessment, co.Statement, co.CandidateTheme, co.Comment,
            )
        }  # fmt: skip
        self.chosen: dict[uuid.UUID, co.CandidateEvent] = {}
        for project, team_user in zip(self.projects, self.team_users, strict=True):

            def record(model, project=project, **fields):
                rows[model].append(self._record(model, project, **fields))

            record(co.TeamMember, role="lead", name=team_user.full_name, user=team_user)
            record(co.TeamMember, role="staff", name="Ward sister")
            record(co.TeamMember, role=self.rng.choice(["patient", "carer"]))
            record(
                co.Comment,
                target="project",
                target_id=project.pk,
                author=team_user,
                body="Our next step is agreed at the team huddle.",
            )
            if project.phase.order < 2:
                continue
            themes = [self._record(co.Theme, project, name=name) for name in THEME_NAMES[:3]]
            rows[co.Theme].extend(themes)
            for text in self.rng.sample(RESPONSE_TEXTS, 6):
                response = self._record(
                    co.Response,
                    project,
                    method=self.rng.choice(co.Response.Method.values),
                    collected_on=self.first_week + timedelta(days=self.rng.randrange(60)),
                    respondent=self.rng.choice(["patient", "carer", "family", "not_said"]),
                    text=text,
                )
                rows[co.Response].append(response)
                record(co.ResponseTheme, response=response, theme=self.rng.choice(themes))
            if project.phase.order < 3:
                continue
            candidates = [
                self._record(co.CandidateEvent, project, title=f"I will always {what}", shortlisted=True)
                for what in ("know what happens next", "be listened to", "find my way")
            ]
            chosen = candidates[self.rng.randrange(3)]
            chosen.chosen = True
            self.chosen[project.pk] = chosen
            rows[co.CandidateEvent].extend(candidates)
            for candidate, theme in zip(candidates, themes, strict=True):
                record(co.CandidateTheme, candidate=candidate, theme=theme)
            for criterion in co.CriterionAssessment.Criterion.values:
                record(co.CriterionAssessment, candidate=chosen, criterion=criterion, verdict="met")
            record(
                co.Statement,
                candidate=chosen,
                vision=chosen.title,
                aim_what=f"Patients in {project.area_of_focus.lower()} say this happened",
                aim_for_whom=f"every patient in {project.area_of_focus.lower()}",
                aim_target_percent=90,
                aim_by_when=self.today + timedelta(days=180),
            )
        names = {
            co.TeamMember: "team members",
            co.Theme: "themes",
            co.Response: "responses",
            co.ResponseTheme: "response themes",
            co.CandidateEvent: "candidate events",
            co.CriterionAssessment: "assessments",
            co.Statement: "statements",
            co.CandidateTheme: "candidate themes",
            co.Comment: "comments",
        }
        for model in names:  # parents before the links that point at them
            self._save(names[model], model, rows[model])
        self._done("discovery and co-design")

    def _tests_of_change(self) -> None:
        weights = [CYCLE_WEIGHT_BY_PHASE[p.phase.order] * self.rng.uniform(0.5, 1.5) for p in self.projects]
        per_project = _shares(self.plan.cycles, weights) if any(weights) else [0] * len(self.projects)
        drivers, ideas, links, ramps, cycles, questions, attributions = [], [], [], [], [], [], []
        for project, count in zip(self.projects, per_project, strict=True):
            if not count:
                continue
            primary = self._record(co.Driver, project, text="People know what will happen", order=1)
            secondary = self._record(
                co.Driver, project, parent=primary, text="Information at each step", order=1
            )
            drivers += [primary, secondary]
            sizes, remaining = [], count
            while remaining:
                size = min(remaining, self.rng.randint(3, 6))
                sizes.append(size)
                remaining -= size
            start = self.first_week + timedelta(weeks=12)
            step = max(1, (WEEKS - 16) // max(1, count))
            for ramp_number, size in enumerate(sizes):
                tested = project.phase.order >= 4
                idea = self._record(
                    co.ChangeIdea,
                    project,
                    title=f"{CHANGE_IDEAS[ramp_number % len(CHANGE_IDEAS)]} ({ramp_number + 1})",
                    origin=self.rng.choice(co.ChangeIdea.Origin.values),
                    status="adopted" if tested and ramp_number < len(sizes) - 1 else "testing",
                )
                ideas.append(idea)
                links.append(self._record(co.ChangeIdeaDriver, project, change_idea=idea, driver=secondary))
                ramp = self._record(co.Ramp, project, change_idea=idea, title=idea.title)
                ramps.append(ramp)
                for number in range(1, size + 1):
                    last = number == size
                    cycle = self._record(
                        co.PdsaCycle,
                        project,
                        ramp=ramp,
                        number=number,
                        status=("running" if last else "complete") if tested else "planned",
                        objective=f"Test '{idea.title}' at a larger scale, step {number}",
                        plan_who="Ward sister and a patient partner",
                        plan_what=idea.title,
                        plan_where=project.area_of_focus,
                        plan_when="Weekday mornings",
                        starts_on=start,
                        ends_on=start + timedelta(days=6),
                        data_plan="Ask ten patients a week; record on the aim measure.",
                        do_notes="Ran as planned." if tested and not last else "",
                        study_notes="Most patients noticed the change." if tested and not last else "",
                        act_decision=("adapt" if number < size - 1 else "adopt")
                        if tested and not last
                        else "",
                    )
                    cycles.append(cycle)
                    attributions += self._attributions(cycle)
                    questions.append(
                        self._record(
                            co.PdsaQuestion,
                            project,
                            cycle=cycle,
                            question="Will patients notice the change?",
                            prediction="Most will, within a week.",
                            result="Most did." if tested and not last else "",
                        )
                    )
                    start += timedelta(weeks=step)
        self._save("drivers", co.Driver, (d for d in drivers if d.parent_id is None))
        self._save("drivers", co.Driver, (d for d in drivers if d.parent_id is not None))
        self._save("change ideas", co.ChangeIdea, ideas)
        self._save("change idea links", co.ChangeIdeaDriver, links)
        self._save("ramps", co.Ramp, ramps)
        self._save("PDSA cycles", co.PdsaCycle, cycles)
        self._save("PDSA questions", co.PdsaQuestion, questions)
        self._save("cycle attributions", co.PdsaCyclePartner, attributions)
        self._done("driver diagrams, ramps and PDSA cycles")

    def _attributions(self, cycle: co.PdsaCycle) -> list[co.PdsaCyclePartner]:
        """Half a partnered project's cycles are attributed: most to one partner, one in three of those to
        two (a joint test, like Greater Manchester's reviews)."""
        partners = self.partners_of.get(cycle.project.pk)
        share = self.partner_rng.random() if partners else 1.0
        if share >= 0.5:
            return []
        chosen = (
            self.partner_rng.sample(partners, 2) if share < 1 / 6 else [self.partner_rng.choice(partners)]
        )
        return [self._record(co.PdsaCyclePartner, cycle.project, cycle=cycle, partner=p) for p in chosen]

    # --- measures and their data -------------------------------------------------------------------

    def _measures(self) -> None:
        measures = []
        entered_at = self.now  # the dashboards' "last data entry": every point is entered now
        for project in self.projects:
            # Measure.data_version (the stamp the dashboards' caches key on) starts at 1, as for any new one.
            common = {
                "starts_on": self.first_week,
                "sampling_rule": "10 patients a week",
                "points_changed_at": entered_at,
            }
            measures += [
                self._record(
                    Measure,
                    project,
                    name="Patients who say it always happened",
                    kind="process",
                    is_aim_measure=True,
                    numerator="Patients who say the Always Event happened",
                    denominator="Patients asked",
                    collection_method="asked_of_patients",
                    unit="percent",
                    improvement_direction="increase",
                    target=90,
                    default_chart="xmr",
                    **common,
                ),
                self._record(
                    Measure,
                    project,
                    name="Patients who felt involved",
                    kind="outcome",
                    numerator="Patients answering 'agree' to 'I felt involved'",
                    denominator="Patients answering",
                    collection_method="asked_of_patients",
                    unit="percent",
                    improvement_direction="increase",
                    default_chart="run",
                    **common,
                ),
                self._record(
                    Measure,
                    project,
                    name="Staff minutes spent answering questions",
                    kind="balancing",
                    numerator="Minutes staff spent answering patients' questions about what happens next",
                    collection_method="staff_audit",
                    unit="minutes",
                    improvement_direction="decrease",
                    default_chart="xmr",
                    **common,
                ),
            ]
        self._save("measures", Measure, measures)
        self.latest_aim: dict[uuid.UUID, float] = {}
        self._save("data points", DataPoint, (point for m in measures for point in self._points(m)))
        self._done("measures and weekly data")

    def _points(self, measure: Measure) -> Iterator[DataPoint]:
        """104 weeks of realistic noise; about half the series shift (mostly for the better) part-way."""
        rng = self.rng
        shift_week = rng.randrange(30, WEEKS - 10) if rng.random() < 0.5 else None
        better = rng.random() < 0.8
        if measure.unit == Measure.Unit.PERCENT:
            asked = rng.choice([10, 12, 15, 20, 30])
            level = rng.uniform(0.35, 0.75)
            change = rng.uniform(0.12, 0.25) * (1 if better else -1)
        else:
            level = rng.uniform(20, 60)
            change = -level * rng.uniform(0.25, 0.45) * (1 if better else -1)
        for week in range(WEEKS):
            mean = level + (change if shift_week is not None and week >= shift_week else 0)
            if measure.unit == Measure.Unit.PERCENT:
                share = min(1.0, max(0.0, mean))
                spread = (asked * share * (1 - share)) ** 0.5
                numerator, denominator = min(asked, max(0, round(rng.gauss(asked * share, spread)))), asked
            else:
                numerator, denominator = max(0, round(rng.gauss(mean, mean * 0.15))), None
            if measure.is_aim_measure and week == WEEKS - 1:
                self.latest_aim[measure.project_id] = round(100 * numerator / denominator, 1)
            yield DataPoint(
                id=uuid.uuid4(),
                organisation_id=measure.organisation_id,
                measure=measure,
                period_start=self.first_week + timedelta(weeks=week),
                numerator=numerator,
                denominator=denominator,
            )

    # --- coaching calls and monthly returns --------------------------------------------------------

    def _support(self) -> None:
        calls, actions, returns = [], [], []
        months = _previous_months(self.today, 3)
        for project in self.projects:
            past = self._record(
                CoachingCall,
                project,
                scheduled_for=_at_ten(self.today - timedelta(days=self.rng.randint(3, 25))),
                attendees="Project lead\nWard sister",
                notes="Reviewed the run chart and the next PDSA cycle.",
            )
            calls.append(past)
            for number, done in ((1, True), (2, False)):
                actions.append(
                    self._record(
                        CallAction,
                        project,
                        call=past,
                        text=f"Action {number}: share the run chart with the ward",
                        owner="Project lead",
                        due_on=self.today + timedelta(days=7 * number - 10),
                        done_on=self.today - timedelta(days=2) if done else None,
                    )
                )
            if self.rng.random() < 0.6:
                calls.append(
                    self._record(
                        CoachingCall,
                        project,
                        scheduled_for=_at_ten(self.today + timedelta(days=self.rng.randint(1, 28))),
                    )
                )
            for month in months:
                status = self.rng.choices(["submitted", "draft", None], weights=[7, 1, 2])[0]
                if status is None:
                    continue
                returns.append(
                    self._record(
                        MonthlyReturn,
                        project,
                        month=month,
                        status=status,
                        snapshot=self._snapshot(project, month) if status == "submitted" else {},
                        barriers="Staff changes on the ward slowed testing."
                        if self.rng.random() < 0.3
                        else "",
                        submitted_at=self.now if status == "submitted" else None,
                    )
                )
        self._save("coaching calls", CoachingCall, calls)
        self._save("call actions", CallAction, actions)
        self._save("monthly returns", MonthlyReturn, returns)
        self._done("coaching calls and monthly returns")

    def _snapshot(self, project: Project, month: date) -> dict:
        """The shape `coaching.selectors.return_figures` freezes, filled from what this seed made."""
        return {
            "month": month.isoformat(),
            "phase": project.phase.name,
            "phase_order": project.phase.order,
            "aim": {
                "measure": "Patients who say it always happened",
                "unit": "percent",
                "latest_value": self.latest_aim.get(project.pk),
                "latest_period_start": self.last_week.isoformat(),
                "variation_icon": None,
                "assurance_icon": None,
            },
            "cycles": [],
            "change_ideas_adopted": [],
        }


def _previous_months(today: date, count: int) -> list[date]:
    months, month = [], today.replace(day=1)
    for _ in range(count):
        month = (month - timedelta(days=1)).replace(day=1)
        months.append(month)
    return months


def _at_ten(day: date) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, 10, 0))
