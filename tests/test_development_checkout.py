"""A development checkout's commands work as the README types them: after `make run` has written
var/development.env, `.venv/bin/python manage.py create_api_token lead@example.org` prints a token, with no
variable set by hand (issue: "SECRET_KEY must be set when DEBUG is off")."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from alwaysevents.settings import read_development_env

ROOT = Path(__file__).resolve().parent.parent


def run(command: list[str], env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)


def test_the_readme_token_command_works_after_make_runs_setup(tmp_path):
    settings_file = tmp_path / "development.env"
    # Only what a newcomer's shell has: no DEBUG, no SECRET_KEY. The database is the embedded default's
    # kind (SQLite), in a file of this test's own.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "DEVELOPMENT_ENV_FILE": str(settings_file),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "VAR_DIR": str(tmp_path),
    }
    refused = run([sys.executable, "manage.py", "check"], env)
    assert refused.returncode != 0 and "SECRET_KEY must be set" in refused.stderr

    written = run(["scripts/development-env.sh"], env)  # the step `make run` takes first
    assert written.returncode == 0, written.stderr
    text = settings_file.read_text()
    assert "DEBUG=true" in text and "SECRET_KEY=" in text
    assert oct(settings_file.stat().st_mode & 0o777) == "0o600"
    assert run(["scripts/development-env.sh"], env).returncode == 0
    assert settings_file.read_text() == text, "a second make run keeps the same secret key"

    for step in (["migrate", "--no-input", "-v", "0"], ["seed_demo"]):
        done = run([sys.executable, "manage.py", *step], env)
        assert done.returncode == 0, done.stderr
    token = run([".venv/bin/python", "manage.py", "create_api_token", "lead@example.org"], env)
    assert token.returncode == 0, token.stderr
    assert len(token.stdout.strip().split()[-1]) >= 32
    # The README's command for the dashboards' read model, as typed, on the demo data.
    rebuilt = run([".venv/bin/python", "manage.py", "rebuild_dashboard_entries"], env)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith("Rebuilt ") and " dashboard entries in " in rebuilt.stdout
    assert int(rebuilt.stdout.split()[1]) >= 6  # the demo's projects


def test_the_environment_wins_over_the_file(tmp_path, monkeypatch):
    settings_file = tmp_path / "development.env"
    settings_file.write_text("# a comment\n\nAE_TEST_ONLY_A=from-file\nAE_TEST_ONLY_B = from-file\n")
    monkeypatch.setenv("AE_TEST_ONLY_A", "from-environment")
    monkeypatch.delenv("AE_TEST_ONLY_B", raising=False)
    read_development_env(str(settings_file))
    assert os.environ["AE_TEST_ONLY_A"] == "from-environment"
    assert os.environ["AE_TEST_ONLY_B"] == "from-file"
    monkeypatch.delenv("AE_TEST_ONLY_B")


def test_a_line_that_is_not_name_equals_value_is_refused_with_its_number(tmp_path):
    settings_file = tmp_path / "development.env"
    settings_file.write_text("DEBUG=true\nnot a setting\n")
    with pytest.raises(ImproperlyConfigured, match="line 2: expected NAME=value"):
        read_development_env(str(settings_file))


def test_no_file_and_an_empty_name_read_nothing(tmp_path):
    before = dict(os.environ)
    read_development_env(str(tmp_path / "missing.env"))
    read_development_env("")
    assert dict(os.environ) == before
