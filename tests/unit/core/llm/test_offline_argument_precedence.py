"""The offline model's arguments: an id found in the request beats the whole sentence as a
free-text filter, a flag is set when the request says its name, and an enum value is taken
when the request says it as a word, in any case and spelling."""

from hypothesis import given
from hypothesis import strategies as st

from core.llm.offline.arguments import fill_arguments

INVENTORY = {
    "type": "object",
    "properties": {
        "sku": {"anyOf": [{"type": "string", "pattern": "^SKU-\\d{5}$"}, {"type": "null"}]},
        "query": {"anyOf": [{"type": "string", "maxLength": 200}, {"type": "null"}]},
        "below_reorder_point": {"type": "boolean", "default": False},
    },
}


def test_an_id_in_the_request_leaves_the_free_text_filter_out():
    filled = fill_arguments(INVENTORY, "Is SKU-10001 in stock?")
    assert filled is not None
    assert filled.values == {"sku": "SKU-10001", "below_reorder_point": False}


def test_a_flag_named_by_the_request_is_set_and_the_sentence_is_not_a_filter():
    filled = fill_arguments(INVENTORY, "Which SKUs are below their reorder point?")
    assert filled is not None
    assert filled.values == {"below_reorder_point": True}


def test_with_nothing_specific_the_sentence_is_the_filter():
    filled = fill_arguments(INVENTORY, "resistor reels")
    assert filled is not None
    assert filled.values == {"query": "resistor reels", "below_reorder_point": False}


@given(
    words=st.lists(st.text(alphabet="abcdXY", min_size=1, max_size=5), min_size=1, max_size=3),
    separator=st.sampled_from([" ", "-", "_"]),
    swapped=st.booleans(),
    before=st.sampled_from(["", "set it to ", "x", "9", "é ", "渋谷 "]),
    after=st.sampled_from(["", " please", "s", "-", " 日本"]),
)
def test_an_enum_value_said_as_a_word_in_any_case_or_spelling_is_taken(
    words: list[str], separator: str, swapped: bool, before: str, after: str
) -> None:
    value = "_".join(words)
    said = separator.join(words)
    text = before + (said.swapcase() if swapped else said) + after
    schema = {"type": "object", "properties": {"state": {"type": "string", "enum": [value]}}}
    as_a_word = not before[-1:].isalnum() and not after[:1].isalnum()

    filled = fill_arguments(schema, text)

    assert filled is not None
    assert (filled.values.get("state") == value) is as_a_word
