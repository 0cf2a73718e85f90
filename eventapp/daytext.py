"""Dates and times as people in Vietnam type and read them: ``dd/mm/yyyy`` and 24-hour
``HH:MM``, whatever language the browser speaks.

The browser's own date controls follow its language (``02/05/2020, 12:00 AM`` on an English
browser for 5 February), so every date the app asks for is a text field read here. ISO
(``2020-02-05``, ``2020-02-05T08:00``) is accepted too: the API, old bookmarks and scripts use it.
"""

from __future__ import annotations

import re
from datetime import date, datetime

DAY_FORMAT = "%d/%m/%Y"
MOMENT_FORMAT = "%d/%m/%Y %H:%M"
DAY_HINT = "dd/mm/yyyy"
MOMENT_HINT = "dd/mm/yyyy HH:MM"
BAD_DAY = "Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 05/02/2020."
BAD_MOMENT = "Thời điểm không hợp lệ: nhập theo dạng dd/mm/yyyy HH:MM, ví dụ 05/02/2020 17:00."

_DAY = r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})"
# re.ASCII: \d is 0-9 only (int() would read Arabic-Indic or full-width digits too).
_TYPED_DAY = re.compile(rf"{_DAY}", re.ASCII)
_TYPED_MOMENT = re.compile(rf"{_DAY}[ ,]+(\d{{1,2}})[:hg](\d{{2}})", re.ASCII)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?", re.ASCII)


def read_day(text: str) -> date:
    """``05/02/2020`` (or ``5/2/2020``, ``05-02-2020``, ``05.02.2020``, ``2020-02-05``) → a date;
    ValueError with ``BAD_DAY`` otherwise."""
    value = (text or "").strip()
    try:
        if match := _TYPED_DAY.fullmatch(value):
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day)
        if _ISO_DAY.fullmatch(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ValueError(BAD_DAY)


def read_moment(text: str) -> datetime:
    """``05/02/2020 17:00`` (also ``17h00``, or ISO ``2020-02-05T17:00``) → a naive datetime;
    ValueError with ``BAD_MOMENT`` otherwise."""
    value = (text or "").strip()
    try:
        if match := _TYPED_MOMENT.fullmatch(value):
            day, month, year, hour, minute = (int(part) for part in match.groups())
            return datetime(year, month, day, hour, minute)
        if _ISO_MOMENT.fullmatch(value):
            return datetime.fromisoformat(value.replace(" ", "T")).replace(second=0,
                                                                           microsecond=0)
    except ValueError:
        pass
    raise ValueError(BAD_MOMENT)


def show_day(value: date | None) -> str:
    return value.strftime(DAY_FORMAT) if value else ""


def show_moment(value: datetime | None) -> str:
    return value.strftime(MOMENT_FORMAT) if value else ""


def iso_day(text: str) -> str:
    """A typed day as ISO text for a schema that reads ISO; text that is no day is returned as
    it was, for the schema to refuse with its own message naming the field."""
    try:
        return read_day(text).isoformat() if text else text
    except ValueError:
        return text
