"""The engine's first start frees what is garbage and exempts what is alive from later
collections; later starts leave the collector alone."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from devhost.engine import heap


class Node:
    """An object that can sit in a reference cycle and be watched through a weak reference."""

    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def first_start(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(heap, "_frozen", False)
    yield
    gc.unfreeze()


def tracked(obj: object) -> bool:
    return any(o is obj for o in gc.get_objects())


@pytest.mark.usefixtures("first_start")
def test_first_call_collects_garbage_and_freezes_the_living() -> None:
    alive = Node()
    garbage = weakref.ref(Node())
    assert garbage() is not None

    heap.freeze_loaded_objects()

    assert garbage() is None
    assert gc.get_freeze_count() > 0
    assert not tracked(alive)


@pytest.mark.usefixtures("first_start")
def test_later_calls_neither_collect_nor_freeze() -> None:
    heap.freeze_loaded_objects()
    later = Node()
    garbage = weakref.ref(Node())

    heap.freeze_loaded_objects()

    # Not collected, and not frozen: what is made after the first start stays collectable.
    # (The freeze count is no witness: it drops whenever a frozen object is freed.)
    assert garbage() is not None
    assert tracked(later)
    gc.collect()
    assert garbage() is None
