"""Instance ids an attacker would try: the ones that broke the app (dot segments, encoded dot
segments, path traversal, slashes, a lone surrogate) and a seeded random corpus built from
the same pieces plus control and non-BMP characters, encodings and a 10,000-character id."""

from __future__ import annotations

import random

NAMED = [
    ".",
    "..",
    "%2E%2E",
    "%2e",
    ".%2e",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "a/b",
    "a\\b",
    "\ud800",
    "x\udfffy",
    "",
    " ",
    "\t",
    "\x00",
    "a\x00b",
    "\x7f",
    "\u0085",
    "\u202e",
    "\ufeff",
    "😀",
    "\U0010ffff",
    "%",
    "%ZZ",
    "%00",
    "%C0%AE%C0%AE",
    "a?b=c",
    "a#b",
    "a b",
    "@entity@key",
    "CON",
    "a" * 257,
    "a" * 10_000,
    "wf-does-not-exist",
    "wf:approval",
    "batch_sweep:2026-01-31T12:30Z",
]
PIECES = [
    ".",
    "..",
    "/",
    "\\",
    "%2E",
    "%2F",
    "%25",
    "%00",
    "%u002e",
    "\x00",
    "\x01",
    "\x1f",
    "\n",
    "\r",
    "\x7f",
    "\x9f",
    "\ud800",
    "\udbff",
    "\udc00",
    "😀",
    "\U0001d518",
    "\U0001f600",
    "\u2028",
    "\u202e",
    "ß",
    "日本",
    "a",
    "Z",
    "9",
    ":",
    "-",
    "_",
    "~",
    "?",
    "#",
    "&",
    "=",
    "+",
    " ",
    "'",
    '"',
    "<script>",
    "{",
    "}",
    "*",
]


def corpus(size: int = 520, seed: int = 17) -> list[str]:
    """At least `size` distinct ids: NAMED first, then random joins of PIECES (deterministic)."""
    chooser = random.Random(seed)
    ids = list(dict.fromkeys(NAMED))
    seen = set(ids)
    while len(ids) < size:
        candidate = "".join(chooser.choice(PIECES) for _ in range(chooser.randint(1, 8)))
        if chooser.random() < 0.05:
            candidate *= chooser.randint(50, 1200)
        if candidate not in seen:
            seen.add(candidate)
            ids.append(candidate)
    return ids
