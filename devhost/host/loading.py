"""Load the app so that its own modules win, as in a fresh worker process.

The app root goes first on `sys.path`; modules already imported from elsewhere under a name
the app also has (a sibling `app` package, `activities.py`, ...) are dropped from
`sys.modules` first, so the app imports its own copy.
"""

from __future__ import annotations

import sys
from pathlib import Path

from devhost.app_loader import FunctionIndex, load_app

SCRIPT_MODULE = "function_app"
_indexes: dict[Path, FunctionIndex] = {}


def _top_level_names(app_dir: Path) -> set[str]:
    names = set()
    for entry in app_dir.iterdir():
        if entry.is_dir() and entry.name.isidentifier():
            names.add(entry.name)
        elif entry.suffix == ".py":
            names.add(entry.stem)
    return names


def _is_inside(module_file: str | None, app_dir: Path) -> bool:
    return module_file is not None and Path(module_file).resolve().is_relative_to(app_dir)


def _evict_shadowed(app_dir: Path) -> None:
    names = _top_level_names(app_dir)
    for module_name in list(sys.modules):
        top = module_name.split(".", 1)[0]
        if top not in names:
            continue
        module = sys.modules[module_name]
        paths = [getattr(module, "__file__", None), *list(getattr(module, "__path__", []) or [])]
        if not any(_is_inside(p, app_dir) for p in paths):
            del sys.modules[module_name]


def load_function_app(app_dir: Path) -> FunctionIndex:
    """Index the app in `app_dir` with the app root first on `sys.path`; loading the same,
    still imported app again returns its first index."""
    directory = app_dir.resolve()
    root = str(directory)
    if root in sys.path:
        sys.path.remove(root)
    sys.path.insert(0, root)
    _evict_shadowed(directory)
    module = sys.modules.get(SCRIPT_MODULE)
    cached = _indexes.get(directory)
    # A FunctionApp refuses to list its functions twice, so reuse the index while the
    # same script module is loaded.
    if cached is not None and module is not None and cached.module is module:
        return cached
    index = load_app(directory)
    _indexes[directory] = index
    return index
