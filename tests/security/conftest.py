"""The security suite's world: the app under devhost with authentication on (a stand-in Entra
tenant whose keys are served over HTTPS on loopback) and keys enforced, four signed-in people
(two Operators, an Approver, an Admin) and an attacker who also holds the Durable system key.

Every attack is recorded in the `ledger` (tried, succeeded) and every response of the suite is
counted by status; the totals are printed at the end of the run.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest

from tests.apphost import AppHost, running_app
from tests.unit.core.auth.fake_entra import (
    AUDIENCE,
    TENANT,
    SigningKey,
    claims,
    mint,
    self_signed_certificate,
    serve_jwks,
)

KEY = SigningKey(kid="security-suite-key")
WEBHOOK = "/runtime/webhooks/durabletask"
MCP_PATH = "/runtime/webhooks/mcp"
MCP_KEY = "security-suite-mcp-key"
SETTINGS = {
    "AUTH_ENABLED": "true",
    "AUTH_TENANT_ID": TENANT,
    "AUTH_AUDIENCE": AUDIENCE,
    "DEVHOST_MCP_KEY": MCP_KEY,
    "MAX_AGENT_STEPS": "4",
    "DEFAULT_BUDGET_TOKENS": "20000",
    "APPROVAL_TIMEOUT_SECONDS": "600",
    # Slow enough model calls that a run can be caught while its agents work.
    "OFFLINE_MODEL_LATENCY_MS": "250",
    "WORKFLOW_SIGNING_KEY": "security-suite-signing-key-0123456789abcdef",
}
TWO_AGENT_QUERY = (
    "What is the status of order ORD-2025-00012 for customer CUST-0028, and is SKU-10001 in stock?"
)


@dataclass(frozen=True)
class Person:
    """A signed-in caller: object id, name and app roles."""

    oid: str
    name: str
    roles: tuple[str, ...]

    def token(self) -> str:
        """A valid bearer token of this person from the stand-in tenant."""
        return mint(KEY, claims(oid=self.oid, name=self.name, roles=list(self.roles)))


ADA = Person("00000000-0000-0000-0000-0000000000a1", "Ada Operator", ("Coordinator.Operator",))
BOB = Person("00000000-0000-0000-0000-0000000000b2", "Bob Operator", ("Coordinator.Operator",))
CAROL = Person("00000000-0000-0000-0000-0000000000c3", "Carol Approver", ("Coordinator.Approver",))
DAN = Person("00000000-0000-0000-0000-0000000000d4", "Dan Admin", ("Coordinator.Admin",))


@dataclass
class Ledger:
    """Attacks tried and those that succeeded; every response status seen."""

    attacks: list[tuple[str, bool]] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    server_errors: list[str] = field(default_factory=list)

    def attack(self, name: str, succeeded: bool) -> bool:
        """Record one attack; returns whether it was stopped."""
        self.attacks.append((name, succeeded))
        return not succeeded

    def saw(self, response: httpx.Response) -> None:
        """Count a response (5xx are kept by request)."""
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            self.server_errors.append(f"{response.request.method} {response.request.url}")


LEDGER = Ledger()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Print the suite's numbers: attacks tried, attacks that succeeded, 5xx answers."""
    if not LEDGER.statuses and not LEDGER.attacks:
        return
    succeeded = [name for name, won in LEDGER.attacks if won]
    fives = sum(n for status, n in LEDGER.statuses.items() if status >= 500)
    terminalreporter.section("security suite")
    terminalreporter.write_line(
        f"attacks tried: {len(LEDGER.attacks)}; attacks that succeeded: {len(succeeded)}; "
        f"responses: {sum(LEDGER.statuses.values())}; 5xx responses: {fives}"
    )
    for name in succeeded[:20]:
        terminalreporter.write_line(f"  succeeded: {name}")
    for request in LEDGER.server_errors[:20]:
        terminalreporter.write_line(f"  5xx: {request}")


@pytest.fixture(scope="session")
def ledger() -> Ledger:
    return LEDGER


@pytest.fixture(scope="session")
def app_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[AppHost]:
    """The app under devhost: authentication on against the stand-in tenant, keys enforced."""
    folder = tmp_path_factory.mktemp("security-tenant")
    certificate = self_signed_certificate(folder)
    with serve_jwks(certificate, [KEY.jwk()]) as jwks:
        settings = {**SETTINGS, "AUTH_JWKS_URL": jwks.url, "SSL_CERT_FILE": str(certificate[0])}
        state = tmp_path_factory.mktemp("security")
        with running_app(state, enforce_keys=True, settings=settings) as host:
            yield host


def client(host: AppHost, person: Person | None, key: str | None) -> httpx.Client:
    """A client of the host as `person` (no token when None) sending `key` (none when None);
    every response is counted in the ledger."""
    headers = {}
    if person is not None:
        headers["Authorization"] = f"Bearer {person.token()}"
    if key is not None:
        headers["x-functions-key"] = key
    return httpx.Client(
        base_url=host.url,
        headers=headers,
        timeout=60,
        event_hooks={"response": [LEDGER.saw]},
    )


@pytest.fixture(scope="session")
def as_person(app_host: AppHost) -> Iterator[Any]:
    """`as_person(person, key="function")`: a client of that person with that host key."""
    made: list[httpx.Client] = []

    def make(person: Person | None, key: str | None = "function") -> httpx.Client:
        made.append(client(app_host, person, app_host.keys[key] if key else None))
        return made[-1]

    yield make
    for each in made:
        each.close()


@pytest.fixture(scope="session")
def attacker(app_host: AppHost) -> Iterator[httpx.Client]:
    """Whoever got hold of the Durable system key, with no bearer token."""
    with client(app_host, None, app_host.keys["system"]) as http:
        yield http


def start_run(http: httpx.Client, **request: Any) -> str:
    """Start a coordinator run through the app as `http`'s person; its workflow id."""
    answer = http.post("/api/orchestrators/coordinator", json=request)
    assert answer.status_code == 202, answer.text
    return str(answer.json()["id"])


def webhook_status(attacker: httpx.Client, instance_id: str) -> dict[str, Any]:
    """An instance's status through the Durable webhook (system key), with its input."""
    answer = attacker.get(f"{WEBHOOK}/instances/{instance_id}", params={"showInput": "true"})
    assert answer.status_code in (200, 202), answer.text
    return dict(answer.json())


def wait_for_status(
    attacker: httpx.Client, instance_id: str, done: Any, timeout: float = 60.0
) -> dict[str, Any]:
    """The webhook status of the instance once `done(status)` holds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = attacker.get(f"{WEBHOOK}/instances/{instance_id}", params={"showInput": "true"})
        if answer.status_code in (200, 202):
            status = dict(answer.json())
            if done(status):
                return status
        assert time.monotonic() < deadline, f"{instance_id} never got there: {answer.text}"
        time.sleep(0.1)


def finished(status: dict[str, Any]) -> bool:
    return status["runtimeStatus"] not in ("Pending", "Running", "Suspended")


def decoded(value: Any) -> Any:
    """A status field that may arrive as the JSON text of its value."""
    return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value


def output_of(status: dict[str, Any]) -> Any:
    """The instance's output."""
    return decoded(status.get("output"))
