"""What a client's message asks for: a new coordinator request, or a decision on the plan a
task waits for.

A request is its text parts (joined into the query) plus, optionally, a data part with any
`CoordinatorRequest` field (`query`, `query_type`, `context`, `budget_tokens`,
`require_approval`). A decision is a data part
`{"approved", "comment", "digest", "approver", "approval_id"}` or a text that starts with
approve or deny (or 承認, 却下; the text is the comment).
"""

from __future__ import annotations

import re
from typing import Any

from a2a.types import Message
from a2a.utils.errors import ContentTypeNotSupportedError
from google.protobuf.json_format import MessageToDict
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from triggers.a2a.errors import invalid_params

APPROVE_WORDS = frozenset({"approve", "approved", "yes", "ok", "accept"})
DENY_WORDS = frozenset({"deny", "denied", "no", "reject", "rejected"})
# Japanese runs words together, so these count as a prefix of the text.
APPROVE_PREFIXES = ("承認",)
DENY_PREFIXES = ("却下", "拒否")
_FIRST_WORD = re.compile(r"^\W*(\w+)")


class Decision(BaseModel):
    """A decision a client sends on the plan its task shows."""

    model_config = ConfigDict(extra="forbid")

    approved: bool
    comment: str = Field("", max_length=1000)
    digest: str | None = None
    approver: str | None = None
    approval_id: str | None = None
    """The approval to decide (`pendingApprovals[].approval_id`); default the oldest waiting."""


def _texts_and_data(message: Message) -> tuple[list[str], list[dict[str, Any]]]:
    texts: list[str] = []
    data: list[dict[str, Any]] = []
    for index, part in enumerate(message.parts):
        kind = part.WhichOneof("content")
        if kind == "text":
            texts.append(part.text)
        elif kind == "data" and part.data.WhichOneof("kind") == "struct_value":
            data.append(MessageToDict(part.data.struct_value))
        elif kind == "data":
            raise invalid_params(f"message.parts[{index}].data", "must be an object")
        else:
            raise ContentTypeNotSupportedError(
                message=f"message.parts[{index}]: {kind or 'empty'} parts are not supported; "
                "send text or data"
            )
    return texts, data


def request_of(message: Message) -> dict[str, Any]:
    """The CoordinatorRequest body a message asks for (validated when the run starts)."""
    texts, data = _texts_and_data(message)
    request: dict[str, Any] = {}
    for fields in data:
        request.update(fields)
    query = "\n".join(t for t in texts if t.strip())
    if query and "query" not in request:
        request["query"] = query
    if not str(request.get("query") or "").strip():
        raise invalid_params("message.parts", "send the question as a text part")
    return request


def decision_of(message: Message) -> Decision:
    """The decision a message sends; InvalidParamsError when it is none."""
    texts, data = _texts_and_data(message)
    if data:
        try:
            return Decision.model_validate({k: v for d in data for k, v in d.items()})
        except ValidationError as exc:
            error = exc.errors(include_url=False)[0]
            field = ".".join(str(p) for p in error["loc"]) or "data"
            raise invalid_params(f"message.parts.data.{field}", error["msg"]) from None
    text = " ".join(t.strip() for t in texts).strip()
    match = _FIRST_WORD.match(text.lower())
    word = match.group(1) if match else ""
    approves = word in APPROVE_WORDS or text.startswith(APPROVE_PREFIXES)
    if approves or word in DENY_WORDS or text.startswith(DENY_PREFIXES):
        return Decision(approved=approves, comment=text[:1000])
    raise invalid_params(
        "message.parts",
        'answer with a data part {"approved": true or false} '
        "or a text starting with approve or deny",
    )
