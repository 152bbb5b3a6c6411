"""Deterministic text measures of the offline model: keywords (English and Japanese),
language detection and token estimates."""

from __future__ import annotations

import math
import re
from bisect import bisect_left
from functools import lru_cache

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[a-z0-9]+")
_KATAKANA_RUN = re.compile(r"[\u30a1-\u30fa\u30fc]+")
_KANJI_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\u3005]+")
_KANA = re.compile(r"[\u3040-\u30ff]")
_KANJI = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# Characters a tokenizer spends about one token on: kana, kanji, full-width forms.
_WIDE_CHARS = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_WIDE = re.compile(f"[{_WIDE_CHARS}]")
_NARROW_RUN = re.compile(f"[^{_WIDE_CHARS}]+")
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "do",
        "does",
        "for",
        "from",
        "get",
        "give",
        "how",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "of",
        "on",
        "or",
        "please",
        "show",
        "tell",
        "that",
        "the",
        "this",
        "to",
        "what",
        "which",
        "with",
        "you",
    }
)


def keywords(text: str) -> set[str]:
    """The text's keywords: English words lower-cased with a plural 's' dropped, and
    Japanese katakana and kanji words together with their two-character pieces."""
    spaced = _CAMEL.sub(" ", text).lower()
    found = {singular(w) for w in _WORD.findall(spaced) if w not in _STOPWORDS}
    for run in _KATAKANA_RUN.findall(text) + _KANJI_RUN.findall(text):
        found.add(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


@lru_cache(maxsize=1024)
def fixed_keywords(text: str) -> frozenset[str]:
    """`keywords` of a text that recurs from call to call (a tool's name or description),
    worked out once."""
    return frozenset(keywords(text))


def singular(word: str) -> str:
    """The word with an English plural ending dropped ("anomalies" -> "anomaly")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def is_japanese(text: str) -> bool:
    """True when the text is written in Japanese: it has kana, or more kanji than Latin
    letters (an English sentence naming a ward such as 中区 stays English)."""
    if _KANA.search(text):
        return True
    kanji = len(_KANJI.findall(text))
    return kanji > 0 and kanji >= len(_LATIN.findall(text))


def estimate_tokens(text: str) -> int:
    """Tokens the text would take: one per kana or kanji, one per four other characters."""
    # Deleting the runs of other characters leaves the wide ones, without a string per match.
    wide = 0 if text.isascii() else len(_NARROW_RUN.sub("", text))
    return wide + math.ceil((len(text) - wide) / 4)


def clip_to_tokens(text: str, max_tokens: int) -> str:
    """The longest prefix of the text whose estimate is at most `max_tokens`."""
    # A prefix never takes more tokens than a longer one, so the longest that fits is found
    # by bisecting on its length.
    if estimate_tokens(text) <= max_tokens:
        return text
    wide = [match.start() for match in _WIDE.finditer(text)]

    def tokens(length: int) -> int:
        count = bisect_left(wide, length)
        return count + math.ceil((length - count) / 4)

    fits, over = 0, len(text)
    while over - fits > 1:
        middle = (fits + over) // 2
        if tokens(middle) > max_tokens:
            over = middle
        else:
            fits = middle
    return text[:fits]
