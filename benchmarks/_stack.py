"""The real stack for the benchmarks that need one: production settings, a PostgreSQL database of their own
with the national data set, gunicorn and a Celery worker started as child processes, a keep-alive HTTP load
generator, report runs timed to their end, and the workers' memory read from /proc."""

import http.client
import os
import signal
import socket
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"


def require_environment() -> tuple[str, str]:
    """DATABASE_URL (PostgreSQL) and REDIS_URL, or a clear reason to stop."""
    database_url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(
            "bench_web needs DATABASE_URL pointing at PostgreSQL (make bench sets "
            "postgres://postgres@127.0.0.1:5432/alwaysevents when one answers there)."
        )
    if not redis_url.startswith("redis://"):
        raise SystemExit(
            "bench_web needs REDIS_URL (make bench sets redis://127.0.0.1:6379/13 when Redis answers)."
        )
    return database_url, redis_url


def bench_database_url(database_url: str, name: str) -> str:
    """The same server, the benchmark's own database (created if missing, kept between runs)."""
    import psycopg

    parsed = urllib.parse.urlparse(database_url)
    with psycopg.connect(parsed._replace(path="/postgres").geturl(), autocommit=True) as connection:
        if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            connection.execute(f'CREATE DATABASE "{name}"')
    return parsed._replace(path=f"/{name}").geturl()


def configure(database_url: str, redis_url: str, name: str) -> Path:
    """Production settings less HTTPS (plain HTTP on loopback), shared by this process and its children;
    `name` keeps the benchmark's cache keys, queue and files apart from any other's. The directory of its
    files (and of its children's logs)."""
    var_dir = Path(tempfile.mkdtemp(prefix=f"ae-{name}-"))
    os.environ.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        DJANGO_SETTINGS_MODULE="alwaysevents.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or "bench-only-secret-key-not-for-production",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        STATIC_MANIFEST="false",
        MFA_REQUIRED_ROLES="",  # the national logins have no authenticator app (like the small demo's)
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        CACHE_KEY_PREFIX=f"ae-{name}",
        CELERY_TASK_DEFAULT_QUEUE=f"ae-{name}",
        DEVELOPMENT_ENV_FILE="",
        VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
    )
    return var_dir


def prepare_national(*, reseed: bool = False):
    """Migrate, and seed the national data set unless it is there (or `reseed`): the seed's summary when it
    ran, else None. After `django.setup()`."""
    from django.core.management import call_command
    from django.db import connection

    from alwaysevents.tenancy import all_organisations
    from demo.national import national_programme, seed_national

    call_command("migrate", verbosity=0)
    with all_organisations(reason="benchmark set-up reads whether the national data is there"):
        seeded = national_programme() is not None
    if seeded and not reseed:
        name = connection.settings_dict["NAME"]
        print(f"National data already in {name} (not timed this run; --reseed rebuilds it).")
        return None
    summary = seed_national(reset=seeded, log=print)
    print(*summary.lines(), sep="\n")
    return summary


def time_run(request, timeout: float = 300) -> float | str:
    """Seconds from asking for a report (`request()` returns its run) to the run being done, or why not."""
    from django.db import transaction

    from reports.models import ReportRun

    began = time.perf_counter()
    with transaction.atomic():
        run = request()
    while time.perf_counter() - began < timeout:
        run.refresh_from_db()
        if run.status == ReportRun.Status.DONE:
            return time.perf_counter() - began
        if run.status == ReportRun.Status.FAILED:
            return f"failed: {run.error}"
        time.sleep(0.02)
    return f"not done after {timeout:.0f} s (status {run.status})"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()

    def tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start(name: str, args: list[str], log_dir: Path) -> Process:
    log = log_dir / f"{name}.log"
    popen = subprocess.Popen(
        args, cwd=ROOT, stdout=log.open("w"), stderr=subprocess.STDOUT, env=os.environ.copy()
    )
    return Process(name, popen, log)


def start_gunicorn(port: int, workers: int, log_dir: Path) -> Process:
    server = start(
        "gunicorn",
        [
            str(BIN / "gunicorn"),
            "alwaysevents.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--keep-alive",
            "30",
        ],
        log_dir,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.popen.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{server.tail()}")
        try:
            if get_status(port, "/healthz") == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    server.stop()
    raise SystemExit(f"gunicorn did not answer /healthz within 60 s:\n{server.tail()}")


def start_celery(queues: str, log_dir: Path) -> Process:
    worker = start(
        "celery",
        [
            str(BIN / "celery"),
            "-A",
            "alwaysevents",
            "worker",
            "-Q",
            queues,
            "-c",
            "2",
            "--loglevel",
            "WARNING",
        ],
        log_dir,
    )
    time.sleep(3)
    if worker.popen.poll() is not None:
        raise SystemExit(f"The Celery worker stopped:\n{worker.tail()}")
    return worker


def get_status(port: int, path: str, cookie: str = "") -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@dataclass
class Load:
    path: str
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")

    @property
    def p50_ms(self) -> float:
        return statistics.median(self.latencies) * 1000 if self.latencies else float("nan")

    @property
    def p95_ms(self) -> float:
        return self.percentile(0.95)

    @property
    def only_ok(self) -> bool:
        return set(self.statuses) == {200}


def timed_get_ms(port: int, path: str, cookie: str = "") -> float:
    """One GET on a new connection, in milliseconds."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    began = time.perf_counter()
    connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
    connection.getresponse().read()
    elapsed = (time.perf_counter() - began) * 1000
    connection.close()
    return elapsed


def load(port: int, path: str, *, cookie: str, clients: int, seconds: float, warm_up: int) -> Load:
    """`clients` threads, each on one keep-alive connection, send GETs back to back for `seconds`."""
    return load_many(port, [(path, cookie)], clients=clients, seconds=seconds, warm_up=warm_up)


def load_many(
    port: int, requests: list[tuple[str, str]], *, clients: int, seconds: float, warm_up: int
) -> Load:
    """Like `load`, each client going round `requests` ((path, cookie): one page as several readers, say),
    starting at its own place in the round."""
    result = Load(requests[0][0])
    lock = threading.Lock()
    for index in range(warm_up):
        get_status(port, *requests[index % len(requests)])
    start_line = threading.Barrier(clients + 1)
    deadline = [0.0]

    def client(first: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, statuses, turn = [], {}, first
        start_line.wait()
        while time.monotonic() < deadline[0]:
            path, cookie = requests[turn % len(requests)]
            turn += 1
            began = time.perf_counter()
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.will_close:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.close()
        with lock:
            result.latencies.extend(mine)
            for status, count in statuses.items():
                result.statuses[status] = result.statuses.get(status, 0) + count

    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.monotonic() + seconds
    began = time.perf_counter()
    start_line.wait()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def worker_rss_mb(master_pid: int) -> list[float]:
    """Resident memory of each child of the gunicorn master, in MB."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":", 1) for line in status.read_text().splitlines() if ":" in line)
        except OSError:
            continue
        if int(fields.get("PPid", "0").strip()) == master_pid and "VmRSS" in fields:
            sizes.append(int(fields["VmRSS"].split()[0]) / 1024)
    return sizes
