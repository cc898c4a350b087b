import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.test import Client

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_healthz_reports_each_dependency_without_a_login():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_down(settings):
    from alwaysevents.celery import app

    original = app.conf.broker_url
    app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = Client().get("/healthz")
    finally:
        app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["checks"]["broker"] == "unavailable" and response.json()["status"] == "unavailable"


def test_the_deploy_check_passes_with_production_values():
    env = {
        "PATH": os.environ["PATH"],
        "SECRET_KEY": "k" * 64 + "production-like-secret-with-enough-entropy-0123456789",
        "ALLOWED_HOSTS": "alwaysevents.example.nhs.uk",
        "DATABASE_URL": os.environ.get("DATABASE_URL", "postgres://ae@db.example/ae"),
        "REDIS_URL": "redis://cache.example:6379/0",
        "VAR_DIR": os.environ.get("VAR_DIR", tempfile.gettempdir()),
        "DEVELOPMENT_ENV_FILE": "",  # as in production: no development checkout's file
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    env = {
        "PATH": os.environ["PATH"],
        "VAR_DIR": os.environ.get("VAR_DIR", tempfile.gettempdir()),
        "DEVELOPMENT_ENV_FILE": "",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode != 0 and "SECRET_KEY must be set" in result.stderr


STATIC_CALL = re.compile(r"""\bstatic\(\s*["']([^"']+)["']\s*\)""")


def test_every_static_call_in_the_templates_names_a_file_the_manifest_will_list():
    """Production hashes static files (ManifestStaticFilesStorage): `static()` of a path that is not a file,
    such as a folder, raises on every page with DEBUG off. Tests run without the manifest, so each literal
    path is checked here instead."""
    from django.contrib.staticfiles import finders

    templates = Path(__file__).resolve().parent.parent / "templates"
    named = {
        (template.relative_to(templates), path)
        for template in templates.rglob("*.jinja")
        for path in STATIC_CALL.findall(template.read_text())
    }
    assert named, "the templates name static files"
    not_files = [(str(t), path) for t, path in sorted(named) if not Path(finders.find(path) or "").is_file()]
    assert not_files == []
