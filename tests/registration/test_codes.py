"""Check-in codes: the fast base32 and MAC check against the standard library's."""

from __future__ import annotations

import base64
import hashlib
import hmac

from hypothesis import given
from hypothesis import strategies as st

from eventapp.registration import codes

KEY = b"k" * 32


def reference_mac(key: bytes, event_id: int, nonce: str) -> str:
    """The MAC as the module docstring defines it, with base64 from the standard library."""
    digest = hmac.new(key, f"{event_id}|{nonce}".encode(), hashlib.sha256).digest()
    return base64.b32encode(digest[:16]).decode().rstrip("=")


@given(st.binary(min_size=0, max_size=40))
def test_base32_is_the_standard_librarys(raw):
    assert codes._b32(raw) == base64.b32encode(raw).decode().rstrip("=")


@given(st.binary(min_size=32, max_size=32), st.integers(1, 10**9))
def test_codes_are_what_the_definition_says_and_check_out(key, event_id):
    nonce = codes.new_nonce()
    code = codes.make_code(key, event_id, nonce)
    assert code == f"{nonce}.{reference_mac(key, event_id, nonce)}"
    assert codes.parse_code(key, event_id, code) == nonce
    assert codes.parse_code(key, event_id + 1, code) is None
    assert codes.parse_code(b"x" * 32, event_id, code) is None


@given(st.integers(0, 25), st.sampled_from(codes.ALPHABET + "01_-+ a"))
def test_a_changed_mac_digit_is_refused(position, digit):
    nonce = codes.new_nonce()
    mac = reference_mac(KEY, 7, nonce)
    forged = mac[:position] + digit + mac[position + 1:]
    assert codes.is_genuine(KEY, 7, nonce, forged) == (forged == mac)


def test_only_the_canonical_spelling_of_a_mac_counts():
    """26 base32 digits carry 130 bits; the last two are padding and must be zero, and
    ``int()``'s own leniency (signs, underscores, spaces) must not let other text in."""
    nonce = codes.new_nonce()
    mac = reference_mac(KEY, 7, nonce)
    last = codes.ALPHABET.index(mac[-1])
    assert last % 4 == 0
    padded = mac[:-1] + codes.ALPHABET[last + 1]
    for other in (padded, "+" + mac[1:], mac[:12] + "_" + mac[13:], mac.lower(), mac[:-1]):
        assert not codes.is_genuine(KEY, 7, nonce, other), other
    assert codes.is_genuine(KEY, 7, nonce, mac)
