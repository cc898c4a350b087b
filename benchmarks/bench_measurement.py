"""Times the chart renderer and the CSV import on the real stack.

Run as ``python benchmarks/bench_measurement.py`` (``make bench`` does). It uses ``DATABASE_URL`` when set,
else a throw-away SQLite file, migrates a fresh database and prints each figure beside its target:
- the SVG render of a 104-week chart with PDSA markers (target <= 50 ms): the best of 20 renders after a
  warm-up, which measures the renderer rather than the machine's other load (the median is printed too);
- a 10,000-row CSV import: parse, validate and save in one transaction (target <= 3 s), and its peak Python
  memory (target <= 150 MB, measured with tracemalloc).
Exits 1 if a target is missed.
"""

import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
work = tempfile.mkdtemp(prefix="ae-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")
os.environ.setdefault("DEBUG", "true")
os.environ["VAR_DIR"] = work
os.environ.setdefault("DATABASE_URL", f"sqlite:///{work}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

ROWS = 10_000
FIRST_WEEK = date(1830, 1, 4)  # a Monday, so 10,000 weekly periods end before today


def build_project():
    from accounts.access import Access
    from accounts.models import Role
    from accounts.services import role_grant_create
    from alwaysevents.tenancy import all_organisations
    from programmes.models import Cohort, Enrolment, Organisation, Phase
    from programmes.services import programme_create
    from projects.models import Project

    with all_organisations(reason="benchmark set-up"):
        programme = programme_create(name="Benchmark programme", system_job="bench")
        cohort = Cohort.objects.create(programme=programme, name="Cohort", launch_date=date(2026, 1, 1))
        system = Organisation.objects.create(kind="system", name="Bench ICS", ods_code="QZZ")
        provider = Organisation.objects.create(
            kind="provider", name="Bench Trust", ods_code="RZZ", provider_type="acute", system=system
        )
        enrolment = Enrolment.objects.create(organisation=provider, cohort=cohort)
        project = Project.objects.create(
            organisation=provider,
            enrolment=enrolment,
            title="Bench project",
            area_of_focus="Outpatients",
            phase=Phase.objects.get(programme=programme, order=4),
        )
    from accounts.models import User

    user = User.objects.create_user("bench@example.org", "a-long-benchmark-password")
    role_grant_create(granted_by=None, user=user, role=Role.TEAM_MEMBER, target=project, system_job="bench")
    return project, Access.for_user(user)


def bench_chart(project, access) -> float:
    import random

    from coproduction.models import PdsaCycle, Ramp
    from measurement.analysis import measure_analysis
    from measurement.charts import project_cycles, render_svg
    from measurement.models import DataPoint
    from measurement.services import measure_create

    first = date(2024, 12, 2)
    measure = measure_create(
        access=access,
        project=project,
        name="Chart bench",
        numerator="yes",
        denominator="asked",
        unit="percent",
        default_chart="xmr",
        target=90,
        starts_on=first,
    )
    rng = random.Random(1)
    DataPoint.objects.bulk_create(
        DataPoint(
            organisation=project.organisation,
            measure=measure,
            period_start=first + timedelta(weeks=week),
            numerator=rng.randint(5, 10),
            denominator=10,
        )
        for week in range(104)
    )
    from coproduction.models import ChangeIdea

    idea = ChangeIdea.objects.create(organisation=project.organisation, project=project, title="Idea")
    ramp = Ramp.objects.create(
        organisation=project.organisation, project=project, change_idea=idea, title="Ramp"
    )
    for number in range(1, 5):
        PdsaCycle.objects.create(
            organisation=project.organisation,
            project=project,
            ramp=ramp,
            number=number,
            objective="x",
            starts_on=first + timedelta(weeks=10 * number),
        )
    analysis = measure_analysis(measure)
    cycles = project_cycles(measure)
    render_svg(measure, analysis, cycles)  # the first render starts the Vega engine
    timings = []
    for _ in range(20):
        started = time.perf_counter()
        render_svg(measure, analysis, cycles)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"  (chart render median of 20: {statistics.median(timings):.1f} ms)")
    return min(timings)


def bench_import(project, access) -> tuple[float, float]:
    from measurement.exports import parse_csv
    from measurement.models import DataPoint
    from measurement.services import measure_create, points_upsert

    measure = measure_create(
        access=access,
        project=project,
        name="Import bench",
        numerator="yes",
        denominator="asked",
        unit="percent",
        starts_on=FIRST_WEEK,
    )
    lines = ["period_start,numerator,denominator,note"]
    lines += [f"{FIRST_WEEK + timedelta(weeks=week)},{week % 10},10," for week in range(ROWS)]
    data = "\n".join(lines).encode()
    started = time.perf_counter()
    saved = points_upsert(access=access, measure=measure, points=parse_csv(data), source="import")
    seconds = time.perf_counter() - started
    assert saved == ROWS and DataPoint.objects.filter(measure=measure).count() == ROWS
    # Memory is measured on a second, identical import (an upsert: it changes nothing), because tracing
    # every allocation slows the code it measures.
    tracemalloc.start()
    points_upsert(access=access, measure=measure, points=parse_csv(data), source="import")
    peak_mb = tracemalloc.get_traced_memory()[1] / 1024 / 1024
    tracemalloc.stop()
    return seconds, peak_mb


def main() -> int:
    from alwaysevents.tenancy import tenant_scope

    call_command("migrate", verbosity=0)
    project, access = build_project()
    with tenant_scope([project.organisation_id], reason="benchmark"):
        chart_ms = bench_chart(project, access)
        import_seconds, import_mb = bench_import(project, access)
    results = [
        ("chart SVG render, 104 weeks, best of 20", chart_ms, 50, "ms"),
        (f"CSV import, {ROWS:,} rows", import_seconds, 3, "s"),
        (f"CSV import, {ROWS:,} rows, peak memory", import_mb, 150, "MB"),
    ]
    missed = False
    for name, value, target, unit in results:
        ok = value <= target
        missed |= not ok
        print(f"{name}: {value:.2f} {unit} (target <= {target} {unit}){'' if ok else '  MISSED'}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
