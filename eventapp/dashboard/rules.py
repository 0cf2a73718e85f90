"""Pure rules of the organizer's dashboard: which deadlines are due, how a unit's delivery
reads against a deadline, which sessions are running, events by month. No database."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from datetime import datetime, timedelta

#: "Deadlines in the next 14 days" (issue #16).
DUE_DAYS = 14
#: A session without an end time is taken as running for this long after it starts.
OPEN_ENDED_SESSION = timedelta(hours=4)
#: Running sessions are looked for among those started this recently: the bound keeps the
#: query on recent sessions instead of every session ever held.
LONGEST_SESSION = timedelta(days=7)


class Outcome(enum.StrEnum):
    """A unit against one deadline of one event."""

    on_time = "on_time"      # sent (what was expected) before the event-wide deadline
    late = "late"            # sent at or after it (within an extension, or accepted late)
    waiting = "waiting"      # not yet sent, the unit's deadline still open
    missing = "missing"      # not sent, the unit's deadline passed

    @property
    def label(self) -> str:
        return {"on_time": "Đúng hạn", "late": "Trễ hạn", "waiting": "Chưa gửi, còn hạn",
                "missing": "Không gửi"}[self.value]

    @property
    def badge(self) -> str:
        return {"on_time": "success", "late": "warning", "waiting": "secondary",
                "missing": "danger"}[self.value]


def is_due(deadline: datetime | None, at: datetime, days: int = DUE_DAYS) -> bool:
    """A deadline still ahead and at most ``days`` away."""
    return deadline is not None and at <= deadline < at + timedelta(days=days)


def outcome(done: bool, sent_at: datetime | None, base: datetime | None,
            effective: datetime | None, at: datetime) -> Outcome:
    """On time iff sent strictly before the event-wide deadline (PRODUCT §3.1); sent after
    it is late even within the unit's own extension, so the organizer sees who needed one."""
    if done:
        return Outcome.on_time if base is None or sent_at < base else Outcome.late
    if effective is None or at < effective:
        return Outcome.waiting
    return Outcome.missing


def is_running(starts_at: datetime, ends_at: datetime | None, at: datetime) -> bool:
    end = ends_at if ends_at is not None else starts_at + OPEN_ENDED_SESSION
    return starts_at <= at < end


def by_month(items: Iterable[tuple[object, datetime | None]], year: int
             ) -> dict[int, list[object]]:
    """``{1..12: [item, …]}``: the items whose local moment falls in ``year``, by month
    (months without any are present and empty)."""
    months: dict[int, list[object]] = {m: [] for m in range(1, 13)}
    for item, moment in items:
        if moment is not None and moment.year == year:
            months[moment.month].append(item)
    return months


def _letter_table() -> dict[int, str]:
    """Each accented Latin letter (Vietnamese's among them) to its bare lower-case letter."""
    table = {ord("đ"): "d", ord("Đ"): "d"}
    for code in range(0xC0, 0x2000):
        ch = chr(code)
        bare = "".join(c for c in unicodedata.normalize("NFD", ch)
                       if unicodedata.category(c) != "Mn")
        if bare != ch and bare.isascii():
            table[code] = bare.lower()
    return table


_LETTERS = _letter_table()


def name_order(name: str) -> str:
    """A unit name's place in Vietnamese order, as ``text.fold`` sorts it, by one table
    lookup per character: the dashboard sorts the thousands of units behind a deadline on
    every load, where ``fold``'s normalisation cost 8 µs a name (``tests/dashboard``
    pins the two to the same order)."""
    return " ".join(name.translate(_LETTERS).lower().split())
