"""Header safety: untrusted feed text never becomes a header line of its own."""

from __future__ import annotations

import unicodedata
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.notify.headers import ELLIPSIS, clean_text, safe_header_value

ENCODED_NEWLINE = "=?UTF-8?Q?Gaza=0ABcc=3A_x=40evil.test?="
BIDI_AND_BREAKS = "\u2028\u2029\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2069\ufeff"


def _is_unsafe(ch: str) -> bool:
    return ch in BIDI_AND_BREAKS or unicodedata.category(ch) in {"Cc", "Cs"}


def test_python_itself_turns_an_encoded_newline_into_a_header() -> None:
    # The reason this module exists (CPython 3.11.7): if this ever stops failing, good news.
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = ENCODED_NEWLINE
    assert b"\nBcc: x@evil.test" in msg.as_bytes()


def test_encoded_newline_is_decoded_then_flattened() -> None:
    assert safe_header_value(ENCODED_NEWLINE) == "Gaza Bcc: x@evil.test"


def test_safe_value_as_subject_adds_no_header() -> None:
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = safe_header_value(ENCODED_NEWLINE)
    raw = msg.as_bytes()
    assert b"\nBcc" not in raw
    assert b"\rBcc" not in raw
    assert message_from_bytes(raw, policy=policy.default)["Bcc"] is None


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        pytest.param("Gaza\r\nBcc: x@evil.test", "Gaza Bcc: x@evil.test", id="crlf"),
        pytest.param("Gaza&#13;&#10;Bcc: x@evil.test", "Gaza Bcc: x@evil.test", id="entities"),
        pytest.param("Gaza\x00toll\x7fnow\x85", "Gaza toll now", id="nul-del-c1"),
        pytest.param("Gaza\u2028Bcc: y", "Gaza Bcc: y", id="line-separator"),
        pytest.param("price \u202e005$ \u202cnow", "price 005$ now", id="bidi-override"),
        pytest.param("  Ceasefire \t talks   resume ", "Ceasefire talks resume", id="spaces"),
        pytest.param("Truce 🕊️ holds", "Truce 🕊️ holds", id="emoji-kept"),
        pytest.param("=?UTF-8?B?R2F6YQpCY2M6IHhAZXZpbC50ZXN0?=", "Gaza Bcc: x@evil.test", id="b64"),
        pytest.param("=?utf-8?q?caf=C3=A9?= talks", "café talks", id="plain-encoded-word"),
    ],
)
def test_untrusted_titles(title: str, expected: str) -> None:
    assert safe_header_value(title) == expected


def test_encoded_word_inside_an_encoded_word_is_decoded_too() -> None:
    # Decodes to "=?UTF-8?Q?A=0ABcc=3A_x=40evil.test?=", which the header parser would decode
    # once more on assignment.
    nested = "=?UTF-8?B?PT9VVEYtOD9RP0E9MEFCY2M9M0FfeD00MGV2aWwudGVzdD89?="
    value = safe_header_value(nested)
    assert "\n" not in value
    assert "=?" not in value


def test_malformed_encoded_word_stays_literal_and_inert() -> None:
    value = safe_header_value("=?UTF-8?B?not base64!?= and =?no-such-charset?Q?x?=")
    assert "=?" not in value
    assert "not base64!" in value


def test_long_title_is_bounded_with_an_ellipsis() -> None:
    value = safe_header_value("casualties " * 200)
    assert len(value) <= 200
    assert value.endswith(ELLIPSIS)
    assert len(safe_header_value("x" * 2000, max_len=50)) == 50


def test_clean_text_does_not_decode() -> None:
    assert clean_text("&lt;b&gt; =?UTF-8?Q?x?=\r\n", max_len=100) == "&lt;b&gt; =?UTF-8?Q?x?="


@given(st.text(max_size=300), st.integers(min_value=1, max_value=300))
def test_no_control_or_override_survives(title: str, max_len: int) -> None:
    value = safe_header_value(title, max_len=max_len)
    assert len(value) <= max_len
    assert not any(_is_unsafe(ch) for ch in value)
    assert "=?" not in value
    assert value == value.strip()


_PIECES = st.sampled_from(["=?", "?=", "=0A", "=0D", "\r\n", "Bcc:", "?Q?", "?B?", "UTF-8", " "])


@given(st.lists(st.one_of(st.text(max_size=5), _PIECES), max_size=40).map("".join))
def test_any_title_round_trips_as_exactly_one_subject(title: str) -> None:
    value = safe_header_value(title)
    msg = EmailMessage(policy=policy.SMTP)
    msg["Subject"] = value
    msg["To"] = "desk@example.org"
    parsed = message_from_bytes(msg.as_bytes(), policy=policy.default)
    assert [k.lower() for k in parsed] == ["subject", "to"]
    # Modulo spaces: CPython's folder can drop a space between two encoded-words it splits.
    assert str(parsed["Subject"]).replace(" ", "") == value.replace(" ", "")
