"""Fails when a view, API, task or presenter touches a tenant model's manager directly.

Views, APIs, tasks and presenters must read through selectors and write through services, which take an
`Access` and run in a tenant scope. This reads their source (it runs nothing of theirs) and reports every
`<TenantModel>.objects`, `.unscoped` or `._default_manager` it finds, with the file and line.
"""

import ast
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alwaysevents.settings")

import django  # noqa: E402

django.setup()

from django.apps import apps  # noqa: E402

from alwaysevents.tenancy import TenantModel  # noqa: E402

# Modules named for these layers, and their siblings by part (`views_dashboards.py`, `api_geography.py`).
GUARDED_KINDS = ("views", "api", "tasks", "presenters")
MANAGER_NAMES = {"objects", "unscoped", "_default_manager", "_base_manager"}


def tenant_model_names() -> set[str]:
    return {model.__name__ for model in apps.get_models() if issubclass(model, TenantModel)}


APPS = (
    "alwaysevents",
    "accounts",
    "programmes",
    "projects",
    "coproduction",
    "measurement",
    "reports",
    "coaching",
)


def guarded_files() -> list[Path]:
    files = []
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            kind = path.stem.split("_")[0]
            if kind in GUARDED_KINDS or path.parent.name in GUARDED_KINDS:
                files.append(path)
    return sorted(files)


def _display(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def violations(path: Path, names: set[str]) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Attribute)
            and node.attr in MANAGER_NAMES
            and isinstance(node.value, ast.Name)
            and node.value.id in names
        ):
            found.append(
                f"{_display(path)}:{node.lineno}: {node.value.id}.{node.attr} used directly; "
                "read through a selector or write through a service"
            )
    return found


def main() -> int:
    names = tenant_model_names()
    if not names:
        print("lint_tenancy: no tenant models found; is TenantModel still the base?", file=sys.stderr)
        return 1
    problems = [problem for path in guarded_files() for problem in violations(path, names)]
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"lint_tenancy: {len(guarded_files())} files checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
