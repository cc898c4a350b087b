"""Models moved between apps keep their tables and rows (docs/architecture.md, "Moves"): on PostgreSQL the
moving migrations run backwards and forwards, leave the schema a fresh database has, and relabel the content
types and audit events that name the moved models."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent


def migrate(url: str, *target: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", "migrate", *target, "--no-input", "-v", "0"],
        cwd=ROOT,
        env=os.environ | {"DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr


def schema(connection) -> dict[str, list]:
    return {
        "columns": connection.execute(
            "SELECT table_name, column_name, data_type, is_nullable FROM information_schema.columns"
            " WHERE table_schema = 'public' AND table_name <> 'django_migrations' ORDER BY 1, 2"
        ).fetchall(),
        "constraints": connection.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2"
        ).fetchall(),
        "indexes": connection.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1, 2"
        ).fetchall(),
    }


def app_of(connection, model: str) -> str:
    row = connection.execute("SELECT app_label FROM django_content_type WHERE model = %s", [model]).fetchone()
    return row[0]


def audited_as(connection, event_id: uuid.UUID) -> str:
    return connection.execute(
        "SELECT object_type FROM alwaysevents_auditevent WHERE id = %s", [event_id]
    ).fetchone()[0]


def test_the_project_moves_to_its_own_app_and_back_keeping_its_table(own_postgres_database):
    url = own_postgres_database
    migrate(url)
    event = uuid.uuid4()
    with psycopg.connect(url, autocommit=True) as connection:
        fresh = schema(connection)
        connection.execute(
            "INSERT INTO alwaysevents_auditevent (id, occurred_at, system_job, action, object_type,"
            " object_id, object_repr, changed_fields) VALUES (%s, now(), 'test', 'project.update',"
            " 'projects.project', 'x', 'A project', '[]')",
            [event],
        )
        assert app_of(connection, "project") == "projects"

    migrate(url, "projects", "zero")  # and every migration after it that needs it
    with psycopg.connect(url, autocommit=True) as connection:
        assert app_of(connection, "project") == "coproduction"
        assert audited_as(connection, event) == "coproduction.project"
        assert schema(connection)["columns"] == fresh["columns"], "the table stayed where it was"

    migrate(url)
    with psycopg.connect(url, autocommit=True) as connection:
        assert app_of(connection, "project") == "projects"
        assert audited_as(connection, event) == "projects.project"
        assert app_of(connection, "coachingcall") == "coaching"
        assert schema(connection) == fresh
