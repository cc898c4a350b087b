"""What the apps above reports add to its reports, registered in their `AppConfig.ready()` the way
`alwaysevents.read_models` takes its refreshers: the renderer of a scope kind that an app reports on (the
coaching app's pre-call pack, a report about one call) and the actions a project report lists (the actions
agreed on the coaching calls).

This module knows no feature app: the apps register what they add (`register_renderer`,
`register_actions`).
"""

from collections.abc import Callable, Iterable
from datetime import date

from projects.models import Project

# renderer(run, access=..., progress=...) -> the run's file; `progress(percent)` shows how far it got.
Renderer = Callable[..., bytes]
# reader(projects=..., done_since=...) -> the projects' actions not done, or done on `done_since` or later,
# each with its `project_id` and `done_on`, in the order a report lists them.
ActionsReader = Callable[..., Iterable]

_renderers: dict[str, Renderer] = {}
_actions_readers: list[ActionsReader] = []


def register_renderer(scope_kind: str, renderer: Renderer) -> None:
    """Render the runs of `scope_kind` with `renderer` instead of as a project or multi-project report."""
    _renderers[scope_kind] = renderer


def renderer_of(scope_kind: str) -> Renderer | None:
    return _renderers.get(scope_kind)


def register_actions(reader: ActionsReader) -> None:
    """List the actions `reader` gives in the project reports."""
    if reader not in _actions_readers:
        _actions_readers.append(reader)


def actions_of(*, projects: list[Project], done_since: date) -> list:
    """The actions the registered readers give for `projects`. Read in a tenant scope holding every
    project's organisation."""
    return [
        action for reader in _actions_readers for action in reader(projects=projects, done_since=done_since)
    ]
