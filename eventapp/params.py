"""Whole numbers read from a query string, a form or a JSON body: only what the database
can hold (a 30-digit id would overflow SQLite's integer and PostgreSQL's), else a default."""

from __future__ import annotations

#: The largest id or page number accepted (PostgreSQL's ``integer``).
MAX_INT = 2**31 - 1


def whole_number(raw, default: int | None = None, *, minimum: int = 1,
                 maximum: int = MAX_INT) -> int | None:
    """``raw`` ("42", 42) as an int in ``[minimum, maximum]``, else ``default``."""
    if isinstance(raw, bool):
        return default
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw).strip() if raw is not None else ""
        if not (text.isascii() and text.isdecimal()) or len(text) > len(str(MAX_INT)):
            return default
        value = int(text)
    return value if minimum <= value <= maximum else default


def storable_int(raw: str) -> int:
    """``type=`` for ``request.args.get``: a whole number from 1 to ``MAX_INT``, else
    ValueError (so the argument's default is used)."""
    value = whole_number(raw)
    if value is None:
        raise ValueError(raw)
    return value
