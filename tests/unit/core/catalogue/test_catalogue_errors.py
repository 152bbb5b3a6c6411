"""A bad catalogue is refused with a message naming the file, the agent and the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.catalogue import CatalogueError
from core.catalogue.loader import load_catalogue_file

GOOD = """\
  - id: time
    description: The time in any time zone.
    instructions: Answer with the time.
    mcp: {transport: stdio, command: uvx, args: [mcp-server-time]}
"""


def load(tmp_path: Path, agents: str, environ: dict[str, str] | None = None) -> Path:
    path = tmp_path / "agents.yaml"
    path.write_text("agents:\n" + agents, encoding="utf-8")
    load_catalogue_file(path, environ={} if environ is None else environ)
    return path


def refused(tmp_path: Path, agents: str, environ: dict[str, str] | None = None) -> str:
    with pytest.raises(CatalogueError) as raised:
        load(tmp_path, agents, environ)
    assert str(tmp_path / "agents.yaml") in str(raised.value)
    return str(raised.value)


def test_a_good_entry_loads(tmp_path):
    load(tmp_path, GOOD)


def test_unknown_transport_names_agent_and_field(tmp_path):
    message = refused(
        tmp_path,
        GOOD
        + """\
  - id: weather
    description: Weather.
    instructions: Answer.
    mcp: {transport: grpc, url: http://127.0.0.1:1}
""",
    )
    assert "agent 'weather'" in message
    assert "field 'mcp.transport'" in message
    assert "unknown transport; expected one of: in-process, stdio, streamable-http" in message


def test_missing_command_names_agent_and_field(tmp_path):
    message = refused(
        tmp_path,
        """\
  - id: time
    description: The time.
    instructions: Answer.
    mcp: {transport: stdio, args: [mcp-server-time]}
""",
    )
    assert "agent 'time', field 'mcp.command': Field required" in message


def test_duplicate_id_names_agent_and_field(tmp_path):
    message = refused(tmp_path, GOOD + GOOD)
    assert "agent 'time', field 'id': duplicate id (agents[0] has it too)" in message


def test_unknown_setting_names_agent_field_and_setting(tmp_path):
    entry = """\
  - id: docs
    description: Documentation search.
    instructions: Search the docs.
    mcp:
      transport: streamable-http
      url: https://docs.example.test/mcp
      headers: {Authorization: "Bearer ${DOCS_TOKEN}"}
"""
    message = refused(tmp_path, entry, environ={"OTHER": "x"})
    assert "agent 'docs', field 'mcp.headers.Authorization'" in message
    assert "unknown setting 'DOCS_TOKEN' in '${DOCS_TOKEN}'" in message
    load(tmp_path, entry, environ={"DOCS_TOKEN": "secret"})


def test_bad_id_and_unknown_field_are_named(tmp_path):
    message = refused(tmp_path, GOOD.replace("id: time", "id: Time Zone"))
    assert "agent 'Time Zone', field 'id': String should match pattern" in message
    message = refused(tmp_path, GOOD + "    prompt: hi\n")
    assert "agent 'time', field 'prompt': Extra inputs are not permitted" in message


def test_in_process_factory_that_does_not_import_is_named(tmp_path):
    message = refused(
        tmp_path,
        """\
  - id: local
    description: Local tools.
    instructions: Answer.
    mcp: {transport: in-process, module: "agents.nowhere.server:create_server"}
""",
    )
    assert (
        "agent 'local', field 'mcp.module': cannot load 'agents.nowhere.server:create_server'"
        in (message)
    )


def test_missing_file_and_bad_yaml_name_the_file(tmp_path):
    with pytest.raises(CatalogueError, match=r"missing\.yaml: field 'file': cannot read it"):
        load_catalogue_file(tmp_path / "missing.yaml", environ={})
    (tmp_path / "agents.yaml").write_text("agents: [\n")
    with pytest.raises(CatalogueError, match=r"agents\.yaml: field 'file': not valid YAML"):
        load_catalogue_file(tmp_path / "agents.yaml", environ={})
