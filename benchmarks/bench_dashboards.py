"""Dashboards under a mixed load: readers while a writer enters data, with the page cache on and off.

Run as ``python benchmarks/bench_dashboards.py`` (``make bench`` does). It needs DATABASE_URL (PostgreSQL) and
REDIS_URL, and uses the national data set in ``alwaysevents_bench`` (seeded by the first run of this or of
bench_web.py, kept between runs). Under gunicorn (3 workers, as the Dockerfile runs it; production settings),
a writer enters 5 data points a second into random projects through the data-entry service, as each
project's team member, so the caches and the dashboards' read model are replaced as in use. Meanwhile 4
keep-alive clients read, in turn, /healthz, the coach dashboard as 4 different coaches, the system dashboard
as 8 different system viewers and project pages as 20 different team members; each page's rps, p50 and p95
print beside /healthz's from the same run. All of it twice: with the page cache on, then off
(``PAGE_CACHE=false``, docs/benchmarks.md).

Then the cohort scaled x10: in its own database (``alwaysevents_bench_x10``, built once) the 300-project
cohort is copied nine times over (3,000 projects, each with its aim measure and points) and its coach
dashboard is read the same way, page cache off; its p95 is compared with the 300-project figure.

Every figure prints beside its target before it exits 1 if any is missed.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _stack  # noqa: E402
import bench_web  # noqa: E402

WORKERS = 3  # as the Dockerfile and docker-compose run gunicorn
CLIENTS = 4
SECONDS = 10.0
WARM_UP = 8
WRITES_PER_SECOND = 5
COACHES, SYSTEM_VIEWERS, TEAM_MEMBERS = 4, 8, 20
# (share of /healthz rps, p95 ms) for each dashboard
TARGETS = {"on": (0.20, 150), "off": (0.10, 100)}
SCALE = 10
SCALED_P95_WITHIN = 1.5
SCALED_DATABASE = "alwaysevents_bench_x10"


def readers() -> dict:
    """Who reads what: the coaches of the 4 cohorts, the viewers of the 8 largest systems, 20 team members."""
    from django.db.models import Count

    from accounts.models import RoleGrant, User
    from alwaysevents.tenancy import all_organisations
    from demo.national import EMAIL_DOMAIN, national_programme
    from programmes.models import Cohort, Organisation

    with all_organisations(reason="the benchmark picks its readers"):
        programme = national_programme()
        cohorts = list(
            Cohort.objects.filter(programme=programme)
            .annotate(projects=Count("enrolments__projects"))
            .order_by("-projects")
        )
        coaches = []
        for cohort in cohorts[:COACHES]:
            grant = RoleGrant.objects.filter(role="coach", cohort=cohort).select_related("user").first()
            coaches.append((grant.user, f"/dashboards/coach/?cohort={cohort.pk}"))
        systems = list(
            Organisation.objects.filter(kind="system", ods_code__startswith="QN")
            .annotate(provider_projects=Count("providers__enrolments__projects", distinct=True))
            .order_by("-provider_projects")[:SYSTEM_VIEWERS]
        )
        viewers = [
            (
                User.objects.get(email=f"viewer.{system.ods_code.lower()}@{EMAIL_DOMAIN}"),
                f"/dashboards/system/?system={system.pk}",
            )
            for system in systems
        ]
        members = [
            (grant.user, grant.project.get_absolute_url())
            for grant in RoleGrant.objects.filter(role="team_member", user__email__endswith=EMAIL_DOMAIN)
            .select_related("user", "project")
            .order_by("user__email")[:TEAM_MEMBERS]
        ]
    return {
        "coach dashboard": coaches,
        "system dashboard": viewers,
        "project page": members,
        "largest cohort": cohorts[0].projects,
    }


class Writer:
    """The writer, in a process of its own (this script with --writer), started before a page's load and
    stopped after it. As a thread of the load generator its Python (about 30 ms a write, most of it rebuilding
    the project's dashboard entry) held the interpreter lock that the clients' threads need to read their
    clocks and parse answers, so its stalls were counted in the pages' latencies."""

    def __init__(self):
        self.written = 0
        self.seconds = 0.0
        self.errors: list[str] = []
        self._process: subprocess.Popen | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, __file__, "--writer"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ,
        )
        if self._process.stdout.readline().strip() != "ready":
            self._process.kill()
            raise RuntimeError("the writer process did not start")

    def stop(self) -> None:
        """Close its input (its signal to stop) and read what it wrote."""
        output, _ = self._process.communicate(input="", timeout=120)
        if self._process.returncode != 0:
            self.errors.append(f"the writer process exited {self._process.returncode}")
            return
        figures = json.loads(output.strip().splitlines()[-1])
        self.written, self.seconds, self.errors = figures["written"], figures["seconds"], figures["errors"]


def write_until_input_closes() -> dict:
    """In the --writer process: write until the main process closes this one's input, then the figures."""
    import django

    django.setup()
    writing = Writing()
    writing.start()
    print("ready", flush=True)
    sys.stdin.read()
    writing.stopping.set()
    writing.join()
    return {"written": writing.written, "seconds": writing.seconds, "errors": writing.errors}


class Writing(threading.Thread):
    """Enters a data point a fifth of a second into a random project's aim measure, as its team member,
    through `measurement.services.points_upsert` (the service every data-entry path calls)."""

    def __init__(self, seed: int = 11):
        super().__init__(daemon=True)
        self.random = random.Random(seed)
        self.stopping = threading.Event()
        self.written = 0
        self.errors: list[str] = []
        self.seconds = 0.0
        self._targets = self._pick()

    @staticmethod
    def _pick() -> list:
        from accounts.models import RoleGrant
        from alwaysevents.tenancy import all_organisations
        from demo.national import EMAIL_DOMAIN
        from measurement.models import DataPoint, Measure

        with all_organisations(reason="the benchmark's writer picks its measures"):
            users = {
                grant.project_id: grant.user
                for grant in RoleGrant.objects.filter(
                    role="team_member", user__email__endswith=EMAIL_DOMAIN
                ).select_related("user")
            }
            measures = list(Measure.objects.filter(is_aim_measure=True, project_id__in=list(users)))
            latest = {
                point.measure_id: point
                for point in DataPoint.objects.filter(measure__in=measures).order_by(
                    "measure_id", "period_start"
                )
            }
        return [(users[m.project_id], m, latest[m.pk]) for m in measures if m.pk in latest]

    def run(self) -> None:
        from django.db import connection

        from accounts.access import Access
        from alwaysevents.tenancy import all_organisations
        from measurement.points import PointInput
        from measurement.services import points_upsert

        began = time.perf_counter()
        interval = 1 / WRITES_PER_SECOND
        next_at = time.monotonic()
        while not self.stopping.is_set():
            user, measure, point = self.random.choice(self._targets)
            denominator = point.denominator or 10
            numerator = self.random.randint(0, int(denominator))
            try:
                with all_organisations(reason="the benchmark's writer enters data as a team member"):
                    points_upsert(
                        access=Access.for_user(user),
                        measure=measure,
                        points=[PointInput(point.period_start, numerator, point.denominator)],
                        source="bench",
                    )
                self.written += 1
            except Exception as error:  # counted and printed: a failed write fails the run
                self.errors.append(repr(error))
            next_at += interval
            self.stopping.wait(max(0.0, next_at - time.monotonic()))
        self.seconds = time.perf_counter() - began
        connection.close()


def analyse() -> None:
    """Fresh planner statistics after a bulk load, as autovacuum keeps them in service."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def session_cookies(pairs: list) -> list[tuple[str, str]]:
    return [(path, bench_web.session_cookie(user)) for user, path in pairs]


def measured(port: int, picked: dict, *, pages=("coach dashboard", "system dashboard", "project page")):
    """Each page's Load (its readers in turn), /healthz first, while a writer enters data."""
    loads = {}
    writer = Writer()
    writer.start()
    try:
        loads["/healthz"] = _stack.load(
            port, "/healthz", cookie="", clients=CLIENTS, seconds=SECONDS, warm_up=WARM_UP
        )
        for page in pages:
            loads[page] = _stack.load_many(
                port, session_cookies(picked[page]), clients=CLIENTS, seconds=SECONDS, warm_up=WARM_UP
            )
    finally:
        writer.stop()
    return loads, writer


def run_server(var_dir: Path, page_cache: bool, body) -> object:
    os.environ["PAGE_CACHE"] = "true" if page_cache else "false"
    port = _stack.free_port()
    server = _stack.start_gunicorn(port, WORKERS, var_dir)
    try:
        return body(port)
    finally:
        server.stop()


def report(loads: dict, writer: Writer, cache: str, picked: dict) -> list[tuple[str, float, str, bool]]:
    share_target, p95_target = TARGETS[cache]
    healthz = loads["/healthz"]
    sizes = {page: len(picked[page]) for page in loads if page in picked}
    print(f"\nPage cache {cache}: {CLIENTS} clients, {SECONDS:.0f} s a page, gunicorn with {WORKERS} workers")
    writes = writer.written / writer.seconds if writer.seconds else 0.0
    print(f"writer: {writes:.1f} data points a second ({writer.written} in all)")
    print(f"{'page':<34} {'readers':>7} {'rps':>8} {'p50 ms':>8} {'p95 ms':>8} {'of /healthz':>12}")
    results = []
    for page, load in loads.items():
        share = load.rps / healthz.rps if healthz.rps else 0.0
        print(
            f"{page:<34} {sizes.get(page, ''):>7} {load.rps:8.1f} {load.p50_ms:8.1f} {load.p95_ms:8.1f} "
            f"{share:11.0%}"
        )
        if not load.only_ok:
            results.append(
                (f"cache {cache}, {page}: answers 200 ({load.statuses})", float("nan"), "200", False)
            )
        if page.endswith("dashboard"):
            results.append(
                (
                    f"cache {cache}, {page}: % of /healthz rps",
                    share * 100,
                    f">= {share_target:.0%}",
                    share >= share_target,
                )
            )
            results.append(
                (
                    f"cache {cache}, {page}: p95 ms",
                    load.p95_ms,
                    f"<= {p95_target} ms",
                    load.p95_ms <= p95_target,
                )
            )
    results.append(
        (
            f"cache {cache}, writer: data points a second",
            writes,
            f">= {WRITES_PER_SECOND * 0.9:.1f}",
            writes >= WRITES_PER_SECOND * 0.9 and not writer.errors,
        )
    )
    for error in writer.errors[:3]:
        print(f"  writer error: {error}")
    return results


# --- The cohort scaled x10 ----------------------------------------------------------------------------


def scale_largest_cohort(factor: int) -> int:
    """Copy every project of the largest cohort `factor - 1` times, each with its aim measure and points,
    then build their dashboard entries; the cohort's size after."""
    from django.db import transaction
    from django.db.models import Count

    from alwaysevents.tenancy import all_organisations
    from coaching.services_dashboards import dashboard_entries_rebuild
    from demo.national import national_programme
    from measurement.models import DataPoint, Measure
    from programmes.models import Cohort
    from projects.models import Project

    with all_organisations(reason="the benchmark scales a cohort"), transaction.atomic():
        cohort = (
            Cohort.objects.filter(programme=national_programme())
            .annotate(projects=Count("enrolments__projects"))
            .order_by("-projects")
            .first()
        )
        projects = list(Project.objects.filter(enrolment__cohort=cohort))
        measures = {
            m.project_id: m for m in Measure.objects.filter(project__in=projects, is_aim_measure=True)
        }
        points = {}
        for point in DataPoint.objects.filter(measure__in=list(measures.values())):
            points.setdefault(point.measure_id, []).append(point)
        for copy in range(2, factor + 1):
            new_projects, new_measures, new_points = [], [], []
            for project in projects:
                clone = _copy(project, title=f"{project.title} (copy {copy})")
                new_projects.append(clone)
                measure = measures.get(project.pk)
                if measure is None:
                    continue
                measure_clone = _copy(measure, project=clone)
                new_measures.append(measure_clone)
                new_points += [_copy(point, measure=measure_clone) for point in points.get(measure.pk, [])]
            Project.objects.bulk_create(new_projects, batch_size=1000)
            Measure.objects.bulk_create(new_measures, batch_size=1000)
            DataPoint.objects.bulk_create(new_points, batch_size=5000)
        dashboard_entries_rebuild()
        return Project.objects.filter(enrolment__cohort=cohort).count()


def _copy(obj, **changes):
    clone = type(obj)(**{f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields})
    clone.pk = uuid.uuid4()
    for name, value in changes.items():
        setattr(clone, name, value)
    return clone


def scaled_figure(database_url: str, redis_url: str) -> dict:
    """In this process (started by the main one with --scaled): the scaled database, built once, and its
    largest cohort's coach dashboard read with the page cache off while the writer writes."""
    scaled_url = _stack.bench_database_url(database_url, SCALED_DATABASE)
    var_dir = _stack.configure(scaled_url, redis_url, "bench-x10")
    import django

    django.setup()
    from django.core.management import call_command

    from alwaysevents.tenancy import all_organisations
    from demo.national import national_programme, seed_national

    call_command("migrate", verbosity=0)
    with all_organisations(reason="the benchmark reads whether its scaled data is there"):
        seeded = national_programme() is not None
    if not seeded:
        began = time.perf_counter()
        seed_national()
        scale_largest_cohort(SCALE)
        analyse()
        print(f"scaled data set built in {time.perf_counter() - began:.0f} s", file=sys.stderr)
    picked = readers()
    coach, path = picked["coach dashboard"][0]
    from django.db import connections

    connections.close_all()

    def body(port):
        loads, _ = measured(port, {"coach dashboard": [(coach, path)]}, pages=("coach dashboard",))
        return {"size": picked["largest cohort"], **_figures(loads["coach dashboard"])}

    return run_server(var_dir, False, body)


def _figures(load) -> dict:
    return {"rps": load.rps, "p50": load.p50_ms, "p95": load.p95_ms, "statuses": load.statuses}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scaled", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--writer", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.writer:  # the environment is the main process's, configured for its database
        print(json.dumps(write_until_input_closes()))
        return 0
    database_url, redis_url = _stack.require_environment()
    if arguments.scaled:
        print(json.dumps(scaled_figure(database_url, redis_url)))
        return 0

    var_dir = _stack.configure(
        _stack.bench_database_url(database_url, bench_web.BENCH_DATABASE), redis_url, "bench"
    )
    import django

    django.setup()
    results = bench_web.prepare(reseed=False)
    from coaching.services_dashboards import dashboard_entries_refresh_expired

    built = dashboard_entries_refresh_expired()  # a data set seeded before the read model has no entries yet
    if built:
        print(f"Built {built} dashboard entries.")
    analyse()
    picked = readers()
    from django.db import connections

    connections.close_all()
    print("load average before the run: {:.2f} {:.2f} {:.2f} (2 cores)".format(*os.getloadavg()))
    for cache in ("on", "off"):
        loads, writer = run_server(var_dir, cache == "on", lambda port: measured(port, picked))
        results += report(loads, writer, cache, picked)

    # The coach dashboard alone, as the scaled run reads it: the figure the x10 cohort is compared with.
    coach, path = picked["coach dashboard"][0]

    def one_cohort(port):
        return measured(port, {"coach dashboard": [(coach, path)]}, pages=("coach dashboard",))[0]

    base = run_server(var_dir, False, one_cohort)["coach dashboard"]
    scaled = subprocess.run(
        [sys.executable, __file__, "--scaled"], capture_output=True, text=True, env=os.environ, check=False
    )
    print("\nThe largest cohort's coach dashboard, page cache off, one coach, with the writer:")
    print(f"  {picked['largest cohort']} projects: p50 {base.p50_ms:.1f} ms, p95 {base.p95_ms:.1f} ms")
    if scaled.returncode != 0:
        print(scaled.stdout[-2000:], scaled.stderr[-4000:])
        results.append((f"cohort x{SCALE}: runs", float("nan"), "a figure", False))
    else:
        figure = json.loads(scaled.stdout.strip().splitlines()[-1])
        ratio = figure["p95"] / base.p95_ms
        print(
            f"  {figure['size']} projects: p50 {figure['p50']:.1f} ms, p95 {figure['p95']:.1f} ms "
            f"({ratio:.2f} times)"
        )
        results.append(
            (
                f"cohort x{SCALE} ({figure['size']} projects): p95 / {picked['largest cohort']}-project p95",
                ratio,
                f"<= {SCALED_P95_WITHIN}",
                ratio <= SCALED_P95_WITHIN and set(figure["statuses"]) == {"200"},
            )
        )

    print("\nSummary")
    for name, value, target, ok in results:
        figure = "no figure" if value != value else f"{value:.2f}"
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {figure} (target {target})")
    print(f"Logs of gunicorn: {var_dir}")
    return 0 if all(ok for *_, ok in results) else 1


if __name__ == "__main__":
    sys.exit(main())
