"""One A2A request as the Functions trigger hands it to the SDK's routes: the Durable client
of the invocation, the caller's headers, and the HTTP failure (401, 403, 503) that replaces the
SDK's answer.

The SDK answers every failure inside a handler in the binding's error shape (a JSON-RPC error
with HTTP 200, or a `google.rpc.Status` with the A2A error's status) and has no error for a
refused caller or an unreachable backend. So the handler records such a failure here and
stops; the trigger then answers with its status instead of the SDK's answer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

import azure.durable_functions as df
from a2a.utils.errors import InternalError

from core.auth import AuthError, Principal
from triggers.a2a.errors import translate
from triggers.shared.callers import authorize
from triggers.shared.errors import DURABLE_TRANSPORT_ERRORS, ApiError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class HttpFailure:
    """A failure answered with its own HTTP status: `message` for the caller, `headers` (a
    Bearer challenge) to go with it."""

    status: int
    message: str
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_auth(cls, exc: AuthError) -> HttpFailure:
        """401 or 403 for a refused caller; server-side failures say only that authentication
        is unavailable (the detail is logged)."""
        if exc.status_code >= 500:
            log.error("Authentication failed on the server side: %s", exc.description)
            return cls(exc.status_code, "Authentication is unavailable.")
        challenge = exc.www_authenticate()
        return cls(
            exc.status_code, exc.description, {"WWW-Authenticate": challenge} if challenge else {}
        )


@dataclass
class Invocation:
    """The request being answered."""

    client: df.DurableOrchestrationClient
    headers: Mapping[str, str]
    failure: HttpFailure | None = None

    async def caller(self, *roles: str) -> Principal:
        """The verified caller if it holds one of `roles`; otherwise the refusal is recorded
        and the SDK stopped with an error."""
        try:
            return await authorize(self.headers, *roles)
        except AuthError as exc:
            self.failure = HttpFailure.of_auth(exc)
            raise InternalError(message=self.failure.message) from None

    @contextmanager
    def backend(self) -> Iterator[None]:
        """Calls of the Durable backend and the shared workflow code: an unreachable backend is
        recorded (503), an API error becomes its A2A error."""
        try:
            yield
        except DURABLE_TRANSPORT_ERRORS as exc:
            log.warning("Durable backend unreachable in an A2A call: %r", exc)
            self.failure = HttpFailure(503, f"The Durable backend did not answer: {exc!r}")
            raise InternalError(message=self.failure.message) from None
        except ApiError as exc:
            raise translate(exc) from None


_CURRENT: ContextVar[Invocation] = ContextVar("a2a_invocation")


def current() -> Invocation:
    """The request being answered (set by the trigger around the SDK's routes)."""
    return _CURRENT.get()


@contextmanager
def answering(invocation: Invocation) -> Iterator[Invocation]:
    """Make `invocation` the current one while the SDK's routes answer it."""
    token = _CURRENT.set(invocation)
    try:
        yield invocation
    finally:
        _CURRENT.reset(token)
