"""`devhost/engine/sdk_speedups.py` replaces three names inside the Durable Functions SDK's
modules. It was checked against one SDK release: these tests fail when the SDK pinned or
installed is another, or when the SDK code that uses those names changes, so an upgrade
cannot silently break the speedups. After checking the speedups against a new release
(`parse_timestamp` still gets what `dt_parse` got, the namedtuple is still immutable), update
CHECKED_SDK and the hashes below."""

from __future__ import annotations

import ast
import hashlib
import inspect
from importlib.metadata import version
from types import ModuleType

import pytest

from devhost.engine import sdk_speedups
from tests.requirement_files import RUNTIME, declared

SDK = "azure-functions-durable"
CHECKED_SDK = "1.7.0"
# Per patched module: the global the speedups replace, and every function that reads it,
# with the sha256 of its source.
PATCHED: dict[str, tuple[ModuleType, str, dict[str, str]]] = {
    "history timestamps": (
        sdk_speedups.history_event_module,
        "dt_parse",
        {
            "HistoryEvent.__init__": (
                "2494336f6442327a143f7394717e15a5a317ae5d83e2f87557ddfeb4d9b85226"
            ),
        },
    ),
    "status times": (
        sdk_speedups.status_module,
        "dt_parse",
        {
            "DurableOrchestrationStatus.__init__": (
                "779004187ace1b4ea6fde8f114fffe7cf433730b157145100be32a079e17f947"
            ),
        },
    ),
    "executor namedtuple": (
        sdk_speedups.executor_module,
        "namedtuple",
        {
            "TaskOrchestrationExecutor.__init__": (
                "81a450316665e1628fbdd042ed38e7900b0aec6ddffd20c014c50585fe1cd9df"
            ),
        },
    ),
}


def readers_of(module: ModuleType, name: str) -> dict[str, str]:
    """Each function in `module` that reads the name `name`, by qualified name, with the
    sha256 of its source."""
    source = inspect.getsource(module)
    readers: dict[str, str] = {}

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            qualified = f"{prefix}{child.name}"
            reads = any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(child))
            if reads and not isinstance(child, ast.ClassDef):
                text = ast.get_source_segment(source, child) or ""
                readers[qualified] = hashlib.sha256(text.encode()).hexdigest()
            visit(child, f"{qualified}.")

    visit(ast.parse(source), "")
    return readers


def test_the_sdk_pinned_and_installed_is_the_release_the_speedups_were_checked_against() -> None:
    assert str(declared(RUNTIME.requirements)[SDK].specifier) == f"=={CHECKED_SDK}"
    assert version(SDK) == CHECKED_SDK


@pytest.mark.parametrize("patch", PATCHED)
def test_the_sdk_code_that_reads_a_patched_name_is_unchanged(patch: str) -> None:
    module, name, expected = PATCHED[patch]
    assert readers_of(module, name) == expected, (
        f"{module.__name__} uses {name} differently from the SDK release "
        f"sdk_speedups.py was checked against"
    )
