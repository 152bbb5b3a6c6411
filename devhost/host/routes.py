"""Route templates as ASP.NET Core (and so the Functions host) reads them.

Supports literal segments (matched ignoring case), `{name}`, optional `{name?}`, defaults
`{name=value}`, catch-all `{*rest}`, parameters mixed with literals in one segment
(`{name}.{ext}`) and inline constraints such as `{id:int}`, `{n:min(1)}`,
`{code:regex(^\\d{{3}}$)}`, `{s:alpha:length(2,8)}`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import unquote


class RouteTemplateError(ValueError):
    """Raised when a route template cannot be parsed."""

    def __init__(self, template: str, reason: str) -> None:
        self.template = template
        super().__init__(f"Invalid route template '{template}': {reason}")


def _int_in(bits: int) -> Callable[[str], bool]:
    limit = 2 ** (bits - 1)

    def check(value: str) -> bool:
        return re.fullmatch(r"-?\d+", value) is not None and -limit <= int(value) < limit

    return check


def _is_number(value: str) -> bool:
    try:
        Decimal(value)
    except InvalidOperation:
        return False
    return True


def _is_guid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _is_datetime(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


_SIMPLE: dict[str, Callable[[str], bool]] = {
    "int": _int_in(32),
    "long": _int_in(64),
    "bool": lambda v: v.lower() in ("true", "false"),
    "alpha": lambda v: re.fullmatch(r"[A-Za-z]+", v) is not None,
    "guid": _is_guid,
    "datetime": _is_datetime,
    "decimal": _is_number,
    "double": _is_number,
    "float": _is_number,
    "required": lambda v: v != "",
}


def _numbers(args: str) -> list[float]:
    return [float(a) for a in args.split(",")]


def _constraint(template: str, text: str) -> Callable[[str], bool]:
    """A predicate for one inline constraint such as `int`, `min(3)` or `regex(^a+$)`."""
    name, _, rest = text.partition("(")
    name = name.strip().lower()
    if not rest:
        if name not in _SIMPLE:
            raise RouteTemplateError(template, f"unknown constraint '{name}'")
        return _SIMPLE[name]
    args = rest[:-1] if rest.endswith(")") else rest
    if name == "regex":
        pattern = re.compile(args.replace("{{", "{").replace("}}", "}"), re.IGNORECASE)
        return lambda v: pattern.search(v) is not None
    bounds = _numbers(args)
    if name == "min":
        return lambda v: _is_number(v) and float(v) >= bounds[0]
    if name == "max":
        return lambda v: _is_number(v) and float(v) <= bounds[0]
    if name == "range":
        return lambda v: _is_number(v) and bounds[0] <= float(v) <= bounds[1]
    if name == "minlength":
        return lambda v: len(v) >= bounds[0]
    if name == "maxlength":
        return lambda v: len(v) <= bounds[0]
    if name == "length":
        low, high = (bounds[0], bounds[0]) if len(bounds) == 1 else (bounds[0], bounds[1])
        return lambda v: low <= len(v) <= high
    raise RouteTemplateError(template, f"unknown constraint '{name}'")


def _split_constraints(body: str) -> list[str]:
    """Split `name:c1:c2(args)` on colons that are outside parentheses."""
    parts, depth, current = [], 0, ""
    for char in body:
        if char == ":" and depth == 0:
            parts.append(current)
            current = ""
            continue
        depth += char == "("
        depth -= char == ")"
        current += char
    parts.append(current)
    return parts


@dataclass
class _Param:
    name: str
    optional: bool
    catch_all: bool
    default: str | None
    checks: list[Callable[[str], bool]] = field(default_factory=list)


def _tokens(template: str, segment: str) -> list[tuple[bool, str]]:
    """Split a segment into (is_parameter, text) pieces; `{{`/`}}` escape braces, and
    braces inside a constraint's parentheses belong to the constraint."""
    pieces: list[tuple[bool, str]] = []
    literal, i = "", 0
    while i < len(segment):
        if segment.startswith(("{{", "}}"), i):
            literal += segment[i]
            i += 2
        elif segment[i] == "{":
            depth, j = 0, i + 1
            while j < len(segment) and (segment[j] != "}" or depth > 0):
                depth += {"(": 1, ")": -1}.get(segment[j], 0)
                j += 1
            if j >= len(segment):
                raise RouteTemplateError(template, "unclosed '{'")
            if literal:
                pieces.append((False, literal))
                literal = ""
            pieces.append((True, segment[i + 1 : j]))
            i = j + 1
        else:
            literal += segment[i]
            i += 1
    if literal:
        pieces.append((False, literal))
    return pieces


def _parse_param(template: str, body: str) -> _Param:
    # `?` marks the parameter optional, after its constraints: `{id:int?}`.
    optional = body.endswith("?")
    name, *constraints = _split_constraints(body.removesuffix("?"))
    default = None
    if "=" in name:
        name, default = name.split("=", 1)
    catch_all = name.startswith("*")
    name = name.lstrip("*")
    optional = optional or name.endswith("?")
    name = name.rstrip("?")
    if not re.fullmatch(r"\w+", name):
        raise RouteTemplateError(template, f"bad parameter name '{name}'")
    checks = [_constraint(template, c) for c in constraints]
    return _Param(name, optional or default is not None or catch_all, catch_all, default, checks)


@dataclass
class RouteTemplate:
    """A compiled route template: match a request path and get its route values."""

    template: str
    pattern: re.Pattern[str]
    params: list[_Param]
    precedence: tuple[int, ...]

    def match(self, path: str) -> dict[str, str] | None:
        """Route values when `path` (still percent-encoded, no leading slash) matches."""
        found = self.pattern.fullmatch(path.strip("/"))
        if found is None:
            return None
        values: dict[str, str] = {}
        for param in self.params:
            raw = found.group(param.name)
            if raw is None or raw == "":
                if param.default is not None:
                    values[param.name] = param.default
                elif not param.optional:
                    return None
                continue
            value = unquote(raw)
            if not all(check(value) for check in param.checks):
                return None
            values[param.name] = value
        return values


def compile_route(template: str) -> RouteTemplate:
    """Parse a template (without the route prefix) into a matcher."""
    segments = template.strip("/").split("/") if template.strip("/") else []
    regex, params, precedence = "", [], []
    for index, segment in enumerate(segments):
        separator = "/" if index else ""
        tokens = _tokens(template, segment)
        pieces, segment_params = "", []
        for is_param, text in tokens:
            if not is_param:
                pieces += re.escape(text)
                continue
            param = _parse_param(template, text)
            pieces += f"(?P<{param.name}>{'.*' if param.catch_all else '[^/]+'})"
            segment_params.append(param)
        params.extend(segment_params)
        if len(tokens) == 1 and segment_params and segment_params[0].optional:
            regex += f"(?:{separator}{pieces})?"
            precedence.append(5 if segment_params[0].catch_all else 4)
        else:
            regex += separator + pieces
            if not segment_params:
                precedence.append(1)
            else:
                precedence.append(2 if any(p.checks for p in segment_params) else 3)
    return RouteTemplate(template, re.compile(regex, re.IGNORECASE), params, tuple(precedence))


def sort_by_precedence(templates: list[RouteTemplate]) -> list[RouteTemplate]:
    """Order so that literal segments beat constrained parameters, which beat plain ones,
    which beat optional and catch-all parameters, segment by segment."""
    return sorted(templates, key=lambda t: (t.precedence, t.template))
