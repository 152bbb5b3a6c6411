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


def _is_wide(char: str) -> bool:
    code = ord(char)
    return any(
        low <= code <= high
        for low, high in ((0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))
    )


@given(text=MIXED | st.text(max_size=80))
def test_a_text_takes_a_token_per_wide_character_and_one_per_four_others(text: str) -> None:
    wide = sum(1 for char in text if _is_wide(char))

    assert estimate_tokens(text) == wide + -(-(len(text) - wide) // 4)


VALUE = st.text(alphabet="abcXY-9 ", min_size=1, max_size=6)


@given(
    values=st.lists(VALUE, max_size=8),
    words=st.lists(VALUE | st.sampled_from(["é", "-", "xé"]), max_size=6),
    swapped=st.booleans(),
)
def test_a_request_mentions_a_value_it_holds_as_a_whole_word_in_any_case(
    values: list[str], words: list[str], swapped: bool
) -> None:
    # The request holds some of the values, in another case when swapped, among other words.
    request = "".join(words[:3] + values[:2] + words[3:])
    request = request.swapcase() if swapped else request

    def holds(value: str) -> bool:
        if len(value) < 2:
            return False
        folded, text = value.casefold(), request.casefold()
        starts = [i for i in range(len(text)) if text.startswith(folded, i)]
        return any(
            (i == 0 or not text[i - 1].isascii() or not text[i - 1].isalnum())
            and (
                i + len(folded) == len(text)
                or not text[i + len(folded)].isascii()
                or not text[i + len(folded)].isalnum()
            )
            for i in starts
        )

    reading = Reading(request)

    assert reading.mentioned(values) == {v for v in values if holds(v)}
    assert all(reading.mentions(v) is holds(v) for v in values)
