import pytest

from core.loopback import is_loopback, is_loopback_authority


@pytest.mark.parametrize(
    "host", ["localhost", "LocalHost", "127.0.0.1", "127.0.0.2", "::1", "[::1]"]
)
def test_loopback_names_and_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize(
    "host", [None, "", "10.0.0.5", "example.com", "localhost.example.com", "::2"]
)
def test_other_hosts_are_not_loopback(host: str | None) -> None:
    assert not is_loopback(host)


@pytest.mark.parametrize(
    ("authority", "expected"),
    [
        ("localhost:7071", True),
        ("127.0.0.1:8080", True),
        ("[::1]:7071", True),
        ("localhost", True),
        ("localhost.example.com:7071", False),
        ("127.0.0.1.nip.io", False),
        ("app.azurewebsites.net", False),
        ("[::1", False),
    ],
)
def test_a_host_header_is_loopback_by_its_host_part(authority: str, expected: bool) -> None:
    assert is_loopback_authority(authority) is expected
