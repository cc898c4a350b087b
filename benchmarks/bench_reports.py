"""Benchmark of reports rendered in parts (docs/reports.md), on the national data, through a Celery worker.

Run as ``python benchmarks/bench_reports.py`` (``make bench`` does, with 127.0.0.1 defaults). It needs
DATABASE_URL (PostgreSQL; the benchmark uses its own database ``alwaysevents_bench_reports`` on that server,
kept between runs) and REDIS_URL (it uses db 12 of that server). It migrates, seeds the national data once
(``--reseed`` rebuilds it), starts a Celery worker on the ``pdf`` queue as production runs it, and prints:

- the system report of the system closest to 42 projects, from request to finished PDF, beside 12 s;
- the worker's peak resident memory while it renders (the largest process of its tree: the high-water mark
  the kernel keeps for each, and /proc sampled every 50 ms), beside 300 MB;
- a project report from request to finished PDF, beside 1.3 times plain WeasyPrint rendering the same
  HTML in this process with the same options as the service (``HTML(...).write_pdf(**PDF_OPTIONS)``:
  tagged, PDF/UA-1), so the ratio is our overhead (data, queue, storage), not accessibility; both printed.

The worker runs with ``-c 2`` (two prefork processes, as ``_stack.start_celery`` starts it); a
multi-project report forks its own part processes, one per core (reports/parts.py), counted in the tree.
CPU-seconds of the worker's tree for the system report are printed too: the wall-clock figure depends on
what else the machine is running.

Every figure is printed, each with PASS or FAIL, before it exits 1 if any target is missed.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import _stack  # noqa: E402

BENCH_DATABASE = "alwaysevents_bench_reports"
REDIS_DB = 12
SYSTEM_REPORT_PROJECTS = 42
SYSTEM_REPORT_S = 12.0
WORKER_RSS_MB = 300
PROJECT_REPORT_RATIO = 1.3
PLAIN_RENDERS = 3
SAMPLE_S = 0.05


def own_redis_db(redis_url: str) -> str:
    """The same Redis server, db 12: the web benchmark uses 13, the tests theirs."""
    import urllib.parse

    return urllib.parse.urlparse(redis_url)._replace(path=f"/{REDIS_DB}").geturl()


def picked() -> dict:
    """The system closest to 42 projects and its viewer; a project of that system and a coach of it."""
    from django.db.models import Count

    from accounts.models import User
    from alwaysevents.tenancy import all_organisations
    from demo.national import EMAIL_DOMAIN
    from programmes.models import Organisation
    from projects.models import Project

    with all_organisations(reason="benchmark set-up picks its reports"):
        systems = Organisation.objects.filter(kind="system", ods_code__startswith="QN").annotate(
            projects=Count("providers__enrolments__projects", distinct=True)
        )
        system = min(systems, key=lambda s: (abs(s.projects - SYSTEM_REPORT_PROJECTS), s.ods_code))
        viewer = User.objects.get(email=f"viewer.{system.ods_code.lower()}@{EMAIL_DOMAIN}")
        project = Project.objects.filter(organisation__system=system).order_by("title", "id").first()
    return {"system": system, "viewer": viewer, "project": project}


class PeakMemory:
    """The largest resident size of any process of the worker's tree while it runs: each process's own
    high-water mark (VmHWM) where the kernel keeps one, else /proc sampled every 50 ms."""

    def __init__(self, root_pid: int):
        self.root_pid, self.peak_mb, self._stop = root_pid, 0.0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            for fields in _tree(self.root_pid):
                for key in ("VmHWM", "VmRSS"):
                    if key in fields:
                        self.peak_mb = max(self.peak_mb, int(fields[key].split()[0]) / 1024)
            time.sleep(SAMPLE_S)


def _tree_cpu_seconds(root_pid: int) -> float:
    """User and system CPU of the worker's processes and of their children that have ended and been waited
    for (the part processes), from /proc/<pid>/stat."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for fields in _tree(root_pid):
        try:
            stat = Path(f"/proc/{fields['Pid'].strip()}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(value) for value in stat[11:15])  # utime, stime, cutime, cstime
    return total / ticks


def _tree(root_pid: int) -> list[dict[str, str]]:
    statuses = {}
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            statuses[int(status.parent.name)] = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except (OSError, ValueError):
            continue
    members, grew = {root_pid}, True
    while grew:
        before = len(members)
        members |= {pid for pid, f in statuses.items() if int(f.get("PPid", "0").strip()) in members}
        grew = len(members) > before
    return [statuses[pid] for pid in members if pid in statuses]


def plain_weasyprint_seconds(project) -> float:
    """The best of a few plain WeasyPrint renders of the project report's HTML, here, with the service's
    write_pdf options (tagged PDF/UA-1: the output the service must produce)."""
    from django.conf import settings
    from django.template.loader import render_to_string
    from weasyprint import HTML

    from accounts.access import Access
    from alwaysevents.tenancy import all_organisations
    from reports.pdf import PDF_OPTIONS, StaticFilesOnly
    from reports.presenters import ProjectReportPresenter
    from reports.selectors import project_report_data

    with all_organisations(reason="the benchmark renders a project report's HTML"):
        report = ProjectReportPresenter(project_report_data(project=project), Access(user=None))
        html = render_to_string(
            "reports/project_report.jinja", {"report": report, "document_title": report.document_title}
        )
    times = []
    for _ in range(PLAIN_RENDERS):
        began = time.perf_counter()
        source = HTML(string=html, base_url=settings.SITE_URL + "/", url_fetcher=StaticFilesOnly())
        source.write_pdf(**PDF_OPTIONS)
        times.append(time.perf_counter() - began)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reseed", action="store_true", help="Delete and rebuild the national data.")
    arguments = parser.parse_args()
    database_url, redis_url = _stack.require_environment()
    var_dir = _stack.configure(
        _stack.bench_database_url(database_url, BENCH_DATABASE), own_redis_db(redis_url), "bench-reports"
    )
    import django

    django.setup()
    _stack.prepare_national(reseed=arguments.reseed)
    chosen = picked()
    from django.db import connections

    from accounts.access import Access
    from alwaysevents.tenancy import all_organisations
    from reports.scopes import Scope
    from reports.services import report_request, scope_report_request

    connections.close_all()
    worker = _stack.start_celery(f"pdf,{os.environ['CELERY_TASK_DEFAULT_QUEUE']}", var_dir)
    results = []
    try:
        with all_organisations(reason="the benchmark asks for reports and watches their runs"):
            viewer = Access.for_user(chosen["viewer"])

            def project_report():
                return report_request(access=viewer, scope=chosen["project"])

            _stack.time_run(project_report)  # the worker's processes load WeasyPrint and the fonts once
            system = chosen["system"]
            cpu_before = _tree_cpu_seconds(worker.popen.pid)
            with PeakMemory(worker.popen.pid) as memory:
                seconds = _stack.time_run(
                    lambda: scope_report_request(access=viewer, scope=Scope("system", system), kind="pdf")
                )
            system_cpu = _tree_cpu_seconds(worker.popen.pid) - cpu_before
            project_seconds = min(
                (_stack.time_run(project_report) for _ in range(PLAIN_RENDERS)),
                key=lambda value: value if isinstance(value, float) else float("inf"),
            )
    finally:
        worker.stop()
    name = f"system report PDF ({system.projects} projects), s"
    results.append(_line(name, seconds, SYSTEM_REPORT_S, "s"))
    print(f"  CPU-seconds of the worker's tree for it: {system_cpu:.1f} (its part processes included)")
    results.append(_line("worker peak RSS, MB", memory.peak_mb, WORKER_RSS_MB, "MB"))
    plain = plain_weasyprint_seconds(chosen["project"])
    print(f"plain WeasyPrint, the project report's HTML, tagged PDF/UA-1 (PDF_OPTIONS): {plain:.2f} s")
    ratio = project_seconds / plain if isinstance(project_seconds, float) else project_seconds
    if isinstance(project_seconds, float):
        print(f"project report PDF through the worker: {project_seconds:.2f} s")
    results.append(_line("project report / plain WeasyPrint", ratio, PROJECT_REPORT_RATIO, "x"))

    print("\nSummary")
    for name, value, target, ok in results:
        figure = "no figure" if value != value else f"{value:.2f}"
        print(f"  {'PASS' if ok else 'FAIL'}  {name}: {figure} (target {target})")
    print(f"Worker log: {var_dir}")
    return 0 if all(ok for *_, ok in results) else 1


def _line(name: str, value: float | str, target: float, unit: str) -> tuple[str, float, str, bool]:
    if isinstance(value, str):
        print(f"{name}: FAIL, {value}")
        return (name, float("nan"), f"<= {target} {unit}", False)
    return (name, value, f"<= {target} {unit}", value <= target)


if __name__ == "__main__":
    sys.exit(main())
