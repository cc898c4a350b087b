"""Times a measure broken down by deprivation quintile against one that is not: the measure page from a cold
cache (target: the stratified page in <= 2x the unstratified page's time).

Run as ``python benchmarks/bench_equity.py`` (``make bench`` does). It uses ``DATABASE_URL`` when set (for
PostgreSQL, a throw-away database on that server, dropped at the end), else a throw-away SQLite file, and a
file cache of its own (never a shared Redis: it clears the cache before every timed request). One project
holds two measures with 104 weekly periods each: one unstratified, one by deprivation quintile (5 groups,
written through the services every entry path uses), and a ramp of PDSA cycles. The page, whatever it
renders (the charts, the groups' charts and the gap chart, their tables), is requested in-process as a team
member (every count shown) and as the cohort's coach (a reader outside the team: small counts suppressed):
one untimed request each first (the chart engine starts), then 21 timed requests each, alternating the two
measures and which goes first, with the Django cache cleared before each. Prints the medians, the ratio
beside its target and PASS or FAIL; exits 1 if a target is missed or a page does not answer 200.
"""

import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
import uuid
import warnings
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
work = tempfile.mkdtemp(prefix="ae-bench-equity-")
WEEKS = 104
REQUESTS = 21
RATIO_TARGET = 2.0
# The least deprived quintile is small: some weekly counts are at or below the suppression threshold.
REFERRED = {"1": (24, 36), "2": (18, 28), "3": (14, 22), "4": (10, 18), "5": (8, 15)}
UPTAKE = {"1": 0.4, "2": 0.5, "3": 0.58, "4": 0.65, "5": 0.72}


def _throw_away_database() -> tuple[str, str | None]:
    """The database URL to use and, for PostgreSQL, the name of the database to drop at the end."""
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return url or f"sqlite:///{work}/bench.sqlite3", None
    import psycopg

    name = f"alwaysevents_bench_equity_{uuid.uuid4().hex[:8]}"
    parsed = urllib.parse.urlparse(url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl(), name


def _drop(database_url: str, name: str) -> None:
    import psycopg

    parsed = urllib.parse.urlparse(database_url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


database_url, drop_name = _throw_away_database()
# Production settings less HTTPS, as the web benchmark runs them; the cache is this run's own files.
os.environ.update(
    DJANGO_SETTINGS_MODULE="alwaysevents.settings",
    DATABASE_URL=database_url,
    REDIS_URL="",
    VAR_DIR=work,
    DEBUG="false",
    SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production",
    SECURE_SSL_REDIRECT="false",
    SESSION_COOKIE_SECURE="false",
    CSRF_COOKIE_SECURE="false",
    SECURE_HSTS_SECONDS="0",
    STATIC_MANIFEST="false",
    ALLOWED_HOSTS="testserver",
    MFA_REQUIRED_ROLES="",
    EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
    DEVELOPMENT_ENV_FILE="",
    LOG_LEVEL="WARNING",
)

# Pages are served without collected static files: WhiteNoise's warning about them says nothing here.
warnings.filterwarnings("ignore", message="No directory at")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402


def build():
    """A project with a coach and a team member, two measures of 104 weeks and a ramp of cycles."""
    from django.utils import timezone

    from accounts.access import Access
    from accounts.models import Role, User
    from accounts.services import role_grant_create
    from alwaysevents.tenancy import all_organisations
    from coproduction.models import ChangeIdea, PdsaCycle, Ramp
    from measurement.periods import period_start
    from measurement.points import PointInput
    from measurement.services import measure_create, points_upsert, stratum_points_upsert
    from measurement.strata import StratumInput
    from programmes.models import Cohort, Enrolment, Organisation, Phase
    from programmes.services import programme_create
    from projects.models import Project

    with all_organisations(reason="benchmark set-up"):
        programme = programme_create(name="Equity benchmark programme", system_job="bench")
        cohort = Cohort.objects.create(programme=programme, name="Cohort", launch_date=date(2024, 1, 1))
        system = Organisation.objects.create(kind="system", name="Bench ICS", ods_code="QZY")
        provider = Organisation.objects.create(
            kind="provider", name="Bench Trust", ods_code="RZY", provider_type="acute", system=system
        )
        enrolment = Enrolment.objects.create(organisation=provider, cohort=cohort)
        project = Project.objects.create(
            organisation=provider,
            enrolment=enrolment,
            title="Equity bench project",
            area_of_focus="Long-term conditions",
            phase=Phase.objects.get(programme=programme, order=4),
        )
        team = User.objects.create_user("team.equity@example.org", "a-long-benchmark-password")
        coach = User.objects.create_user("coach.equity@example.org", "a-long-benchmark-password")
        role_grant_create(
            granted_by=None, user=team, role=Role.TEAM_MEMBER, target=project, system_job="bench"
        )
        role_grant_create(granted_by=None, user=coach, role=Role.COACH, target=cohort, system_job="bench")
        access = Access.for_user(team)
        last = period_start(timezone.localdate(), frequency="weekly") - timedelta(weeks=1)
        weeks = [last - timedelta(weeks=week) for week in reversed(range(WEEKS))]
        fields = dict(
            numerator="People who took up a place",
            denominator="People referred",
            unit="percent",
            default_chart="run",
            starts_on=weeks[0],
        )
        rng = random.Random(10)
        plain = measure_create(access=access, project=project, name="Uptake", **fields)
        points_upsert(
            access=access,
            measure=plain,
            points=[PointInput(week, Decimal(rng.randint(50, 80)), Decimal(100)) for week in weeks],
            source="import",
        )
        by_group = measure_create(
            access=access,
            project=project,
            name="Uptake by deprivation quintile",
            stratified_by=["deprivation"],
            gap_as="difference",
            **fields,
        )
        rows = []
        for week in weeks:
            for quintile, (low, high) in REFERRED.items():
                referred = rng.randint(low, high)
                took_up = sum(rng.random() < UPTAKE[quintile] for _ in range(referred))
                rows.append(
                    StratumInput(week, {"deprivation": quintile}, Decimal(took_up), Decimal(referred))
                )
        stratum_points_upsert(access=access, measure=by_group, points=rows, source="import")
        idea = ChangeIdea.objects.create(organisation=provider, project=project, title="Peer calls")
        ramp = Ramp.objects.create(organisation=provider, project=project, change_idea=idea, title="Ramp")
        for number in range(1, 5):
            PdsaCycle.objects.create(
                organisation=provider,
                project=project,
                ramp=ramp,
                number=number,
                objective="x",
                starts_on=weeks[20 * number],
            )
    return {"team member": team, "coach": coach}, plain, by_group


def time_pages(readers: dict, plain, by_group) -> list[tuple[str, float, str, bool]]:
    from django.core.cache import cache
    from django.test import Client
    from django.urls import reverse

    pages = {
        name: reverse("measure_detail", args=[measure.project_id, measure.pk])
        for name, measure in (("unstratified", plain), ("by deprivation (5 groups)", by_group))
    }
    results = []
    print(f"Measure page, {WEEKS} weeks, cold cache: median of {REQUESTS} requests (slowest)")
    for reader, user in readers.items():
        client = Client()
        client.force_login(user)
        times: dict[str, list[float]] = {name: [] for name in pages}
        answered_ok = True
        for path in pages.values():  # untimed: the chart engine starts on the first render
            cache.clear()
            answered_ok &= client.get(path).status_code == 200
        sizes = {}
        for round_ in range(REQUESTS):
            ordered = list(pages.items())
            for name, path in ordered if round_ % 2 else reversed(ordered):  # neither always goes first
                cache.clear()
                began = time.perf_counter()
                response = client.get(path)
                times[name].append((time.perf_counter() - began) * 1000)
                answered_ok &= response.status_code == 200
                sizes[name] = (len(response.content), response.content.count(b"<svg"))
        medians = {name: statistics.median(values) for name, values in times.items()}
        for name, values in times.items():
            size, charts = sizes[name]
            print(
                f"  {reader:<12} {name:<28} {medians[name]:7.1f} ms ({max(values):6.1f} ms), "
                f"{size / 1024:5.0f} KB, {charts} SVG"
            )
        unstratified, stratified = medians.values()
        ratio = stratified / unstratified
        if not answered_ok:
            print(f"  FAIL: a page did not answer 200 for the {reader}")
            results.append((f"measure page as {reader}: answers 200", float("nan"), "200 only", False))
        results.append(
            (
                f"measure page as {reader}, by deprivation / unstratified, cold cache",
                ratio,
                f"<= {RATIO_TARGET:g}x",
                ratio <= RATIO_TARGET,
            )
        )
    return results


def main() -> int:
    try:
        call_command("migrate", verbosity=0)
        readers, plain, by_group = build()
        results = time_pages(readers, plain, by_group)
    finally:
        if drop_name:
            from django.db import connections

            connections.close_all()
            _drop(database_url, drop_name)
    missed = False
    for name, value, target, ok in results:
        missed |= not ok
        figure = "no figure" if value != value else f"{value:.2f}x"
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {figure} (target {target})")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
