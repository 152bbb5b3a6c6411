"""`devhost/engine/sdk_speedups.py` replaces four names inside the Durable Functions SDK's
modules and two inside azure.functions' Durable JSON codec. It was checked against one release
of each: these tests fail when the release pinned or installed is another, or when the code
that uses those names (or the codec's strict-mode check itself) changes, so an upgrade cannot
silently break the speedups. After checking the speedups against a new release
(`parse_timestamp` still gets what `dt_parse` got, the namedtuple is still immutable,
`is_strict_mode` still reads the variable as the codec does, the codec still calls `json` only
as `CodecJson` serves it, `history_event` still sets what `HistoryEvent.__init__` sets), update
the checked releases and the hashes below."""

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
FUNCTIONS = "azure-functions"
CHECKED_FUNCTIONS = "1.26.0"
STRICT_MODE_SOURCE = "43e282351259b7e23a60feaf383eb0ad890c23ab15fb0bb7a9ea0decff34ebdc"
# Per patched module: the global the speedups replace, and every function that reads it,
# with the sha256 of its source.
PATCHED: dict[str, tuple[ModuleType, str, dict[str, str]]] = {
    "history timestamps": (
        sdk_speedups.history_event_module,
        "dt_parse",
        {
            # Also the constructor `history_event` reproduces.
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
    "codec strict mode": (
        sdk_speedups.codec_module,
        "_is_strict_mode",
        {
            "_notify_loose_codec_used": (
                "16f144b8ae4b4cfdae8698792ec01caf9ce3ef9f705a1b71946bda49aa014de0"
            ),
            "_notify_no_expected_type": (
                "ac1d5ad1e4e63590b8823081ba8870855c19c133f7bb44788bf6a572cba294dc"
            ),
            "df_dumps": "4606c55c385c97b85a92863af5b8b3a800f939ff1f8883f866ba9d9967af7304",
            "df_loads": "0d0c883b82f741a4cf424323937d7c90bffe5916ee67ecb132810b359ed01969",
            "_get_serialize_default": (
                "8634b82074bc8f886b99fc0adca50d60a23bf564a0d37bee9006146a91c037a9"
            ),
            "_loads_with_expected_type": (
                "d82c3ddf7c61780f7b0737abe6bbfcf174f6555aca16438a3a50d79c2154b686"
            ),
        },
    ),
    "codec json": (
        sdk_speedups.codec_module,
        "json",
        {
            "df_dumps": "4606c55c385c97b85a92863af5b8b3a800f939ff1f8883f866ba9d9967af7304",
            "df_loads": "0d0c883b82f741a4cf424323937d7c90bffe5916ee67ecb132810b359ed01969",
            "_loads_strict_no_type": (
                "ea0a9ce26db396138e5b12bf8eda66531ede5368720e176546e1e0e4cdb58728"
            ),
            "_loads_with_expected_type": (
                "d82c3ddf7c61780f7b0737abe6bbfcf174f6555aca16438a3a50d79c2154b686"
            ),
        },
    ),
    "context history events": (
        sdk_speedups.context_module,
        "HistoryEvent",
        {
            "DurableOrchestrationContext.__init__": (
                "a1283dc534467c1b6e2aca1178d55d13e63430981c74b8fce620c5f612425147"
            ),
            "DurableOrchestrationContext._extract_version_from_history": (
                "356efb00459e200f81e0d66b2b52d7d00c76a5f20909537a0f36ee1a140ee1fd"
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


@pytest.mark.parametrize(
    ("package", "checked"), [(SDK, CHECKED_SDK), (FUNCTIONS, CHECKED_FUNCTIONS)]
)
def test_the_release_pinned_and_installed_is_the_one_the_speedups_were_checked_against(
    package: str, checked: str
) -> None:
    assert str(declared(RUNTIME.requirements)[package].specifier) == f"=={checked}"
    assert version(package) == checked


def test_the_codec_strict_mode_check_is_the_one_is_strict_mode_reproduces() -> None:
    source = inspect.getsource(sdk_speedups.sdk_is_strict_mode)
    assert hashlib.sha256(source.encode()).hexdigest() == STRICT_MODE_SOURCE


@pytest.mark.parametrize("patch", PATCHED)
def test_the_sdk_code_that_reads_a_patched_name_is_unchanged(patch: str) -> None:
    module, name, expected = PATCHED[patch]
    assert readers_of(module, name) == expected, (
        f"{module.__name__} uses {name} differently from the SDK release "
        f"sdk_speedups.py was checked against"
    )
