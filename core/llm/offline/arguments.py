"""Fill a tool's arguments from a user's text, guided by the tool's JSON schema."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# String parameters that take the user's words as they are (a search query, a question).
FREE_TEXT_PARAMETERS = frozenset(
    {"query", "q", "question", "text", "message", "prompt", "keywords"}
)
_EDGE = r"(?<![A-Za-z0-9]){}(?![A-Za-z0-9])"
_QUOTED = re.compile(r"'([^'\s]{3,60})'|\"([^\"\s]{3,60})\"")
_SEPARATOR = re.compile(r"[/_:-]")
_RUNS = re.compile(r"[A-Z][a-z]*|[a-z]+|[0-9]+|[^A-Za-z0-9]")
_VALUE_SEPARATOR = re.compile(r"[\s_-]+")
# Japanese words for enum values the shipped tools take, so a request in Japanese that asks
# for a change fills the same arguments as one in English.
JAPANESE_ENUM_WORDS: dict[str, tuple[str, ...]] = {
    "resolved": ("解決済み", "解決"),
    "closed": ("クローズ", "完了"),
    "in_progress": ("対応中",),
    "urgent": ("緊急",),
}


@dataclass(frozen=True)
class FilledArguments:
    """Arguments for one tool call, and how many were found in the text by a schema
    `pattern` or a mentioned `enum` value (evidence the tool fits the text)."""

    values: dict[str, Any]
    matched: int


def fill_arguments(parameters: dict[str, Any], text: str) -> FilledArguments | None:
    """Arguments for a tool whose JSON schema is `parameters`, taken from `text`.

    Each property gets, in order: a match of its `pattern` (or of the shape of the examples
    its description quotes), the `enum` value mentioned first, True for a flag whose name's
    words all appear in the text, the whole text for a free-text string (`query`,
    `question`, ...) when nothing else was found in the text (an id says more than the
    sentence around it), or its `default`. Returns None when a required property gets nothing.
    """
    required = set(parameters.get("required", []))
    values: dict[str, Any] = {}
    free_text: list[str] = []
    matched = 0
    folded = _ascii_folded(text)
    for name, raw in parameters.get("properties", {}).items():
        schema = _resolve(raw, parameters)
        value = _match(schema, parameters, text, folded)
        if value is None and schema.get("type") == "boolean" and _named_in(name, text):
            value = True
        if value is not None:
            values[name] = value
            matched += 1
        elif name in FREE_TEXT_PARAMETERS and _fits(schema, text.strip()):
            free_text.append(name)
        elif schema.get("default") is not None:
            # A null default is what leaving the argument out means; sending it adds nothing.
            values[name] = schema["default"]
        elif name in required:
            return None
    for name in free_text:
        if matched == 0 or name in required:
            values[name] = text.strip()
    return FilledArguments(values, matched)


def _named_in(name: str, text: str) -> bool:
    """True when every word of a snake_case name appears in the text."""
    words = [w for w in name.split("_") if w]
    return bool(words) and all(
        re.search(_EDGE.format(re.escape(word)), text, re.IGNORECASE) for word in words
    )


def identifies_only(parameters: dict[str, Any]) -> bool:
    """True for a look-up tool: every argument is an optional identifier (it has a `pattern`
    and no default), so calling it with none of them found in the text cannot succeed."""
    properties = parameters.get("properties", {})
    if not properties:
        return False
    for raw in properties.values():
        schema = _resolve(raw, parameters)
        if "pattern" not in schema or raw.get("default", schema.get("default")) is not None:
            return False
    return True


def _fits(schema: dict[str, Any], text: str) -> bool:
    """True when `text` is a valid value of a free-text string property."""
    return schema.get("type") == "string" and 0 < len(text) <= schema.get("maxLength", len(text))


def _resolve(schema: dict[str, Any], root: dict[str, Any]) -> dict[str, Any]:
    """The schema with a local `$ref` followed and an optional (`anyOf` with null) unwrapped."""
    merged = dict(schema)
    ref = merged.pop("$ref", None)
    if isinstance(ref, str) and ref.startswith("#/"):
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        merged = {**_resolve(target, root), **merged}
    for key in ("anyOf", "oneOf"):
        branches = merged.pop(key, None)
        if branches:
            usable = [b for b in branches if b.get("type") != "null"]
            if usable:
                merged = {**_resolve(usable[0], root), **merged}
    return merged


def _ascii_folded(text: str) -> str | None:
    """The text lower-cased when it is ASCII (then a case-insensitive match of an ASCII
    value in it is a plain substring of it), else None."""
    return text.lower() if text.isascii() else None


def _match(schema: dict[str, Any], root: dict[str, Any], text: str, folded: str | None) -> Any:
    """The value the text gives this property, or None."""
    if schema.get("type") == "array":
        items = _resolve(schema.get("items", {}), root)
        found = _all_pattern_matches(items, text) or _mentioned_enum_values(items, text, folded)
        return found or None
    if "pattern" in schema:
        matches = _all_pattern_matches(schema, text)
        if matches:
            return matches[0]
    mentioned = _mentioned_enum_values(schema, text, folded)
    if mentioned:
        return mentioned[0]
    shaped = _all_pattern_matches({**schema, "pattern": _example_shape(schema)}, text)
    return shaped[0] if shaped else None


def _example_shape(schema: dict[str, Any]) -> str | None:
    """A pattern of values shaped like the structured examples a string property's
    description quotes (e.g. 'America/New_York' gives `[A-Z][a-z]+/[A-Z][a-z]+_[A-Z][a-z]+`);
    examples without a separator (/, _, -, :) are too common a shape to tell values by."""
    if schema.get("type") != "string" or "pattern" in schema or "enum" in schema:
        return None
    return _description_shape(str(schema.get("description", "")))


@lru_cache(maxsize=1024)
def _description_shape(description: str) -> str | None:
    """`_example_shape` of a string property with this description, worked out once."""
    examples = [m.group(1) or m.group(2) for m in _QUOTED.finditer(description)]
    shapes = {_shape(example) for example in examples if _SEPARATOR.search(example)}
    return "|".join(sorted(shapes, key=lambda shape: (-len(shape), shape))) or None


def _shape(example: str) -> str:
    parts = []
    for run in _RUNS.findall(example):
        if run[0].isupper():
            parts.append("[A-Z]" + ("[a-z]+" if len(run) > 1 and run[1:].islower() else "[A-Z]*"))
        elif run[0].islower():
            parts.append("[a-z]+")
        elif run[0].isdigit():
            parts.append("[0-9]+")
        else:
            parts.append(re.escape(run))
    return "".join(parts)


def _all_pattern_matches(schema: dict[str, Any], text: str) -> list[Any]:
    pattern = schema.get("pattern")
    if not isinstance(pattern, str):
        return []
    regex = _in_text(pattern)
    if regex is None:
        return []
    found: list[Any] = []
    for match in regex.finditer(text):
        value = _coerce(match.group(0), schema.get("type"))
        if value is not None and value not in found:
            found.append(value)
    return found


@lru_cache(maxsize=1024)
def _in_text(pattern: str) -> re.Pattern[str] | None:
    """A schema's `pattern` as a regex of one word in free text; None when it is invalid."""
    # The schema anchors the whole value; in free text the value is one word among many.
    body = pattern.removeprefix("^")
    if body.endswith("$") and not body.endswith("\\$"):
        body = body[:-1]
    try:
        return re.compile(_EDGE.format(f"(?:{body})"))
    except re.error:
        return None


def _coerce(value: str, json_type: Any) -> Any:
    try:
        if json_type == "integer":
            return int(value)
        if json_type == "number":
            return float(value)
    except ValueError:
        return None
    return value


def _mentioned_enum_values(schema: dict[str, Any], text: str, folded: str | None) -> list[Any]:
    """Enum values the text mentions, in the order they appear in it; `folded` is
    `_ascii_folded(text)`."""
    positions: list[tuple[int, int, Any]] = []
    for order, value in enumerate(schema.get("enum", [])):
        found = [
            _position(word, text, folded)
            for word in (str(value), *JAPANESE_ENUM_WORDS.get(value, ()))
        ]
        position = min((p for p in found if p is not None), default=None)
        if position is not None:
            positions.append((position, order, value))
    return [value for _, _, value in sorted(positions)]


def _position(value: str, text: str, folded: str | None) -> int | None:
    if not value:
        return None
    if not value.isascii():
        index = text.find(value)
        return None if index < 0 else index
    if folded is not None and not all(part in folded for part in _folded_parts(value)):
        # A word of the value missing from an ASCII text: the search below cannot match.
        return None
    match = _value_in_text(value).search(text)
    return None if match is None else match.start()


@lru_cache(maxsize=1024)
def _folded_parts(value: str) -> tuple[str, ...]:
    """The lower-cased words of a Latin enum value, each of which a mention contains."""
    return tuple(part.lower() for part in _VALUE_SEPARATOR.split(value))


@lru_cache(maxsize=1024)
def _value_in_text(value: str) -> re.Pattern[str]:
    """A regex of a Latin enum value as a word of free text, in any case."""
    # "in_progress" is also mentioned as "in progress" or "in-progress".
    words = r"[\s_-]".join(re.escape(part) for part in _VALUE_SEPARATOR.split(value))
    return re.compile(_EDGE.format(words), re.IGNORECASE)
