"""Which Origin and Host values devhost's MCP endpoint serves, on loopback and wider binds."""

from __future__ import annotations

import pytest

from devhost.host.mcp_origin import OriginPolicy


@pytest.mark.parametrize("host", ["localhost:7071", "127.0.0.1:7071", "[::1]:7071", "127.0.0.2"])
def test_a_loopback_bind_serves_loopback_host_names(host: str) -> None:
    assert OriginPolicy().refusal(None, host) is None


@pytest.mark.parametrize("host", ["evil.example.com", "10.0.0.5:7071", "", "[::1", "a:b:c"])
def test_a_loopback_bind_refuses_other_host_names(host: str) -> None:
    assert OriginPolicy().refusal(None, host) is not None


def test_a_wider_bind_serves_any_host_but_still_checks_the_origin() -> None:
    policy = OriginPolicy(own_origin="http://10.0.0.5:7071", loopback_bind=False)
    assert policy.refusal(None, "10.0.0.5:7071") is None
    assert policy.refusal("http://10.0.0.5:7071", "10.0.0.5:7071") is None
    assert policy.refusal("http://evil.example.com", "10.0.0.5:7071") is not None


def test_a_wildcard_cors_setting_allows_any_origin() -> None:
    assert OriginPolicy(allowed_origins=("*",)).refusal("https://any.example", "localhost") is None


@pytest.mark.parametrize("origin", ["ftp://localhost", "http://localhost:notaport", "localhost"])
def test_malformed_or_non_web_origins_are_refused(origin: str) -> None:
    assert OriginPolicy().refusal(origin, "localhost") is not None
