"""`may_access_run`, the one rule of who sees and acts on a run, and where a run's owner is
read from."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from core.auth import ADMIN, APPROVER, DEVELOPMENT_PRINCIPAL, OPERATOR, Principal
from triggers.shared.run_access import RunAction, may_access_run, parent_ids, run_owner

ADA = replace(DEVELOPMENT_PRINCIPAL, oid="ada", name="Ada", roles=frozenset({OPERATOR}), authenticated=True)
BOB = replace(ADA, oid="bob", name="Bob")
CAROL = replace(ADA, oid="carol", name="Carol", roles=frozenset({APPROVER}))
DAN = replace(ADA, oid="dan", name="Dan", roles=frozenset({ADMIN}))
NOBODY = replace(ADA, oid="eve", name="Eve", roles=frozenset())
ADAS_RUN = {"request": {"query": "q"}, "owner": {"oid": "ada", "name": "Ada"}}
TIMERS_RUN = {"request": {"query": "q"}}


@pytest.mark.parametrize(
    ("principal", "run_input", "allowed"),
    [
        (ADA, ADAS_RUN, {RunAction.READ, RunAction.CANCEL}),
        (BOB, ADAS_RUN, set()),
        (ADA, TIMERS_RUN, set()),
        (CAROL, ADAS_RUN, {RunAction.READ, RunAction.DECIDE}),
        (CAROL, TIMERS_RUN, {RunAction.READ, RunAction.DECIDE}),
        (DAN, ADAS_RUN, set(RunAction)),
        (DAN, TIMERS_RUN, set(RunAction)),
        (NOBODY, ADAS_RUN, set()),
    ],
    ids=["owner", "other-operator", "operator-on-timer-run", "approver", "approver-on-timer-run", "admin", "admin-on-timer-run", "no-role"],
)
def test_who_may_do_what_on_a_run(principal: Principal, run_input: dict, allowed: set[RunAction]):
    granted = {action for action in RunAction if may_access_run(principal, run_input, action)}
    assert granted == allowed


def test_the_owner_is_read_from_the_input_as_a_status_shows_it():
    assert run_owner(json.dumps(ADAS_RUN)).oid == "ada"
    assert run_owner(ADAS_RUN).name == "Ada"
    for unowned in (TIMERS_RUN, "not json", None, {"owner": {"name": "no oid"}}, ["owner"]):
        assert run_owner(unowned) is None


def test_each_read_of_the_same_input_gets_its_own_owner():
    text = json.dumps(ADAS_RUN)
    first = run_owner(text)
    first.oid = "mallory"
    assert run_owner(text).oid == "ada"
    assert may_access_run(ADA, text, RunAction.READ)
    assert not may_access_run(BOB, text, RunAction.READ)


def test_a_child_run_is_looked_up_under_its_parents_nearest_first_and_bounded():
    assert parent_ids("wf:customer-support") == ["wf"]
    assert parent_ids("batch_sweep:slot:TCK-1:enterprise") == [
        "batch_sweep:slot:TCK-1",
        "batch_sweep:slot",
        "batch_sweep",
    ]
    assert len(parent_ids(":".join("x" * 100))) == 4
