"""The offline model fills a free string argument from a value in the request shaped like the
examples the parameter's description quotes (an IANA time zone, say)."""

from core.llm.offline.arguments import fill_arguments

TIMEZONE = {
    "type": "object",
    "properties": {
        "timezone": {
            "type": "string",
            "description": "IANA timezone name (e.g., 'America/New_York', 'Europe/London'). "
            "Use 'UTC' as local timezone if no timezone provided by the user.",
        }
    },
    "required": ["timezone"],
}


def test_a_value_shaped_like_a_quoted_example_fills_the_argument():
    filled = fill_arguments(TIMEZONE, "What time is it in America/Los_Angeles and Asia/Tokyo?")
    assert filled is not None
    assert filled.values == {"timezone": "America/Los_Angeles"}
    assert filled.matched == 1


def test_no_value_of_that_shape_leaves_the_required_argument_unfilled():
    assert fill_arguments(TIMEZONE, "What time is it in Tokyo?") is None
