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
import secrets

NONCE_BYTES = 16
MAC_BYTES = 16


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode().rstrip("=")


def new_nonce() -> str:
    return _b32(secrets.token_bytes(NONCE_BYTES))


def _mac(key: bytes, event_id: int, nonce: str) -> str:
    digest = hmac.new(key, f"{event_id}|{nonce}".encode(), hashlib.sha256).digest()
    return _b32(digest[:MAC_BYTES])


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
    """Whether ``mac`` was made with ``key`` for this nonce of this event (constant time)."""
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
    from flask import current_app

    configured = current_app.config.get("CHECKIN_CODE_KEY")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    return _derived_key(current_app.config["SECRET_KEY"])


@functools.lru_cache(maxsize=8)
def _derived_key(secret: str | bytes) -> bytes:
    """Every scan needs the key: derive it once per secret, not once per request."""
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"eventapp/checkin-code/v1", hashlib.sha256).digest()


def attendee_code(attendee) -> str:
    """What the attendee's QR code encodes."""
    return make_code(code_key(), attendee.event_id, attendee.code_nonce)
