"""The shape of a conversation thread id, shared by requests and the stored turns."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

ThreadId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=128,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
        description="A conversation id: letters, digits, '.', '_' and '-', at most 128.",
    ),
]
