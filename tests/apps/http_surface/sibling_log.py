"""Records what non-HTTP functions received, for tests to read back."""

import os
from pathlib import Path


def record(line: str) -> None:
    path = os.environ.get("HTTP_SURFACE_LOG")
    if path:
        with Path(path).open("a") as handle:
            handle.write(line + "\n")
