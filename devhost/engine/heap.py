"""Keep Python's cyclic garbage collector off the objects the host loaded before serving.

Once the app is imported (its modules, the SDK, pydantic's validators, the host itself: some
230,000 tracked objects), every full collection walks all of them: about 150 ms of CPU each,
a stall of the event loop that runs every episode. They live as long as the process, so the
engine freezes them once, at its first start: later full collections walk only what was made
since. Nothing a collection would free is kept: a collection runs first.
"""

from __future__ import annotations

import gc

_frozen = False


def freeze_loaded_objects() -> None:
    """Collect once, then exempt every object alive now from later collections; only the
    first call in a process does anything."""
    global _frozen
    if _frozen:
        return
    gc.collect()
    gc.freeze()
    _frozen = True
