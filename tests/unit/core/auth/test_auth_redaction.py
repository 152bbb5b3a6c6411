"""`redact`: secrets masked by key name and by shape, counts and identifiers kept."""

from __future__ import annotations

import string

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from core.auth import REDACTED, AuthenticationError, redact

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl"


def test_secret_keys_are_masked_and_counts_kept():
    status = {
        "api_key": "abc",
        "x-functions-key": "def",
        "client_secret": "ghi",
        "access_token": "jkl",
        "Password": "mno",
        "Authorization": "Bearer xyz",
        "APPLICATIONINSIGHTS_CONNECTION_STRING": "InstrumentationKey=1;IngestionEndpoint=x",
        "tokens_used": 1200,
        "budget_tokens": 20000,
        "idempotency_key": "wf-1:agent:3",
        "phase": "planning",
    }

    assert redact(status) == {
        "api_key": REDACTED,
        "x-functions-key": REDACTED,
        "client_secret": REDACTED,
        "access_token": REDACTED,
        "Password": REDACTED,
        "Authorization": REDACTED,
        "APPLICATIONINSIGHTS_CONNECTION_STRING": REDACTED,
        "tokens_used": 1200,
        "budget_tokens": 20000,
        "idempotency_key": "wf-1:agent:3",
        "phase": "planning",
    }


def test_everything_under_a_secret_key_is_masked():
    assert redact({"credentials": {"user": "u", "pw": "p", "port": 5432}, "keys": ["a", "b"]}) == {
        "credentials": {"user": REDACTED, "pw": REDACTED, "port": 5432},
        "keys": [REDACTED, REDACTED],
    }


def test_secrets_inside_text_are_scrubbed():
    text = (
        f"called with Authorization: Bearer {JWT} and "
        "AccountEndpoint=https://x/;AccountKey=c2VjcmV0; url https://f/api/x?code=k3y&sig=s1g"
    )

    assert redact({"message": text})["message"] == (
        f"called with Authorization: Bearer {REDACTED} and "
        f"AccountEndpoint=https://x/;AccountKey={REDACTED}; url https://f/api/x?code={REDACTED}"
        f"&sig={REDACTED}"
    )


def test_a_bare_jwt_is_scrubbed():
    assert redact([f"token was {JWT}"]) == [f"token was {REDACTED}"]


def test_models_are_dumped_and_the_input_is_not_changed():
    class Call(BaseModel):
        tool: str
        secret: str
        arguments: dict[str, str]

    call = Call(tool="t", secret="s", arguments={"api_key": "k"})
    original = {"payload": call, "n": (1, 2)}

    assert redact(original) == {
        "payload": {"tool": "t", "secret": REDACTED, "arguments": {"api_key": REDACTED}},
        "n": [1, 2],
    }
    assert call.secret == "s"


def test_challenge_descriptions_cannot_break_out_of_the_quoted_string():
    error = AuthenticationError('bad "value" \\ here\r\n')

    assert error.www_authenticate() == (
        'Bearer error="invalid_token", error_description="bad value  here"'
    )


# Printable text without a quote or backslash: nothing in it needs dropping.
PLAIN_DESCRIPTIONS = st.text(
    st.characters(blacklist_categories=("C", "Z"), blacklist_characters='"\\') | st.just(" ")
)


@settings(max_examples=200, deadline=None)
@example("The token's audience api://X-Orders is not this API")
@given(description=PLAIN_DESCRIPTIONS)
def test_a_challenge_description_with_nothing_to_escape_is_kept_whole(description):
    assert AuthenticationError(description).www_authenticate() == (
        f'Bearer error="invalid_token", error_description="{description}"'
    )


SECRET_NAMES = ["password", "Password", "api_key", "x-functions-key", "client_secret", "pwd"]
SECRET_NAMES += ["access_token", "AccountKey", "connection_string", "cookie", "sasUrl"]
PLAIN_NAMES = ["ticket", "status", "idempotency_key", "partitionKey", "user", "agent"]
# Not a bearer token or JWT of its own: those are masked wherever they appear.
VALUES = st.text(
    alphabet=string.ascii_letters + string.digits + "!#$%*+-./<>?@^_|~", min_size=6
).filter(lambda v: "bearer" not in v.lower() and "eyJ" not in v)


@settings(max_examples=200, deadline=None)
@given(
    name=st.sampled_from(SECRET_NAMES),
    separator=st.sampled_from([": ", ":", "=", " = ", '": "', "='"]),
    value=VALUES,
)
def test_secret_named_pairs_in_text_are_masked_in_either_form(name, separator, value):
    closing = separator[-1] if separator[-1] in "\"'" else ""
    opening = '"' if separator.startswith('"') else ""
    text = f"Update TCK-0001; my {opening}{name}{separator}{value}{closing} and thanks"
    scrubbed = redact({"query": text})["query"]
    # A value that is a piece of the kept text (the name, the mask) is found there anyway.
    assume(value not in text.replace(value, "") + REDACTED)
    assert value not in scrubbed
    assert scrubbed == (
        f"Update TCK-0001; my {opening}{name}{separator}{REDACTED}{closing} and thanks"
    )


@settings(max_examples=100, deadline=None)
@given(name=st.sampled_from(PLAIN_NAMES), separator=st.sampled_from([": ", "="]), value=VALUES)
def test_pairs_with_ordinary_names_are_kept(name, separator, value):
    text = f"{name}{separator}{value} done"
    assert redact([text]) == [text]


def test_token_counts_in_text_are_kept_and_a_password_is_not():
    text = "max_tokens=800, tokens_used: 1200, password: 123456"
    assert redact(text) == f"max_tokens=800, tokens_used: 1200, password: {REDACTED}"


def test_basic_credentials_after_authorization_are_masked():
    assert redact("Authorization: Basic dXNlcjpwYXNz") == f"Authorization: Basic {REDACTED}"
    assert redact("a basic idea: keep it") == "a basic idea: keep it"
