"""Phrases for JSON records the way a person would read them out: a record's id and name, then
its telling fields with their units ("SEG-028 本町通り: congestion heavy, average speed
13.3 km/h"), knowing nothing of the tool that returned them."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

ID_SUFFIXES = ("_id", "_number", "_no", "_code")
ID_KEYS = frozenset({"id", "sku", "code", "key", "number"})
LABEL_KEYS = ("name", "title", "subject", "label", "display_name")
# Fields of prose, said after everything shorter unless the request names them.
PROSE_KEYS = frozenset({"description", "summary", "details", "notes", "comment", "body"})
# A unit a field name ends with, and how its value is written.
UNITS: dict[str, str] = {
    "_jpy": "¥{:,}",
    "_yen": "¥{:,}",
    "_usd": "${:,}",
    "_eur": "€{:,}",
    "_kmh": "{} km/h",
    "_km": "{} km",
    "_min": "{} min",
    "_minutes": "{} min",
    "_hours": "{} h",
    "_days": "{} days",
    "_pct": "{}%",
    "_percent": "{}%",
    "_db": "{} dB",
    "_kg": "{} kg",
}
_ENUM_LIKE = re.compile(r"^[a-z][a-z0-9_]{0,23}$")
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_.:/-]{1,31}$")
_WORD = re.compile(r"[a-z0-9]+")
SHORT_TEXT = 40
_STEM = 5
MAX_TEXT = 80
MAX_NESTED = 3


@dataclass(frozen=True)
class Reading:
    """What a description may use from the request: its text (fields it names come first)
    and whether the answer is in English (then an `_en` name is preferred).

    A reading remembers what it found for each key and value, so describing many records
    with the same fields reads the request once per field, not once per record."""

    request: str
    english: bool = True
    _stems: frozenset[str] = field(init=False, repr=False, compare=False)
    _folded: str | None = field(init=False, repr=False, compare=False)
    _named: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)
    _mentioned: dict[str, bool] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The beginnings a key's word may share with a word of the request.
        words = [w for w in _WORD.findall(self.request.casefold()) if len(w) >= 3]
        stems = frozenset(w[:size] for w in words for size in range(3, _STEM + 1))
        object.__setattr__(self, "_stems", stems)
        # Case-insensitive matching of Latin text in a Latin request is plain ASCII folding.
        ascii_only = self.request.isascii()
        object.__setattr__(self, "_folded", self.request.lower() if ascii_only else None)

    def names(self, key: str) -> bool:
        """True when the request names the field: a word of the request starts like one of
        the key's words ("congested" names `congestion`)."""
        found = self._named.get(key)
        if found is None:
            parts = key.casefold().split("_")
            found = any(p[:_STEM] in self._stems for p in parts if len(p) >= 3)
            self._named[key] = found
        return found

    def names_all(self, key: str) -> bool:
        """True when the request names every word of the key (a flag it asked for:
        "below their reorder point" names `below_reorder_point`)."""
        parts = [part for part in key.split("_") if len(part) >= 3]
        return bool(parts) and all(self.names(part) for part in parts)

    def mentions(self, value: Any) -> bool:
        """True when the request contains the value (a whole word for Latin text)."""
        if not isinstance(value, str) or len(value) < 2:
            return False
        found = self._mentioned.get(value)
        if found is None:
            found = self._contains(value)
            self._mentioned[value] = found
        return found

    def mentioned(self, values: Iterable[Any]) -> set[str]:
        """The values the request contains (those `mentions` is true for)."""
        folded = self._folded
        return {
            value
            for value in values
            # An ASCII value not even a substring of an ASCII request is no mention: most
            # values of a tool's result are told apart here, without a look-up.
            if isinstance(value, str)
            and (folded is None or value.lower() in folded)
            and self.mentions(value)
        }

    def _contains(self, value: str) -> bool:
        if not value.isascii():
            return value in self.request
        if self._folded is not None and value.lower() not in self._folded:
            return False
        pattern = rf"(?<![A-Za-z0-9]){re.escape(value)}(?![A-Za-z0-9])"
        return re.search(pattern, self.request, re.IGNORECASE) is not None


@lru_cache(maxsize=4096)
def is_identifier(key: str) -> bool:
    """True for a field that identifies its record (`id`, `sku`, `order_id`, `po_number`)."""
    folded = key.casefold()
    return folded in ID_KEYS or folded.endswith(ID_SUFFIXES)


def head_keys(record: dict[str, Any], reading: Reading) -> list[str]:
    """The fields that name the record: its first identifier and its name or title (the
    English one in an English answer); empty when it has neither."""
    keys = [k for k, v in record.items() if is_identifier(k) and _scalar(v)][:1]
    if not keys:
        # A record without an id (a warehouse's stock line) is named by its first short,
        # code-like value ("OSK-01").
        keys = [k for k, v in record.items() if isinstance(v, str) and _CODE.match(v)][:1]
    label = _label_key(record, reading)
    return keys + ([label] if label is not None and label not in keys else [])


def _title(record: dict[str, Any], keys: list[str]) -> str:
    """The record's id and name ("SKU-10001 Chip resistor"), or "" when it has neither."""
    return " ".join(_clip(str(record[k])) for k in keys)


def record_phrase(
    record: dict[str, Any], reading: Reading, *, limit: int, skip: frozenset[str] = frozenset()
) -> str:
    """The record's head, then up to `limit` of its fields: those the request names, then
    states (short lower-case values such as `heavy` or `in_progress`), numbers, other short
    values and nested records, written in the record's own order."""
    named = head_keys(record, reading)
    title = _title(record, named)
    # The other-language twin of the name (`name` beside `name_en`) says the same again.
    used = set(skip) | set(named) | {k.removesuffix("_en") for k in named}
    # The first short text (a segment's road) says more than numbers; later ones say less.
    first_text = True
    ranked = []
    for index, (key, value) in enumerate(record.items()):
        if key in used or (rank := _rank(key, value, reading)) is None:
            continue
        if rank == 4 and first_text:
            first_text = False
            rank = 2
        ranked.append((rank, index, key))
    ranked.sort()
    chosen = sorted(ranked[:limit], key=lambda item: item[1])
    fields = [field_phrase(key, record[key], reading) for _, _, key in chosen]
    body = ", ".join(f for f in fields if f)
    if title and body:
        return f"{title}: {body}"
    return title or body


def field_phrase(key: str, value: Any, reading: Reading) -> str:
    """One field as words: "average speed 13.3 km/h", "below reorder point: yes", "stock: …"."""
    name, unit = _name_and_unit(key)
    if isinstance(value, bool):
        return f"{name}: {'yes' if value else 'no'}"
    if isinstance(value, int | float):
        return f"{name} {unit.format(value) if unit else value}"
    if isinstance(value, str):
        return f"{name} {_clip(value)}"
    if isinstance(value, dict):
        inner = record_phrase(value, reading, limit=MAX_NESTED)
        return f"{name} ({inner})" if inner else ""
    if isinstance(value, list):
        count = f" ({len(value)})" if len(value) > 1 else ""
        return f"{name}{count}: {list_phrase(value, reading)}"
    return ""


def list_phrase(items: list[Any], reading: Reading) -> str:
    """A nested list: its scalars, or its first records in short, and how many more."""
    if not items:
        return "none"
    shown = items[:MAX_NESTED]
    shared = shared_keys([item for item in items if isinstance(item, dict)])
    parts = [
        record_phrase(item, reading, limit=2, skip=shared)
        if isinstance(item, dict)
        else _clip(str(item))
        for item in shown
    ]
    more = f" and {len(items) - len(shown)} more" if len(items) > len(shown) else ""
    return "; ".join(parts) + more


def shared_keys(records: list[dict[str, Any]]) -> frozenset[str]:
    """Fields with one value across several records (the district every segment is in):
    said once, by the request or the tool's arguments, not again for each record."""
    if len(records) < 2:
        return frozenset()
    first = records[0]
    return frozenset(
        k
        for k, v in first.items()
        if not isinstance(v, dict | list) and all(r.get(k) == v for r in records[1:])
    )


def humanize(key: str) -> str:
    """A field name as words: `average_speed_kmh` -> "average speed"."""
    return _name_and_unit(key)[0]


def _rank(key: str, value: Any, reading: Reading) -> int | None:
    if value is None or value == "":
        return None
    if reading.names(key):
        return 0
    if key.casefold() in PROSE_KEYS:
        return 6
    if isinstance(value, str):
        if _ENUM_LIKE.match(value):
            return 1
        return 4 if len(value) <= SHORT_TEXT else 6
    if isinstance(value, bool | int | float):
        return 3
    return 5


def _label_key(record: dict[str, Any], reading: Reading) -> str | None:
    named = [k for k in record if k.endswith("_name")]
    for key in (*LABEL_KEYS, *named):
        english = f"{key}_en"
        if reading.english and isinstance(record.get(english), str) and record[english]:
            return english
        if isinstance(record.get(key), str) and record[key]:
            return key
    return None


@lru_cache(maxsize=4096)
def _name_and_unit(key: str) -> tuple[str, str]:
    folded = key.casefold()
    for suffix, unit in UNITS.items():
        if folded.endswith(suffix) and len(folded) > len(suffix):
            return folded.removesuffix(suffix).replace("_", " "), unit
    return folded.replace("_", " "), ""


def _scalar(value: Any) -> bool:
    return isinstance(value, str | int) and not isinstance(value, bool) and value != ""


def _clip(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MAX_TEXT else flat[: MAX_TEXT - 1] + "…"
