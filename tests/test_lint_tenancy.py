import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("lint_tenancy", ROOT / "scripts" / "lint_tenancy.py")
lint_tenancy = importlib.util.module_from_spec(spec)
spec.loader.exec_module(lint_tenancy)


def test_it_reports_a_tenant_models_manager_used_in_a_view(tmp_path):
    view = tmp_path / "views.py"
    view.write_text(
        "from projects.models import Project\n\ndef v(request):\n    return Project.objects.all()\n"
    )
    problems = lint_tenancy.violations(view, {"Project"})
    assert len(problems) == 1 and ":4:" in problems[0] and "Project.objects" in problems[0]


def test_it_reports_the_unscoped_manager_too(tmp_path):
    task = tmp_path / "tasks.py"
    task.write_text("def t():\n    return Project.unscoped.count()\n")
    assert len(lint_tenancy.violations(task, {"Project"})) == 1


def test_it_leaves_non_tenant_models_alone(tmp_path):
    view = tmp_path / "views.py"
    view.write_text("def v():\n    return Organisation.objects.all()\n")
    assert lint_tenancy.violations(view, {"Project"}) == []


def test_the_projects_own_views_apis_and_tasks_are_clean():
    names = lint_tenancy.tenant_model_names()
    assert "Project" in names
    files = lint_tenancy.guarded_files()
    assert any(path.name == "views.py" for path in files)
    guarded = {path.relative_to(ROOT).as_posix() for path in files}
    # The siblings named by part are guarded too; selectors and services are not.
    assert {"coaching/views_dashboards.py", "programmes/api_geography.py"} <= guarded
    assert "coaching/selectors_dashboards.py" not in guarded
    assert [p for path in files for p in lint_tenancy.violations(path, names)] == []
