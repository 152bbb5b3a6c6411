"""Loading of the JSON data files a domain ships under `agents/<domain>/data/`."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, TypeAdapter

M = TypeVar("M", bound=BaseModel)


def load_records(path: Path, model: type[M]) -> list[M]:
    """The records of one data file, each validated into `model`."""
    return TypeAdapter(list[model]).validate_json(path.read_bytes())  # type: ignore[valid-type]


def index_by(records: list[M], key: str) -> dict[str, M]:
    """The records keyed by the value of their field `key`, which must be unique."""
    indexed = {str(getattr(record, key)): record for record in records}
    if len(indexed) != len(records):
        raise ValueError(f"{key} is not unique in the data")
    return indexed
