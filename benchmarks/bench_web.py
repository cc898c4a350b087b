"""Load benchmark of the web service on the national data set, under gunicorn on PostgreSQL and Redis.

Run as ``python benchmarks/bench_web.py`` (``make bench`` does, with 127.0.0.1 defaults). It needs
DATABASE_URL (PostgreSQL; the benchmark uses its own database ``alwaysevents_bench`` on that server, kept
between runs) and REDIS_URL. It migrates, seeds the national data once (timing it; ``--reseed`` rebuilds it
and times it again), starts gunicorn with 2 workers and production settings (DEBUG off, cache on Redis),
then for /healthz, the coach dashboard of the 300-project cohort, the system dashboard of the largest system
and a project page prints requests per second, p50 and p95 beside /healthz's from the same server and run
(the ratio is the figure that matters), then the workers' memory, then the time from request to finished PDF
for a project report and a system report of about 40 projects (a Celery worker on Redis renders them).
Every figure is printed before it exits 1 if any target is missed; a route that does not answer 200 is a
FAIL line, never a skip. Targets (2-core machine) are in docs/benchmarks.md.
"""

import argparse
import os
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _stack  # noqa: E402

BENCH_DATABASE = "alwaysevents_bench"
WORKERS = 2
CLIENTS = 4
SECONDS = 10.0
WARM_UP = 10
DASHBOARD_SHARE_OF_HEALTHZ = 0.25
DASHBOARD_P95_MS = 150
WORKER_RSS_MB = 300
PROJECT_REPORT_S = 5
SYSTEM_REPORT_S = 30
SEED_S = 600
SYSTEM_REPORT_PROJECTS = 40


def prepare(reseed: bool) -> list[tuple[str, float, str, bool]]:
    """Migrate and seed; the seed's figure when it ran."""
    summary = _stack.prepare_national(reseed=reseed)
    if summary is None:
        return []
    return [("national seed", summary.seconds, f"<= {SEED_S} s", summary.seconds <= SEED_S)]


def targets():
    """Who asks for what: the coach of the 300-project cohort, the viewer of the largest system, a project."""
    from django.db.models import Count, Q

    from accounts.models import User
    from alwaysevents.tenancy import all_organisations
    from demo.national import EMAIL_DOMAIN, national_programme
    from programmes.models import Cohort, Organisation
    from projects.models import Project

    with all_organisations(reason="benchmark set-up picks its pages"):
        programme = national_programme()
        cohort = (
            Cohort.objects.filter(programme=programme)
            .annotate(projects=Count("enrolments__projects"))
            .order_by("-projects")
            .first()
        )
        systems = list(
            Organisation.objects.filter(kind="system", ods_code__startswith="QN")
            .annotate(provider_projects=Count("providers__enrolments__projects", distinct=True))
            .order_by("-provider_projects")
        )
        largest = systems[0]
        report_system = min(systems, key=lambda s: abs(s.provider_projects - SYSTEM_REPORT_PROJECTS))
        project = (
            Project.objects.filter(enrolment__cohort=cohort, phase__order=5)
            .filter(~Q(organisation__kind="system"))
            .order_by("title", "id")
            .first()
        )
        coach = User.objects.get(email=f"coach.cohort1@{EMAIL_DOMAIN}")
        viewer = User.objects.get(email=f"viewer.{largest.ods_code.lower()}@{EMAIL_DOMAIN}")
        report_viewer = User.objects.get(email=f"viewer.{report_system.ods_code.lower()}@{EMAIL_DOMAIN}")
        cohort_size = cohort.projects
        region = largest.region
        regional_viewer = User.objects.filter(email=f"region.{region.code.lower()}@{EMAIL_DOMAIN}").first()
    return {
        "region": region,
        "regional_viewer": regional_viewer,
        "coach": coach,
        "viewer": viewer,
        "cohort": cohort,
        "cohort_size": cohort_size,
        "largest": largest,
        "report_system": report_system,
        "report_viewer": report_viewer,
        "project": project,
    }


def session_cookie(user) -> str:
    """A signed-in session for `user`, as the login view makes it (the bench measures pages, not sign-in)."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return f"{settings.SESSION_COOKIE_NAME}={session.session_key}"


def web(port: int, picked: dict) -> list[tuple[str, float, str, bool]]:
    coach, viewer = session_cookie(picked["coach"]), session_cookie(picked["viewer"])
    pages = [
        ("/healthz", "/healthz", ""),
        (
            f"coach dashboard ({picked['cohort_size']} projects)",
            f"/dashboards/coach/?cohort={picked['cohort'].pk}",
            coach,
        ),
        (
            f"system dashboard ({picked['largest'].provider_projects} provider projects)",
            f"/dashboards/system/?system={picked['largest'].pk}",
            viewer,
        ),
        ("project page", picked["project"].get_absolute_url(), coach),
    ]
    if picked["regional_viewer"] is not None:
        pages.insert(
            3,
            (
                f"regional dashboard ({picked['region'].name})",
                f"/dashboards/region/?region={picked['region'].pk}",
                session_cookie(picked["regional_viewer"]),
            ),
        )
    results, healthz = [], None
    print(f"\n{CLIENTS} keep-alive clients for {SECONDS:.0f} s each, against gunicorn with {WORKERS} workers")
    print(f"{'page':<44} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'of /healthz':>12}")
    for name, path, cookie in pages:
        try:
            result = _stack.load(port, path, cookie=cookie, clients=CLIENTS, seconds=SECONDS, warm_up=WARM_UP)
        except OSError as error:
            print(f"{name:<44} FAIL: {path} could not be loaded ({error})")
            results.append((name, float("nan"), "answers 200", False))
            continue
        if healthz is None:
            healthz = result
        share = result.rps / healthz.rps if healthz.rps else 0.0
        print(f"{name:<44} {result.rps:8.1f} {result.p50_ms:8.1f} {result.p95_ms:8.1f} {share:11.0%}")
        if not result.only_ok:
            print(f"  FAIL: {path} answered {result.statuses} (expected only 200)")
            results.append((f"{name}: answers 200", float("nan"), "200 only", False))
            continue
        if result is healthz:
            continue
        results.append(
            (
                f"{name}: % of /healthz rps",
                share * 100,
                f">= {DASHBOARD_SHARE_OF_HEALTHZ:.0%}",
                share >= DASHBOARD_SHARE_OF_HEALTHZ,
            )
        )
        results.append(
            (f"{name}: p95 ms", result.p95_ms, f"<= {DASHBOARD_P95_MS} ms", result.p95_ms <= DASHBOARD_P95_MS)
        )
    built_afresh(port, pages[1:])
    return results


def built_afresh(port: int, pages: list[tuple[str, str, str]]) -> None:
    """The pages above are mostly served from the per-reader page cache (docs/adr/008), as in real use.
    For the record, the first view after a write, when the page is built from the database (each measure's
    summary still cached): a write is simulated by replacing the freshness token every page depends on,
    then one request is timed; the median and the slowest of 5."""
    from alwaysevents import freshness

    print("\nBuilt afresh after a write (one request at a time; not a target, for the record)")
    for name, path, cookie in pages:
        times = []
        for _ in range(5):
            freshness.changed(None)  # outside a transaction: replaced at once
            times.append(_stack.timed_get_ms(port, path, cookie))
        print(f"{name:<44} median {statistics.median(times):6.0f} ms, slowest {max(times):6.0f} ms")


def reports(picked: dict) -> list[tuple[str, float, str, bool]]:
    from accounts.access import Access
    from alwaysevents.tenancy import all_organisations
    from reports import services

    print()
    results = []
    with all_organisations(reason="the benchmark asks for reports and watches their runs"):
        seconds = _stack.time_run(
            lambda: services.report_request(
                access=Access.for_user(picked["coach"]), scope=picked["project"], kind="pdf"
            ),
            timeout=180,
        )
        results.append(_report_line("project report PDF", seconds, PROJECT_REPORT_S))
        scope_request = getattr(services, "scope_report_request", None)
        try:
            from reports.scopes import Scope
        except ImportError:
            Scope = None
        system = picked["report_system"]
        name = f"system report PDF ({system.provider_projects} projects)"
        if scope_request is None or Scope is None:
            print(f"{name}: not available (no reports.services.scope_report_request or reports.scopes.Scope)")
            results.append((name + ": not available", float("nan"), f"<= {SYSTEM_REPORT_S} s", False))
        else:
            seconds = _stack.time_run(
                lambda: scope_request(
                    access=Access.for_user(picked["report_viewer"]), scope=Scope("system", system), kind="pdf"
                ),
                timeout=180,
            )
            results.append(_report_line(name, seconds, SYSTEM_REPORT_S))
    return results


def _report_line(name: str, seconds: float | str, target: float) -> tuple[str, float, str, bool]:
    if isinstance(seconds, str):
        print(f"{name}: FAIL, {seconds}")
        return (name, float("nan"), f"<= {target} s", False)
    print(f"{name}: {seconds:.2f} s from request to finished PDF")
    return (name + ", s", seconds, f"<= {target} s", seconds <= target)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--reseed", action="store_true", help="Delete and rebuild the national data, timing it."
    )
    arguments = parser.parse_args()

    database_url, redis_url = _stack.require_environment()
    var_dir = _stack.configure(_stack.bench_database_url(database_url, BENCH_DATABASE), redis_url, "bench")
    import django

    django.setup()
    results = prepare(arguments.reseed)
    picked = targets()
    from django.db import connections

    connections.close_all()

    port = _stack.free_port()
    server = _stack.start_gunicorn(port, WORKERS, var_dir)
    worker = None
    try:
        results += web(port, picked)
        sizes = _stack.worker_rss_mb(server.popen.pid)
        largest = max(sizes) if sizes else float("nan")
        print(f"\ngunicorn workers' memory after the run: {', '.join(f'{s:.0f} MB' for s in sizes)}")
        results.append(
            ("largest web worker RSS, MB", largest, f"<= {WORKER_RSS_MB} MB", largest <= WORKER_RSS_MB)
        )
        worker = _stack.start_celery(f"pdf,{os.environ['CELERY_TASK_DEFAULT_QUEUE']}", var_dir)
        results += reports(picked)
    finally:
        server.stop()
        if worker is not None:
            worker.stop()

    print("\nSummary")
    for name, value, target, ok in results:
        figure = "no figure" if value != value else f"{value:.1f}"  # NaN: the step failed, said above
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {figure} (target {target})")
    print(f"Logs of gunicorn and the worker: {var_dir}")
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
