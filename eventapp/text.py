"""Vietnamese text helpers: the one cleaning rule for text people type or upload, and
folding diacritics for search and duplicate detection.

``clean`` is applied once on every way in (the forms' base class, the base marshmallow
schema, the Excel reader, upload file names), so what is stored, compared and exported is
always clean text: NFC, no control characters, no invisible format characters (zero-width
joiners, bidi overrides, soft hyphens, BOM), and no stray whitespace.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_LINE_SPACES = re.compile(r"[^\S\n]+")  # whitespace other than the line break
#: Categories never kept: controls, format characters, surrogates, private use, unassigned.
_DROPPED = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})
#: Letters and symbols that render as nothing (Hangul fillers, the blank Braille pattern).
_INVISIBLE = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_FILLERS = re.compile("[" + "".join(sorted(_INVISIBLE)) + "]")


def clean(text: str | None, *, multiline: bool = False) -> str:
    """The text as stored: NFC; control, format and other invisible characters dropped;
    whitespace runs made one space and trimmed. With ``multiline``, line breaks are kept
    (as LF, each line trimmed, so line numbers still match what was typed). A value
    with nothing visible left is ``""``.
    """
    if not text:
        return ""
    if not isinstance(text, str):
        text = str(text)
    printable = text.isprintable()  # in C: no C* characters, no space but U+0020
    if not printable:
        text = "".join(ch for ch in text if _kept(ch))
    if not text.isascii():
        text = unicodedata.normalize("NFC", _FILLERS.sub("", text))
    if multiline and not printable:
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        text = "\n".join(_LINE_SPACES.sub(" ", line).strip() for line in lines).strip()
    elif not printable or "  " in text:
        text = _SPACES.sub(" ", text).strip()
    else:
        text = text.strip()
    return text if _visible(text) else ""


def _kept(ch: str) -> bool:
    """Whitespace is kept (to be collapsed); every other invisible character goes."""
    if ch.isspace():
        return True
    return unicodedata.category(ch) not in _DROPPED


def _visible(text: str) -> bool:
    if text.isascii():
        return not text.isspace() and text != ""
    return any(not ch.isspace() and unicodedata.category(ch)[0] != "M" for ch in text)


def is_clean(text: str) -> bool:
    """Whether ``clean(text) == text`` for a one-line value, decided cheaply (the common
    case of the check-in scan); False may also mean "not sure"."""
    if not text.isprintable() or text != text.strip() or "  " in text:
        return False
    if text.isascii():
        return True
    # Printable already rules out controls, format characters and odd spaces.
    return (unicodedata.is_normalized("NFC", text) and _INVISIBLE.isdisjoint(text)
            and unicodedata.category(text[0])[0] != "M")


def fold(text: str | None) -> str:
    """The key duplicates and searches compare: the cleaned text lower-cased, diacritics
    stripped (đ → d), spaces collapsed: "Nguyễn  Văn A" → "nguyen van a"."""
    text = clean(text)
    if not text:
        return ""
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    return _SPACES.sub(" ", text).strip().lower()


def digits(text: str | None) -> str:
    """Only the digits of a phone number, "+84 912.345.678" → "84912345678"."""
    return "".join(ch for ch in (text or "") if ch.isdecimal())


EMAIL_MAX = 254
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
EMAIL_MESSAGE = "Địa chỉ email không hợp lệ."


def email_error(address: str) -> str | None:
    """The one e-mail rule (forms, schemas, services, Excel import): something@domain.tld,
    at most ``EMAIL_MAX`` characters. ``EMAIL_MESSAGE`` when it is broken, else None."""
    if len(address) > EMAIL_MAX or not _EMAIL.match(address):
        return EMAIL_MESSAGE
    return None
