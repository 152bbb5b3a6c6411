"""Host keys: which key grants which auth level, and where the keys come from."""

import base64
import json
import stat
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devhost.host.keys import (
    AuthLevel,
    HostKeys,
    key_allows,
    load_keys,
    presented_key,
    read_saved_keys,
)

KEYS = HostKeys(master="master-key", function="function-key", system="system-key")
GRANTS = {
    AuthLevel.ANONYMOUS: {None, "", "wrong", "master-key", "function-key", "system-key"},
    AuthLevel.FUNCTION: {"master-key", "function-key"},
    AuthLevel.ADMIN: {"master-key"},
    AuthLevel.SYSTEM: {"master-key", "system-key"},
}


@pytest.mark.parametrize("level", list(AuthLevel))
@pytest.mark.parametrize(
    "given_key", [None, "", "wrong", "master-key", "function-key", "system-key"]
)
def test_each_level_accepts_exactly_its_keys(level, given_key):
    assert key_allows(KEYS, level, given_key) is (given_key in GRANTS[level])


@given(st.text(min_size=1).filter(lambda k: k not in {"master-key", "function-key", "system-key"}))
def test_no_other_text_is_a_key(other):
    assert not any(
        key_allows(KEYS, level, other) for level in AuthLevel if level != AuthLevel.ANONYMOUS
    )


def test_levels_parse_ignoring_case_with_function_as_the_default():
    assert AuthLevel.parse(None) is AuthLevel.FUNCTION
    assert AuthLevel.parse("") is AuthLevel.FUNCTION
    assert AuthLevel.parse("Anonymous") is AuthLevel.ANONYMOUS
    assert AuthLevel.parse("ADMIN") is AuthLevel.ADMIN
    with pytest.raises(ValueError, match="owner"):
        AuthLevel.parse("owner")


def test_the_header_wins_over_the_query():
    assert presented_key({"x-functions-key": "h"}, {"code": "q"}) == "h"
    assert presented_key({}, {"code": "q"}) == "q"
    assert presented_key({"x-functions-key": ""}, {"code": "q"}) == "q"
    assert presented_key({}, {}) is None


def test_keys_are_generated_once_saved_privately_and_kept(tmp_path: Path):
    hub = tmp_path / "hub"
    first = load_keys(hub, {})
    assert len({first.master, first.function, first.system}) == 3
    assert all(len(k) >= 54 and k.endswith("==") for k in (first.master, first.function))
    saved = hub / "keys.json"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert json.loads(saved.read_text()) == {
        "master": first.master,
        "function": first.function,
        "system": first.system,
    }
    assert load_keys(hub, {}) == first
    assert read_saved_keys(hub) == first


def test_settings_override_the_saved_keys_without_changing_them(tmp_path: Path):
    saved = load_keys(tmp_path, {})
    chosen = load_keys(tmp_path, {"DEVHOST_MASTER_KEY": "m", "DEVHOST_SYSTEM_KEY": "s"})
    assert chosen == HostKeys(master="m", function=saved.function, system="s")
    assert read_saved_keys(tmp_path) == saved


def test_a_missing_saved_key_is_generated_and_the_others_kept(tmp_path: Path):
    (tmp_path / "keys.json").write_text(json.dumps({"master": "kept", "function": ""}))
    keys = load_keys(tmp_path, {})
    assert keys.master == "kept"
    assert keys.function
    assert keys.system
    assert read_saved_keys(tmp_path) == keys


def test_no_saved_keys_before_the_first_start(tmp_path: Path):
    assert read_saved_keys(tmp_path) is None


def test_generated_keys_have_the_hosts_shape(tmp_path: Path):
    keys = load_keys(tmp_path, {})
    for key in (keys.master, keys.function, keys.system):
        assert len(key) == 56
        assert key.endswith("==")
        assert not key.endswith("===")
        assert len(base64.urlsafe_b64decode(key)) == 40


def test_keys_are_saved_readably_in_a_new_nested_hub_directory(tmp_path: Path):
    hub = tmp_path / "a" / "b"
    keys = load_keys(hub, {})
    saved = {"master": keys.master, "function": keys.function, "system": keys.system}
    assert (hub / "keys.json").read_text() == json.dumps(saved, indent=2)


def test_a_complete_keys_file_is_not_rewritten(tmp_path: Path):
    text = '{"master":"m","function":"f","system":"s"}'
    (tmp_path / "keys.json").write_text(text)
    assert load_keys(tmp_path, {}) == HostKeys(master="m", function="f", system="s")
    assert (tmp_path / "keys.json").read_text() == text


def test_a_partial_keys_file_reads_as_empty_keys(tmp_path: Path):
    (tmp_path / "keys.json").write_text('{"master": "m"}')
    assert read_saved_keys(tmp_path) == HostKeys(master="m", function="", system="")
