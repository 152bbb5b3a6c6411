"""The shape of a conversation thread id, shared by requests and the stored turns."""

from __future__ import annotations

import re
import uuid
from typing import Annotated

from pydantic import Field

THREAD_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$"
THREAD_IDS = uuid.UUID("0f7d4c52-8a4e-4b57-9a35-3c1a1f6f2b0e")
"""Namespace of the thread ids derived from other conversation ids."""

ThreadId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=THREAD_ID_PATTERN,
        description="A conversation id: letters, digits, '.', '_' and '-', at most 128.",
    ),
]


def is_thread_id(text: str) -> bool:
    """Whether `text` can be a thread id (THREAD_ID_PATTERN)."""
    return re.fullmatch(THREAD_ID_PATTERN, text) is not None


def thread_id_for(conversation: str) -> str:
    """The thread id of a conversation id from elsewhere (an A2A `contextId`): the id itself
    when it is a valid thread id, else a stable id derived from it."""
    if is_thread_id(conversation):
        return conversation
    return f"ctx-{uuid.uuid5(THREAD_IDS, conversation).hex}"
