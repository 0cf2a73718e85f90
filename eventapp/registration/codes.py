"""Check-in codes (mã check-in): unguessable, not derivable from an id, and not forgeable
from a database dump.

A code is ``<NONCE>.<MAC>``: NONCE is 128 random bits stored on the attendee row, MAC is
HMAC-SHA256(key, event id | nonce) truncated to 128 bits. The key comes from the app's
configuration, not the database, so a leaked dump (nonces only) cannot produce a MAC.
Re-issuing a code replaces the nonce. Both parts are upper-case base32, which QR codes
store compactly (alphanumeric mode) and any keyboard-wedge scanner types correctly.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import re
import secrets

from flask import current_app

NONCE_BYTES = 16
MAC_BYTES = 16
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
#: Every pair of base32 digits (10 bits), for encoding 16 bytes in 13 steps.
_PAIRS = tuple(a + b for a in ALPHABET for b in ALPHABET)
#: 16 bytes in base32 without padding: a nonce or a MAC.
ENCODED_16 = f"[{ALPHABET}]{{26}}"
_ENCODED_16 = re.compile(ENCODED_16)


def _b32(raw: bytes) -> str:
    """Base32 without padding. 16 bytes (nonces, MACs) are 128 bits, written as 130 bits
    (two zero bits at the end, as RFC 4648 pads) in 13 pairs of digits: the same text as
    ``base64.b32encode`` at a fraction of its cost (a session's offline list encodes
    thousands of codes; ``tests/registration/test_codes.py`` compares the two)."""
    if len(raw) != 16:
        return base64.b32encode(raw).decode().rstrip("=")
    bits = int.from_bytes(raw, "big") << 2
    return "".join([_PAIRS[(bits >> shift) & 1023] for shift in range(120, -1, -10)])


def new_nonce() -> str:
    return _b32(secrets.token_bytes(NONCE_BYTES))


def _digest(key: bytes, event_id: int, nonce: str) -> bytes:
    return hmac.digest(key, f"{event_id}|{nonce}".encode(), "sha256")[:MAC_BYTES]


def _mac(key: bytes, event_id: int, nonce: str) -> str:
    return _b32(_digest(key, event_id, nonce))


def make_code(key: bytes, event_id: int, nonce: str) -> str:
    return f"{nonce}.{_mac(key, event_id, nonce)}"


def split_code(raw: str | None) -> tuple[str, str] | None:
    """``(nonce, mac)`` of anything shaped like a code, or None. Says nothing of genuineness."""
    text = (raw or "").strip().upper()
    nonce, sep, mac = text.partition(".")
    if not sep or len(nonce) != 26 or len(mac) != 26:
        return None
    return nonce, mac


def is_genuine(key: bytes, event_id: int, nonce: str, mac: str) -> bool:
    """Whether ``mac`` was made with ``key`` for this nonce of this event (constant time:
    ``hmac.compare_digest`` on the text, after a shape check that leaks nothing secret)."""
    if not _ENCODED_16.fullmatch(mac):
        return False
    return hmac.compare_digest(mac, _mac(key, event_id, nonce))


def parse_code(key: bytes, event_id: int, raw: str) -> str | None:
    """The nonce of a genuine code for this event, or None (malformed, forged, other event)."""
    parts = split_code(raw)
    if parts is None or not is_genuine(key, event_id, *parts):
        return None
    return parts[0]


def code_fingerprint(code: str) -> str:
    """SHA-256 of a code, for the offline list on the scanner page (never the raw codes)."""
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def code_key() -> bytes:
    """The HMAC key for check-in codes: ``CHECKIN_CODE_KEY`` or one derived from SECRET_KEY.

    Changing it invalidates every printed code, so it is configuration, never data.
    """

    config = current_app.config
    configured = config.get("CHECKIN_CODE_KEY")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return _derived_key(config["SECRET_KEY"])


@functools.lru_cache(maxsize=8)
def _derived_key(secret: str | bytes) -> bytes:
    """Every scan needs the key: derive it once per secret, not once per request."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"eventapp/checkin-code/v1", hashlib.sha256).digest()


def attendee_code(attendee) -> str:
    """What the attendee's QR code encodes."""
    return make_code(code_key(), attendee.event_id, attendee.code_nonce)
