"""The apps import one way, down the layers drawn in docs/architecture.md.

Every import in the apps' code is read, function-local ones included (they hide a circle as well as a
top-level one does). An import of a higher layer fails unless the module is listed in UPWARD, the imports
that remain to be moved. UPWARD may only shrink: a listed import that is gone fails too, so the list is
kept exact.
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

# Imports against the layers that remain (docs/architecture.md, "What is left"): module -> the apps above it
# that it imports: the project page's measure summaries, which coproduction reads from measurement.
UPWARD = {
    "coproduction/presenters/projects.py": {"measurement"},
    "coproduction/selectors/discovery.py": {"measurement"},
    "coproduction/selectors/projects.py": {"measurement"},
}


def imported_apps(path: Path) -> set[str]:
    """The apps of LAYERS that the module imports, anywhere in it."""
    apps = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            apps.add(node.module.split(".")[0])
        elif isinstance(node, ast.Import):
            apps.update(alias.name.split(".")[0] for alias in node.names)
    return apps & set(LAYERS)


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


def test_no_app_imports_a_layer_above_it_beyond_the_imports_left_to_move():
    found = upward_imports()
    new = {module: apps - UPWARD.get(module, set()) for module, apps in found.items()}
    new = {module: apps for module, apps in new.items() if apps}
    assert new == {}, "imports against the layers of docs/architecture.md"


def test_the_list_of_imports_left_to_move_is_exact():
    found = upward_imports()
    gone = {module: apps - found.get(module, set()) for module, apps in UPWARD.items()}
    gone = {module: apps for module, apps in gone.items() if apps}
    assert gone == {}, "these imports are gone: take them off UPWARD"


def test_every_app_is_in_a_layer():
    apps = {path.parent.name for path in ROOT.glob("*/apps.py")}
    assert apps == set(LAYERS)


def test_the_reader_sees_function_local_imports(tmp_path):
    module = tmp_path / "module.py"
    module.write_text("def late():\n    from programmes.models import Cohort\n    import reports.services\n")
    assert imported_apps(module) == {"programmes", "reports"}
