"""host.json and local.settings.json reading: defaults, %SETTING% values, Values into the
environment, Host.LocalHttpPort and CORS, and the host's lenient JSON (comments and trailing
commas, but one object per file)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from devhost.config import ConfigError, apply_values, load_host_settings, load_local_settings
from devhost.host.mcp_settings import load_mcp_settings


def test_missing_files_give_the_host_defaults(tmp_path: Path):
    settings = load_host_settings(tmp_path)
    assert settings.route_prefix == "api"
    assert settings.hub_name == "TestHubName"
    assert settings.connection_name == "Storage"
    assert load_local_settings(tmp_path).local_http_port is None


def test_host_json_values_and_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("MY_HUB", "FromSetting")
    (tmp_path / "host.json").write_text(
        json.dumps(
            {
                "version": "2.0",
                "extensions": {
                    "http": {
                        "routePrefix": "",
                        "maxConcurrentRequests": 5,
                        "maxOutstandingRequests": -1,
                    },
                    "durableTask": {
                        "HubName": "%MY_HUB%",
                        "maxConcurrentActivityFunctions": 3,
                        "storageProvider": {"type": "Netherite", "connectionName": "NetheriteConn"},
                    },
                },
            }
        )
    )
    settings = load_host_settings(tmp_path)
    assert settings.route_prefix == ""
    assert settings.hub_name == "FromSetting"
    assert settings.max_concurrent_activities == 3
    assert settings.max_concurrent_requests == 5
    assert settings.max_outstanding_requests is None
    assert settings.storage_provider == "Netherite"
    assert settings.connection_name == "NetheriteConn"


def test_unset_hub_setting_falls_back_to_the_default(tmp_path: Path):
    (tmp_path / "host.json").write_text(
        '{"extensions": {"durableTask": {"hubName": "%NOT_SET_ANYWHERE%"}}}'
    )
    assert load_host_settings(tmp_path).hub_name == "TestHubName"


def test_local_settings_values_port_and_cors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ALREADY_SET", "from-env")
    monkeypatch.delenv("NEW_VALUE", raising=False)
    (tmp_path / "local.settings.json").write_text(
        "\ufeff"
        + json.dumps(
            {
                "IsEncrypted": False,
                "Values": {"ALREADY_SET": "from-file", "NEW_VALUE": "v"},
                "Host": {
                    "LocalHttpPort": 7072,
                    "CORS": "http://a.example, http://b.example",
                    "CORSCredentials": True,
                },
            }
        ),
        encoding="utf-8",
    )
    local = load_local_settings(tmp_path)
    assert local.local_http_port == 7072
    assert local.cors_origins == ("http://a.example", "http://b.example")
    assert local.cors_credentials is True
    assert apply_values(local) == ["ALREADY_SET"]
    assert os.environ["ALREADY_SET"] == "from-env"
    assert os.environ["NEW_VALUE"] == "v"


HOST_JSON_WITH_COMMENTS = """{
  // The schema version the host requires.
  "version": "2.0",
  /* Settings devhost reads. */
  "extensions": {
    "http": {"routePrefix": 'v1',},
    "durableTask": {hubName: "CommentedHub",},
  },
}
"""


def test_host_json_with_comments_and_trailing_commas_is_read(tmp_path: Path):
    (tmp_path / "host.json").write_text(HOST_JSON_WITH_COMMENTS)
    settings = load_host_settings(tmp_path)
    assert (settings.route_prefix, settings.hub_name) == ("v1", "CommentedHub")
    assert load_mcp_settings(tmp_path).server_name == "Azure Functions MCP server"


def test_local_settings_with_comments_and_trailing_commas_is_read(tmp_path: Path):
    (tmp_path / "local.settings.json").write_text(
        '{\n  "Values": {\n    // offline defaults\n    "A": "1",\n  },\n'
        '  "Host": {"LocalHttpPort": 7075,},\n}\n'
    )
    local = load_local_settings(tmp_path)
    assert (local.values, local.local_http_port) == ({"A": "1"}, 7075)


@pytest.mark.parametrize("name", ["host.json", "local.settings.json"])
def test_two_concatenated_objects_are_refused_naming_the_file(tmp_path: Path, name: str):
    (tmp_path / name).write_text('{"version": "2.0"}\n{"version": "2.0"}\n')
    with pytest.raises(ConfigError) as refused:
        load_host_settings(tmp_path) if name == "host.json" else load_local_settings(tmp_path)
    assert refused.value.path == tmp_path / name
    assert "invalid JSON" in str(refused.value)
