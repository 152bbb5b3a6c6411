"""Where signing keys may come from, how they are fetched, and how the cache behaves when the
endpoint fails or serves keys it cannot use."""

from __future__ import annotations

import json
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from fake_entra import JwksServer, SigningKey

from core.auth import (
    AuthConfigurationError,
    AuthenticationError,
    JwksCache,
    SigningKeysUnavailableError,
    check_jwks_url,
    entra_jwks_url,
    https_jwks_fetcher,
)
from core.auth.jwks_fetch import MAX_JWKS_BYTES


@contextmanager
def plain_http(
    status: int, body: bytes, headers: dict[str, str], seen: list[dict[str, str]] | None = None
) -> Iterator[str]:
    """A plain-HTTP loopback server answering every GET the same way, keeping each request's
    headers in `seen`; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if seen is not None:
                seen.append(dict(self.headers))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/keys"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_entra_key_endpoint_of_a_tenant():
    assert entra_jwks_url("t-1") == "https://login.microsoftonline.com/t-1/discovery/v2.0/keys"


@pytest.mark.parametrize(
    "url",
    [
        "http://login.microsoftonline.com/t/discovery/v2.0/keys",
        "http://127.0.0.1:8080/keys",
        "file:///etc/passwd",
        "ftp://127.0.0.1/keys",
        "https:///no-host",
    ],
)
def test_only_https_key_urls_are_accepted(url):
    with pytest.raises(AuthConfigurationError):
        https_jwks_fetcher(url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080/keys", "http://localhost/k", "http://[::1]/k"]
)
def test_plain_http_is_allowed_on_loopback_only_when_asked(url):
    assert check_jwks_url(url, allow_insecure_loopback=True) == url


def test_plain_http_to_another_host_is_refused_even_when_asked():
    with pytest.raises(AuthConfigurationError):
        check_jwks_url("http://10.0.0.5/keys", allow_insecure_loopback=True)


def test_an_untrusted_certificate_is_refused(jwks_server: JwksServer):
    fetch = https_jwks_fetcher(jwks_server.url)

    with pytest.raises(SigningKeysUnavailableError):
        fetch()
    assert jwks_server.fetches == 0


def test_a_trusted_certificate_serves_the_key_set(jwks_server: JwksServer, signing_key):
    fetch = https_jwks_fetcher(jwks_server.url, ssl_context=jwks_server.ssl_context)

    assert fetch() == {"keys": [signing_key.jwk()]}


def test_redirects_are_refused():
    with plain_http(302, b"", {"Location": "http://127.0.0.1:1/elsewhere"}) as url:
        fetch = https_jwks_fetcher(url, allow_insecure_loopback=True)
        with pytest.raises(SigningKeysUnavailableError):
            fetch()


def test_a_redirect_to_a_working_key_set_is_refused_too(signing_key):
    elsewhere: list[dict[str, str]] = []
    served = json.dumps({"keys": [signing_key.jwk()]}).encode()
    with (
        plain_http(200, served, {}, elsewhere) as target,
        plain_http(302, b"", {"Location": target}) as url,
        pytest.raises(SigningKeysUnavailableError) as refused,
    ):
        https_jwks_fetcher(url, allow_insecure_loopback=True)()
    assert str(refused.value) == (
        "Signing keys could not be fetched: the key server answered 302 (a redirect), "
        "and key sets are read only from the configured URL."
    )
    assert elsewhere == []


def test_the_fetch_asks_for_json(signing_key):
    seen: list[dict[str, str]] = []
    served = json.dumps({"keys": [signing_key.jwk()]}).encode()
    with plain_http(200, served, {"Content-Type": "application/json"}, seen) as url:
        assert https_jwks_fetcher(url, allow_insecure_loopback=True)() == {
            "keys": [signing_key.jwk()]
        }
    assert seen[0]["Accept"] == "application/json"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html>", "Signing key set is not JSON."),
        (b"[1, 2]", "Signing key set is not a JSON object."),
        (b" " * MAX_JWKS_BYTES + b"{}", "Signing key set is larger than allowed."),
    ],
)
def test_an_unusable_answer_says_what_is_wrong(body, message):
    with plain_http(200, body, {}) as url, pytest.raises(SigningKeysUnavailableError) as refused:
        https_jwks_fetcher(url, allow_insecure_loopback=True)()
    assert str(refused.value) == message


def test_an_oversized_key_set_is_refused_without_waiting_for_the_rest():
    release = threading.Event()

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(100 * MAX_JWKS_BYTES))
            self.end_headers()
            self.wfile.write(b" " * (MAX_JWKS_BYTES + 1))
            self.wfile.flush()
            release.wait(30)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/keys"
    try:
        fetch = https_jwks_fetcher(url, allow_insecure_loopback=True, timeout_seconds=5)
        with pytest.raises(SigningKeysUnavailableError) as refused:
            fetch()
        assert str(refused.value) == "Signing key set is larger than allowed."
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def test_a_key_set_of_the_largest_allowed_size_is_read_whole():
    document = b'{"keys": []}'
    body = b" " * (MAX_JWKS_BYTES - len(document)) + document
    with plain_http(200, body, {}) as url:
        assert https_jwks_fetcher(url, allow_insecure_loopback=True)() == {"keys": []}


def test_a_key_server_that_never_answers_times_out():
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/keys"
        fetch = https_jwks_fetcher(url, allow_insecure_loopback=True, timeout_seconds=0.2)
        with pytest.raises(SigningKeysUnavailableError, match="timed out"):
            fetch()


def test_plain_http_needs_the_explicit_flag_even_on_loopback():
    with pytest.raises(AuthConfigurationError) as refused:
        check_jwks_url("http://127.0.0.1:8080/keys")
    assert str(refused.value) == "JWKS URL must be https: 'http://127.0.0.1:8080/keys'"


def test_a_host_name_other_than_localhost_is_no_loopback():
    with pytest.raises(AuthConfigurationError):
        check_jwks_url("http://keys.example/keys", allow_insecure_loopback=True)


def test_a_body_that_is_not_json_is_unavailable_keys():
    with plain_http(200, b"<html>", {"Content-Type": "text/html"}) as url:
        fetch = https_jwks_fetcher(url, allow_insecure_loopback=True)
        with pytest.raises(SigningKeysUnavailableError):
            fetch()


class FlakyFetch:
    """A key set fetch that fails while `down` is true and counts its calls."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.down = False
        self.calls = 0

    def __call__(self) -> dict[str, Any]:
        self.calls += 1
        if self.down:
            raise SigningKeysUnavailableError("endpoint down")
        return {"keys": self.keys}


def test_first_fetch_failure_is_unavailable_and_not_retried_at_once(clock, signing_key):
    fetch = FlakyFetch([signing_key.jwk()])
    fetch.down = True
    cache = JwksCache(fetch, clock=clock)

    for _ in range(3):
        with pytest.raises(SigningKeysUnavailableError):
            cache.signing_key("key-1")
    assert fetch.calls == 1
    fetch.down = False
    clock.now += 60
    assert cache.signing_key("key-1").key_id == "key-1"


def test_cached_keys_outlive_a_failed_refresh(clock, signing_key):
    fetch = FlakyFetch([signing_key.jwk()])
    cache = JwksCache(fetch, ttl_seconds=10, clock=clock)
    cache.signing_key("key-1")
    fetch.down = True
    clock.now += 3600

    assert cache.signing_key("key-1").key_id == "key-1"
    assert fetch.calls == 2


def test_keys_other_than_rsa_signing_keys_are_skipped(clock, signing_key):
    encryption = {**SigningKey(kid="enc").jwk(), "use": "enc"}
    ec = {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"}
    cache = JwksCache(lambda: {"keys": [encryption, ec, signing_key.jwk(), "junk"]}, clock=clock)

    assert cache.signing_key("key-1").key_id == "key-1"
    with pytest.raises(AuthenticationError):
        cache.signing_key("enc")


def test_a_key_set_without_usable_keys_is_unavailable(clock):
    cache = JwksCache(lambda: {"keys": [{"kty": "oct", "kid": "h", "k": "c2VjcmV0"}]}, clock=clock)

    with pytest.raises(SigningKeysUnavailableError):
        cache.signing_key("h")


@pytest.mark.parametrize(("ttl", "interval"), [(0, 60), (10, -1)])
def test_cache_settings_are_checked(ttl, interval):
    with pytest.raises(ValueError, match="must be"):
        JwksCache(lambda: {}, ttl_seconds=ttl, min_refresh_interval_seconds=interval)


@pytest.mark.parametrize("document", [{}, {"keys": None}, {"keys": {"kid": "key-1"}}])
def test_a_key_set_without_a_list_of_keys_is_unavailable(clock, document):
    cache = JwksCache(lambda: document, clock=clock)

    with pytest.raises(SigningKeysUnavailableError) as unusable:
        cache.signing_key("key-1")
    assert str(unusable.value) == "Signing key set has no usable RSA signing key."


def test_a_signing_key_need_not_say_what_it_is_for(clock, signing_key):
    unmarked = {k: v for k, v in signing_key.jwk().items() if k != "use"}
    cache = JwksCache(lambda: {"keys": [unmarked]}, clock=clock)

    assert cache.signing_key("key-1").key_id == "key-1"


def test_an_unusable_rsa_key_is_skipped_and_logged(clock, signing_key, caplog):
    """One malformed key in the tenant's set must not lock every caller out."""
    broken = {"kty": "RSA", "kid": "broken", "n": "!", "e": "AQAB"}
    cache = JwksCache(lambda: {"keys": [broken, signing_key.jwk()]}, clock=clock)

    with caplog.at_level("WARNING", logger="core.auth.jwks"):
        assert cache.signing_key("key-1").key_id == "key-1"
    assert [r.getMessage() for r in caplog.records] == ["Skipping unusable signing key 'broken'"]


def test_without_keys_and_before_the_next_attempt_keys_are_not_available_yet(clock, signing_key):
    fetch = FlakyFetch([signing_key.jwk()])
    fetch.down = True
    cache = JwksCache(fetch, clock=clock)
    with pytest.raises(SigningKeysUnavailableError, match="endpoint down"):
        cache.signing_key("key-1")

    with pytest.raises(SigningKeysUnavailableError) as waiting:
        cache.signing_key("key-1")
    assert str(waiting.value) == "Signing keys are not available yet."


def test_a_failed_refresh_is_logged_with_its_cause(clock, signing_key, caplog):
    fetch = FlakyFetch([signing_key.jwk()])
    cache = JwksCache(fetch, ttl_seconds=10, clock=clock)
    cache.signing_key("key-1")
    fetch.down = True
    clock.now += 60

    with caplog.at_level("WARNING", logger="core.auth.jwks"):
        cache.signing_key("key-1")
    (record,) = caplog.records
    assert record.getMessage() == "Signing key refresh failed; keeping the cached keys"
    assert record.exc_info is not None
    assert "endpoint down" in str(record.exc_info[1])


def test_keys_are_refetched_exactly_when_the_ttl_has_run_out(clock, signing_key):
    fetch = FlakyFetch([signing_key.jwk()])
    cache = JwksCache(fetch, clock=clock)
    cache.signing_key("key-1")
    clock.now += 3599
    cache.signing_key("key-1")
    assert fetch.calls == 1
    clock.now += 1
    cache.signing_key("key-1")
    assert fetch.calls == 2


@pytest.mark.parametrize(("ttl", "interval"), [(0.5, 0), (1, 0.5)])
def test_short_cache_settings_are_allowed(clock, signing_key, ttl, interval):
    fetch = FlakyFetch([signing_key.jwk()])
    cache = JwksCache(fetch, ttl_seconds=ttl, min_refresh_interval_seconds=interval, clock=clock)
    cache.signing_key("key-1")
    clock.now += 1
    cache.signing_key("key-1")
    assert fetch.calls == 2


@pytest.mark.parametrize(
    ("ttl", "interval", "message"),
    [(0, 60, "ttl_seconds must be > 0"), (10, -1, "min_refresh_interval_seconds must be >= 0")],
)
def test_cache_settings_errors_name_the_setting(ttl, interval, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        JwksCache(lambda: {}, ttl_seconds=ttl, min_refresh_interval_seconds=interval)
