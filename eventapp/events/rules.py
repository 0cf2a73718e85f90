"""Pure deadline rules (PRODUCT.md §3.1): no database, no request."""

from __future__ import annotations

from datetime import datetime


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
