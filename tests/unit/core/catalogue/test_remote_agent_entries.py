"""`a2a:` entries of the catalogue: the README's entry loads as written, and a bad remote
entry is refused naming the file, the agent and the field."""

from __future__ import annotations

import re
from pathlib import Path

from core.catalogue.loader import load_catalogue_file
from core.remote_agents import SEND_MESSAGE
from tests.unit.core.catalogue.test_catalogue_errors import GOOD, refused

REPO = Path(__file__).resolve().parents[4]
SETTINGS = {"TRAVEL_AGENT_URL": "https://travel.example.com/a2a", "TRAVEL_AGENT_TOKEN": "t"}


def readme_entry() -> str:
    """The README's copy-paste `a2a:` entry."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return next(b for b in re.findall(r"```yaml\n(.*?)```", readme, re.S) if "a2a:" in b)


def test_the_readme_entry_loads_as_a_remote_agent_that_needs_no_approval(tmp_path: Path):
    path = tmp_path / "agents.yaml"
    path.write_text("agents:\n" + GOOD + readme_entry(), encoding="utf-8")

    time, travel = load_catalogue_file(path, environ=SETTINGS)

    assert (time.transport, travel.transport) == ("stdio", "a2a")
    assert travel.a2a is not None
    assert travel.a2a.url == "${TRAVEL_AGENT_URL}"
    assert travel.approval_override(SEND_MESSAGE) is False


def test_an_entry_with_both_sources_names_the_field(tmp_path: Path):
    message = refused(
        tmp_path,
        GOOD.replace("    mcp:", '    a2a: {url: "http://127.0.0.1:1/"}\n    mcp:'),
    )
    assert "agent 'time', field 'mcp': needs exactly one source: mcp or a2a" in message


def test_an_entry_with_no_source_names_the_field(tmp_path: Path):
    message = refused(tmp_path, "\n".join(GOOD.splitlines()[:3]) + "\n")
    assert "agent 'time', field 'mcp': needs exactly one source: mcp or a2a" in message


def test_a_remote_agent_with_a_self_test_names_the_field(tmp_path: Path):
    message = refused(
        tmp_path,
        """\
  - id: travel
    description: Travel.
    instructions: Answer.
    a2a: {url: "http://127.0.0.1:1/"}
    self_test: {tool: search}
""",
    )
    assert "agent 'travel', field 'self_test': a remote A2A agent has no tools" in message


def test_an_unknown_setting_in_a_remote_url_names_the_field(tmp_path: Path):
    message = refused(
        tmp_path,
        """\
  - id: travel
    description: Travel.
    instructions: Answer.
    a2a: {url: "${TRAVEL_URL}"}
""",
    )
    assert "agent 'travel', field 'a2a.url': unknown setting 'TRAVEL_URL'" in message


def test_a_remote_url_that_is_no_url_names_the_field(tmp_path: Path):
    message = refused(
        tmp_path,
        """\
  - id: travel
    description: Travel.
    instructions: Answer.
    a2a: {url: "travel.example.com"}
""",
    )
    assert "agent 'travel', field 'a2a.url'" in message
