"""Length-prefixed pickled frames between devhost and its worker processes."""

from __future__ import annotations

import asyncio
import pickle
import struct
from typing import Any

_LENGTH = struct.Struct(">I")


def write_frame(writer: asyncio.StreamWriter, value: Any) -> None:
    """Queue one value on the stream as a frame (the caller drains)."""
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    writer.write(_LENGTH.pack(len(body)) + body)


async def read_frame(reader: asyncio.StreamReader) -> Any:
    """The next frame's value, or None once the other side has closed the stream."""
    try:
        header = await reader.readexactly(_LENGTH.size)
        return pickle.loads(await reader.readexactly(_LENGTH.unpack(header)[0]))
    except (asyncio.IncompleteReadError, ConnectionError):
        return None
