"""Rules the offline model's text measures keep for any text: a clipped answer is the longest
prefix within the token limit, and a request names a field when one of its words starts like
one of the field's words."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from core.llm.offline.records import Reading
from core.llm.offline.text import clip_to_tokens, estimate_tokens

# Latin letters, digits, spaces, kana, kanji and full-width forms: each token rule in play.
MIXED = st.text(alphabet="abcXYZ09 ,.\n中区渋谷あいアイ　ＡＢ０µ→", max_size=80)
WORD = st.text(alphabet="abcdefgh", min_size=1, max_size=8)


@given(text=MIXED, limit=st.integers(min_value=1, max_value=40))
def test_a_clipped_text_is_the_longest_prefix_within_the_limit(text: str, limit: int) -> None:
    clipped = clip_to_tokens(text, limit)

    assert text.startswith(clipped)
    assert estimate_tokens(clipped) <= limit
    if clipped != text:
        assert estimate_tokens(text[: len(clipped) + 1]) > limit


@given(
    request=st.lists(WORD, max_size=6).map(" ".join),
    key=st.lists(WORD, min_size=1, max_size=3).map("_".join),
)
def test_a_request_names_a_key_when_a_word_starts_like_one_of_the_keys_words(
    request: str, key: str
) -> None:
    words = [w for w in request.split() if len(w) >= 3]
    parts = [p for p in key.split("_") if len(p) >= 3]
    expected = any(w.startswith(p[:5]) for p in parts for w in words)

    reading = Reading(request.upper())

    assert reading.names(key) is expected
    assert reading.names(key) is expected  # asked again, the same answer
