"""Mutation testing of the modules that carry the product's guarantees, one module at a time.

Each module is mutated by mutmut in its own scratch copy of the tree (`.mutation/<module>/`),
and each mutant is run against that module's tests only. Prints, per module, how many mutants
the tests killed and every mutant that survived, as a diff.

    .venv/bin/python scripts/mutation.py                      # every module below
    .venv/bin/python scripts/mutation.py devhost/engine/replay.py core/auth/redaction.py
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SCRATCH = REPO / ".mutation"
ENGINE = "tests/unit/devhost/engine"
# The replay, episode and history rules run without an engine (no event loop, no timers), so
# a mutant costs a fraction of a second instead of a rerun of every engine test.
EPISODE_TESTS = (f"{ENGINE}/test_episode_rules.py",)
REPLAY_TESTS = (f"{ENGINE}/test_replay_rules.py", *EPISODE_TESTS)
HISTORY_TESTS = (
    f"{ENGINE}/test_history_events.py",
    f"{ENGINE}/test_history_times.py",
    *REPLAY_TESTS,
)
AUTH_TESTS = ("tests/unit/core/auth",)
AUTH_MODULES = (
    "redaction",
    "signing",
    "input_proofs",
    "tokens",
    "jwks",
    "jwks_fetch",
    "authenticate",
    "platform",
    "principal",
    "claims",
    "cors",
    "errors",
    "responses",
)
# The orchestrators' own decisions, run through the SDK with scripted activities: milliseconds
# per test, where the engine tests in the same folder take seconds.
STEPS = "tests/unit/orchestrations"

# Module -> the tests that are meant to catch its mistakes.
TARGETS: dict[str, tuple[str, ...]] = {
    "devhost/engine/replay.py": REPLAY_TESTS,
    "devhost/engine/episodes.py": EPISODE_TESTS,
    "devhost/engine/store.py": (f"{ENGINE}/test_store_rules.py",),
    "devhost/engine/entities.py": (f"{ENGINE}/test_entity_rules.py",),
    "devhost/engine/history.py": HISTORY_TESTS,
    "devhost/engine/retry.py": (f"{ENGINE}/test_retry_rules.py", *REPLAY_TESTS),
    "devhost/host/keys.py": ("tests/unit/devhost/host", "tests/conformance/test_keys.py"),
    "devhost/host/routes.py": (
        "tests/unit/devhost/host",
        "tests/conformance/test_route_templates.py",
    ),
    "devhost/host/http_triggers.py": (
        "tests/unit/devhost/host",
        "tests/conformance/test_http_triggers.py",
        "tests/conformance/test_http_limits.py",
        "tests/conformance/test_http_streams.py",
    ),
    **{f"core/auth/{name}.py": AUTH_TESTS for name in AUTH_MODULES},
    "core/approvals.py": ("tests/unit/core/test_approvals.py",),
    "core/tool_risk.py": ("tests/unit/core/test_tool_risk.py",),
    "activities/approvals.py": ("tests/unit/activities/test_check_approval.py",),
    "triggers/shared/decisions.py": ("tests/unit/triggers/shared/test_decisions.py",),
    "orchestrations/coordinator.py": (f"{STEPS}/test_coordinator_steps.py",),
    "orchestrations/agent_run.py": (f"{STEPS}/test_agent_run_steps.py",),
    "orchestrations/tool_gate.py": (f"{STEPS}/test_agent_run_steps.py",),
    "orchestrations/approval.py": (f"{STEPS}/test_approval_steps.py",),
    "orchestrations/admission.py": (
        f"{STEPS}/test_agent_run_steps.py",
        f"{STEPS}/test_coordinator_steps.py",
    ),
    "orchestrations/batch_sweep.py": (f"{STEPS}/test_sweep_and_self_test_steps.py",),
    "orchestrations/self_test.py": (f"{STEPS}/test_sweep_and_self_test_steps.py",),
    "orchestrations/budget.py": ("tests/unit/orchestrations/test_budget_split.py",),
    "core/models.py": ("tests/unit/core/test_plan_digest.py", "tests/unit/orchestrations"),
}

# The packages mutmut copies (and so may mutate); everything else at the top of the tree (the
# app's files, requirements, infra, docs) is copied beside them for the tests that read it.
SOURCE_PATHS = ("devhost", "core", "orchestrations", "activities", "triggers", "agents")

KILLED = {"killed", "timeout", "caught by type check", "segfault"}
UNTESTED = "could not find any test case for any mutant"
NOT_RUN = {"skipped", "not checked", "check was interrupted by user"}

# Modules whose string literals are SQL statements: SQLite reads keywords, table and column
# names in any case, so a survivor that only changes the letter case of such a string (and of
# no quoted SQL value in it) cannot change behaviour. It is listed as equivalent, not scored.
CASE_BLIND_SQL = {"devhost/engine/store.py"}


@dataclass
class Score:
    """The outcome of one module's run."""

    module: str
    statuses: Counter[str]
    survivors: list[str]
    seconds: float
    equivalent: list[str] = field(default_factory=list)

    @property
    def killed(self) -> int:
        return sum(n for status, n in self.statuses.items() if status in KILLED)

    @property
    def judged(self) -> int:
        return sum(n for status, n in self.statuses.items() if status not in NOT_RUN)

    @property
    def scored(self) -> int:
        return self.judged - len(self.equivalent)

    @property
    def rate(self) -> float:
        return 100.0 * self.killed / self.scored if self.scored else 100.0


def _workspace(module: str, tests: tuple[str, ...]) -> Path:
    """A fresh copy of the tree (tracked and new files) configured to mutate `module`."""
    work = SCRATCH / module.replace("/", ".").removesuffix(".py")
    shutil.rmtree(work, ignore_errors=True)
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        check=True,
        capture_output=True,
    ).stdout.decode()
    names = list(filter(None, listed.split("\0")))
    tops = {name.split("/")[0] for name in names}
    for name in names:
        source = REPO / name
        if source.is_file() and not source.is_symlink():
            target = work / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    config = {
        "source_paths": list(SOURCE_PATHS),
        "also_copy": sorted(tops - set(SOURCE_PATHS) - {"tests"}),
        "only_mutate": [module],
        "pytest_add_cli_args_test_selection": list(tests),
        # One order, no parallel plugins: a mutant's verdict must not depend on the seed.
        "pytest_add_cli_args": ["-p", "no:randomly", "-q"],
    }
    lines = [f"{key} = {json.dumps(value)}" for key, value in config.items()]
    with (work / "pyproject.toml").open("a") as pyproject:
        pyproject.write("\n[tool.mutmut]\n" + "\n".join(lines) + "\n")
    return work


def _mutmut(work: Path, *args: str) -> str:
    mutmut = Path(sys.executable).parent / "mutmut"
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [str(mutmut), *args], cwd=work, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 and UNTESTED not in done.stdout:
        raise RuntimeError(f"mutmut {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def run_module(module: str, max_children: int) -> Score:
    """Mutate `module`, run its tests against every mutant, and score the result."""
    started = time.monotonic()
    work = _workspace(module, TARGETS[module])
    log = _mutmut(work, "run", "--max-children", str(max_children))
    (work / "run.log").write_text(log)
    statuses: Counter[str] = Counter()
    survivors: list[str] = []
    for line in _mutmut(work, "results", "--all", "true").splitlines():
        name, _, status = line.strip().partition(": ")
        if not status:
            continue
        if UNTESTED in log:
            # mutmut stops before running any mutant when no listed test reaches the module.
            status = "no tests"
        statuses[status] += 1
        if status not in KILLED and status not in NOT_RUN:
            survivors.append(name)
    equivalent = []
    if module in CASE_BLIND_SQL:
        equivalent = [name for name in survivors if _only_case(_changed_lines(work, name))]
    survivors = [name for name in survivors if name not in equivalent]
    return Score(module, statuses, survivors, time.monotonic() - started, equivalent)


def _changed_lines(work: Path, name: str) -> list[str]:
    """The removed (-) and added (+) lines of one mutant."""
    diff = _mutmut(work, "show", name).splitlines()
    return [line for line in diff[3:] if line[:1] in "+-" and line[:3] not in "---+++"]


def _only_case(changed: list[str]) -> bool:
    """True when each changed line differs from the line it replaced in letter case only,
    outside any quoted SQL value."""
    removed = [line[1:].strip() for line in changed if line.startswith("-")]
    added = [line[1:].strip() for line in changed if line.startswith("+")]
    return (
        bool(removed)
        and len(removed) == len(added)
        and all(
            old != new and old.lower() == new.lower() and "'" not in old
            for old, new in zip(removed, added, strict=True)
        )
    )


def _report(score: Score, work: Path, show_diffs: bool) -> None:
    counts = ", ".join(f"{n} {status}" for status, n in sorted(score.statuses.items()))
    print(
        f"{score.module}: {score.killed}/{score.scored} killed ({score.rate:.1f}%) "
        f"in {score.seconds:.0f}s [{counts}]",
        flush=True,
    )
    if score.equivalent:
        print(f"  equivalent (SQL letter case only): {', '.join(score.equivalent)}")
    for name in score.survivors:
        print(f"  survived: {name}")
        if show_diffs:
            for line in _changed_lines(work, name):
                print(f"    {line.strip()}")


def main() -> int:
    """Run the modules named on the command line (all of them by default)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("modules", nargs="*", help=f"any of: {', '.join(TARGETS)}")
    parser.add_argument("--max-children", type=int, default=1, help="mutants run at once")
    parser.add_argument("--no-diffs", action="store_true", help="list survivors by name only")
    args = parser.parse_args()
    modules = args.modules or list(TARGETS)
    unknown = [m for m in modules if m not in TARGETS]
    if unknown:
        parser.error(f"not a mutation target: {', '.join(unknown)}")
    scores = []
    for module in modules:
        score = run_module(module, args.max_children)
        _report(score, SCRATCH / module.replace("/", ".").removesuffix(".py"), not args.no_diffs)
        scores.append(score)
    print("\nmodule                                  killed  rate")
    for score in scores:
        print(f"{score.module:<40}{score.killed:>4}/{score.scored:<4} {score.rate:5.1f}%")
    return 0


if __name__ == "__main__":
    sys.exit(main())
