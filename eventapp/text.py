"""Vietnamese text helpers: folding diacritics for search and duplicate detection."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str | None) -> str:
    """Lower-case, strip diacritics (đ → d), collapse spaces: "Nguyễn  Văn A" → "nguyen van a"."""
    if not text:
        return ""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()


def clean(text: str | None) -> str:
    """NFC-normalised text with outer and repeated inner whitespace removed."""
    if not text:
        return ""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def digits(text: str | None) -> str:
    """Only the digits of a phone number, "+84 912.345.678" → "84912345678"."""
    return "".join(ch for ch in (text or "") if ch.isdecimal())
