"""Every command the README shows works as typed (issue: "every README command is run by a test").

The README's commands are read from the file itself: a command added there and not listed in COMMANDS fails
`test_every_readme_command_is_accounted_for`. Each is run here as typed, in a development checkout's
environment of its own, or names the test or script that runs it; `make up` and `make bench` need Docker and
a quiet machine for minutes: CI runs the first end to end (`scripts/check-make-up.sh`, docs/docker.md) and the
second is run by hand (docs/benchmarks.md).
"""

import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from tests import test_development_checkout, test_health_and_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()

# command, as the README types it: where it is run as typed
COMMANDS = {
    "make run": "test_make_run_serves_the_demo_and_stops_on_a_signal",
    "PORT=8001 make run": "test_make_run_serves_the_demo_and_stops_on_a_signal",
    "make test": "CI: .ci/run calls it on a fresh clone (test_ci_runs_make_test)",
    ".venv/bin/python manage.py create_api_token lead@example.org": (
        "test_development_checkout.test_the_readme_token_command_works_after_make_runs_setup"
    ),
    ".venv/bin/python manage.py rebuild_dashboard_entries": (
        "test_development_checkout.test_the_readme_token_command_works_after_make_runs_setup"
    ),
    ".venv/bin/python manage.py seed_demo --scale national": "test_seed_national_as_typed",
    "make up": "CI: .ci/run runs scripts/check-make-up.sh after make test (test_ci_runs_make_test)",
    "make check-up": "CI: .ci/run runs scripts/check-make-up.sh after make test (test_ci_runs_make_test)",
    "scripts/check-make-up.sh": "CI: .ci/run runs it after make test (test_ci_runs_make_test)",
    "make bench": "scripts/bench.sh (docs/benchmarks.md): minutes on a quiet machine",
    "make lint": "test_make_lint_and_format_change_nothing_on_a_clean_checkout",
    "make format": "test_make_lint_and_format_change_nothing_on_a_clean_checkout",
    "make lock": "test_make_lock_is_a_target_that_rewrites_constraints",
    "scripts/test.sh -k isolation": "test_ci_runs_make_test (scripts/test.sh is what make test runs)",
    ".venv/bin/python scripts/lint_tenancy.py": "test_tenancy_lint_as_typed",
    "manage.py check --deploy --fail-level WARNING": (
        "test_health_and_settings.test_the_deploy_check_passes_with_production_values"
    ),
}

COMMAND = re.compile(
    r"`((?:[A-Z_]+=\S+ )?(?:make [\w-]+|(?:\.venv/bin/python )?(?:manage\.py|scripts/[^`\s]+) ?[^`]*))`"
)


def readme_commands() -> set[str]:
    return set(COMMAND.findall(README))


def test_every_readme_command_is_accounted_for():
    found = readme_commands()
    assert found, "the README's commands are found"
    assert found - set(COMMANDS) == set(), "a README command no test runs: add it to COMMANDS and run it"
    assert set(COMMANDS) - found == set(), "COMMANDS lists a command the README no longer shows"


def test_every_named_test_exists():
    modules = {
        "test_development_checkout": test_development_checkout,
        "test_health_and_settings": test_health_and_settings,
        None: sys.modules[__name__],
    }
    for where in COMMANDS.values():
        name = where.split(" ")[0].removeprefix("CI:").strip()
        if not name.startswith("test_") and "." not in name:
            continue
        module, _, function = name.rpartition(".") if "." in name else (None, "", name)
        if function.startswith("test_"):
            assert callable(getattr(modules[module or None], function, None)), where


def development_env(tmp_path: Path) -> dict:
    """A newcomer's shell: no DEBUG, no SECRET_KEY; the checkout's development file and SQLite database
    are this test's own."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEVELOPMENT_ENV_FILE": str(tmp_path / "development.env"),
        "VAR_DIR": str(tmp_path),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.status, response.read().decode()


def test_make_run_serves_the_demo_and_stops_on_a_signal(tmp_path):
    port = free_port()
    env = development_env(tmp_path) | {"PORT": str(port)}
    log = (tmp_path / "make-run.log").open("w")
    server = subprocess.Popen(
        ["make", "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        began = time.monotonic()
        status = None
        while time.monotonic() - began < 240 and server.poll() is None:
            try:
                status, _ = get(f"http://127.0.0.1:{port}/healthz")
                break
            except OSError:
                time.sleep(0.5)
        output = (tmp_path / "make-run.log").read_text()
        assert status == 200, f"make run did not serve /healthz:\n{output}"
        assert f"Always Events is running at http://127.0.0.1:{port}/" in output
        status, page = get(f"http://127.0.0.1:{port}/accounts/login/")
        assert status == 200 and "Sign in" in page
        assert "SECRET_KEY=" in (tmp_path / "development.env").read_text()
    finally:
        os.killpg(server.pid, signal.SIGINT)  # Ctrl-C
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    leftover = subprocess.run(["pgrep", "-g", str(server.pid)], capture_output=True, text=True)
    assert leftover.stdout.strip() == "", "Ctrl-C stops the web server and the worker"


def run(command: str, env: dict, timeout: int = 300) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S602 - the README's command, as typed, in a shell
        command, shell=True, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
    )


def git_status() -> str:
    return subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout


def test_make_lint_and_format_change_nothing_on_a_clean_checkout(tmp_path):
    env = development_env(tmp_path)
    linted = run("make lint", env)
    assert linted.returncode == 0, linted.stdout + linted.stderr
    before = git_status()
    formatted = run("make format", env)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    assert git_status() == before, "make format changed files that make lint passed"


def test_make_lock_is_a_target_that_rewrites_constraints(tmp_path):
    # Running it for real installs every dependency into a new venv from PyPI: its steps are checked here,
    # and it ran for real when constraints.txt was last refreshed.
    planned = run("make -n lock", development_env(tmp_path))
    assert planned.returncode == 0, planned.stderr
    assert "pip freeze --exclude-editable" in planned.stdout and "constraints.txt" in planned.stdout


def test_tenancy_lint_as_typed(tmp_path):
    env = development_env(tmp_path)
    assert run("scripts/development-env.sh", env).returncode == 0  # what make run writes first
    linted = run(".venv/bin/python scripts/lint_tenancy.py", env)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_ci_runs_make_test():
    ci = (ROOT / ".ci" / "run").read_text()
    assert re.search(r"^\s*(exec\s+)?make test\b", ci, re.MULTILINE)
    makefile = (ROOT / "Makefile").read_text()
    assert "@scripts/test.sh" in makefile.split("\ntest:")[1].split("\n\n")[0]
    assert re.search(r"^scripts/check-make-up\.sh$", ci, re.MULTILINE), "CI runs make up end to end"
    assert "@scripts/check-make-up.sh" in makefile.split("\ncheck-up:")[1].split("\n\n")[0]


def test_seed_national_as_typed(tmp_path, own_postgres_database):
    env = development_env(tmp_path) | {"DATABASE_URL": own_postgres_database}
    assert run("scripts/development-env.sh", env).returncode == 0
    migrated = run(".venv/bin/python manage.py migrate --no-input -v 0", env)
    assert migrated.returncode == 0, migrated.stderr
    seeded = run(".venv/bin/python manage.py seed_demo --scale national", env, timeout=600)
    assert seeded.returncode == 0, seeded.stdout + seeded.stderr
    assert re.search(r"\b600\b.*projects|projects\D+600\b", seeded.stdout), seeded.stdout
