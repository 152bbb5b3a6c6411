"""Follow-up questions for the offline model: which item of the previous answer's results
an ordinal in a request points at ("and the second one?", "the last one", "2番目は?")."""

from __future__ import annotations

import re
import unicodedata

_ENGLISH = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "last": -1,
}
_KANJI_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_ENGLISH_WORD = re.compile(r"\b(" + "|".join(_ENGLISH) + r")\b", re.IGNORECASE)
_ENGLISH_NUMBER = re.compile(r"\b(?:number |no\. ?|#)?(\d{1,2})(?:st|nd|rd|th)\b", re.IGNORECASE)
_JAPANESE_NUMBER = re.compile(r"([0-9]{1,2}|[一二三四五六七八九十])(?:番目|つ目|件目|個目)")
_JAPANESE_WORDS = {"最初": 1, "最後": -1}


def ordinal(text: str) -> int | None:
    """The position an ordinal in `text` names, 1-based, or -1 for "the last"; None when
    it names none."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits as ASCII ones
    if found := _ENGLISH_WORD.search(text):
        return _ENGLISH[found.group(1).casefold()]
    if found := _ENGLISH_NUMBER.search(text):
        return int(found.group(1))
    if found := _JAPANESE_NUMBER.search(text):
        digit = found.group(1)
        return _KANJI_DIGITS.get(digit) or int(digit)
    return next((position for word, position in _JAPANESE_WORDS.items() if word in text), None)


def referenced_item(text: str, items: list[str]) -> str | None:
    """The item of `items` (the previous answer's results, in order) an ordinal in `text`
    points at; None when `text` names no position or one past the end."""
    position = ordinal(text)
    if position is None or not items:
        return None
    if position == -1:
        return items[-1]
    return items[position - 1] if 1 <= position <= len(items) else None
