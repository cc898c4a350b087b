"""The apps import one way, down the layers drawn in docs/architecture.md.

Every import in the apps' code is read, function-local ones included (they hide a circle as well as a
top-level one does). Any import of a higher layer fails. (Until 7 December 2026 a list of the imports still
to be moved was allowed; it is empty now, and gone.)
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Lowest first. A module may import its own app and the apps below it.
LAYERS = [
    "alwaysevents",
    "accounts",
    "projects",
    "programmes",
    "coproduction",
    "measurement",
    "reports",
    "coaching",
    "demo",
]

# The composition root: the URL configuration that mounts every app, and the Celery app that finds their
# tasks. They sit above every layer, whichever package holds them.
COMPOSITION_ROOT = {"alwaysevents/urls.py", "alwaysevents/celery.py"}

# Pure packages any layer may import: they import no app (their own included) and no Django, so they cannot
# close a circle. The SPC engine's place in measurement is fixed by its specification (SPC.md).
LIBRARIES = {"measurement.spc"}


def imported_modules(path: Path) -> set[str]:
    """Every absolute module the file imports, anywhere in it."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
    return modules


def is_library(module: str) -> bool:
    return any(module == library or module.startswith(f"{library}.") for library in LIBRARIES)


def imported_apps(path: Path) -> set[str]:
    """The apps of LAYERS that the module imports, anywhere in it, the LIBRARIES aside."""
    return {module.split(".")[0] for module in imported_modules(path) if not is_library(module)} & set(LAYERS)


def upward_imports() -> dict[str, set[str]]:
    found = {}
    for rank, app in enumerate(LAYERS):
        for path in sorted((ROOT / app).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            if "migrations" in path.parts or module in COMPOSITION_ROOT:
                continue
            above = {other for other in imported_apps(path) if LAYERS.index(other) > rank}
            if above:
                found[module] = above
    return found


def test_no_app_imports_a_layer_above_it():
    assert upward_imports() == {}, "imports against the layers of docs/architecture.md"


def test_the_libraries_import_no_app_and_no_django():
    for library in LIBRARIES:
        package = ROOT / library.replace(".", "/")
        for path in sorted(package.rglob("*.py")):
            imported = {module.split(".")[0] for module in imported_modules(path)}
            assert not imported & ({"django"} | set(LAYERS)), path.relative_to(ROOT).as_posix()
            # Relative imports stay inside the package: `from ..` would reach the app around it.
            relative = [
                node
                for node in ast.walk(ast.parse(path.read_text()))
                if isinstance(node, ast.ImportFrom) and node.level > len(path.relative_to(package).parts)
            ]
            assert relative == [], path.relative_to(ROOT).as_posix()


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_the_reader_sees_function_local_imports(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def late():\n    from programmes.models import Cohort\n    import reports.services\n")
    assert imported_apps(module) == {"programmes", "reports"}
