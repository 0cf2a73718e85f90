"""Pure deadline rules (PRODUCT.md §3.1): no database, no request."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, tzinfo


def effective_deadline(base: datetime | None, extension: datetime | None) -> datetime | None:
    """A unit's deadline: its own extension when granted, else the event's."""
    return extension if extension is not None else base


def is_open(at: datetime, deadline: datetime | None) -> bool:
    """On time iff the server clock is strictly before the deadline (no deadline: open)."""
    return deadline is None or at < deadline


def shortfall(submitted: int, minimum: int) -> int:
    """How many are still missing to reach a minimum target (never negative)."""
    return max(0, minimum - submitted)


def room_left(count: int, cap: int | None) -> int | None:
    """Places left under a hard cap, or None when there is no cap."""
    return None if cap is None else max(0, cap - count)


def progress_percent(count: int, target: int | None) -> int:
    """Width of a progress bar toward a target, 0–100 (no target: full)."""
    return 100 if not target else min(100, round(count * 100 / target))


#: Days an organizer's one-click grant adds to the unit's current deadline when the unit did
#: not say until when (editable on the page before the click).
DEFAULT_EXTENSION_DAYS = 3


def asked_until(day: date | None, zone: tzinfo) -> datetime | None:
    """The instant a unit's "gia hạn đến ngày D" means: through day D, i.e. before 00:00 of
    the next day in the event's zone (as "trước ngày 05/02" is 00:00 on 05/02)."""
    if day is None:
        return None
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)


def proposed_until(current: datetime | None, asked: datetime | None, at: datetime
                   ) -> datetime:
    """The new deadline offered for one click: what the unit asked for, else its current
    deadline plus ``DEFAULT_EXTENSION_DAYS`` — counted from now when that would already be
    past (a request answered long after the deadline), or when the kind has none."""
    if asked is not None:
        return asked
    days = timedelta(days=DEFAULT_EXTENSION_DAYS)
    if current is not None and current + days > at:
        return current + days
    return at + days
