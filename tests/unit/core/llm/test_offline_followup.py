"""The offline model's follow-ups: an ordinal in English or Japanese names an item of the
previous answer's results; no ordinal, or one past the end, names none."""

import pytest

from core.llm.offline.followup import referenced_item

ITEMS = [
    "TCK-10011 (付属品が不足しています)",
    "TCK-10013 (Refund not received)",
    "TCK-10020 (Late)",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("And the second one?", ITEMS[1]),
        ("What about the first?", ITEMS[0]),
        ("the last one please", ITEMS[2]),
        ("show me the 3rd", ITEMS[2]),
        ("2番目は?", ITEMS[1]),
        ("二つ目の詳細を教えて", ITEMS[1]),
        ("３件目は?", ITEMS[2]),
        ("最初のチケットは?", ITEMS[0]),
        ("最後のは?", ITEMS[2]),
    ],
)
def test_an_ordinal_names_that_item(text: str, expected: str) -> None:
    assert referenced_item(text, ITEMS) == expected


@pytest.mark.parametrize("text", ["and the fifth?", "Which tickets are urgent?", "what about it?"])
def test_no_ordinal_or_one_past_the_end_names_nothing(text: str) -> None:
    assert referenced_item(text, ITEMS) is None


def test_no_items_means_nothing_to_name() -> None:
    assert referenced_item("the second one", []) is None
