"""The offline model's arguments: an id found in the request beats the whole sentence as a
free-text filter, and a flag is set when the request says its name."""

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
