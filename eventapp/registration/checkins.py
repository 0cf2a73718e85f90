"""Check-in times for attendee lists and exports, read from the check-in domain's table.

Registration never writes check-ins; it only asks "who is checked in, and when". Every
read goes through ``checkin_rows(event_id, session_id)``: a SELECT of
``(attendee_id, checked_in_at)`` for active check-ins. The integrator (or the check-in
domain) can install its own query with ``set_source(fn)``. Until then a table named
``checkin`` is used when the models define one with ``attendee_id``, ``session_id`` and
``checked_in_at`` (rows with ``undone_at`` set are ignored); with no such table nobody is
checked in and the check-in column stays empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

import sqlalchemy as sa

from eventapp.extensions import db

Source = Callable[[int, int | None], sa.Select | None]
_source: Source | None = None


def set_source(fn: Source | None) -> None:
    """Install ``fn(event_id, session_id) -> Select(attendee_id, checked_in_at)`` (None:
    back to the default)."""
    global _source
    _source = fn


def _default_source(event_id: int, session_id: int | None) -> sa.Select | None:
    table = db.metadata.tables.get("checkin")
    if table is None or not {"attendee_id", "session_id", "checked_in_at"} <= set(table.c.keys()):
        return None
    stmt = sa.select(table.c.attendee_id.label("attendee_id"),
                     table.c.checked_in_at.label("checked_in_at"))
    if "event_id" in table.c:
        stmt = stmt.where(table.c.event_id == event_id)
    if "undone_at" in table.c:
        stmt = stmt.where(table.c.undone_at.is_(None))
    if session_id is not None:
        stmt = stmt.where(table.c.session_id == session_id)
    return stmt


def checkin_rows(event_id: int, session_id: int | None = None) -> sa.Select | None:
    """Active check-ins of the event (of one session when given), or None when the app has
    no check-in data at all."""
    return (_source or _default_source)(event_id, session_id)


def checked_in_filter(event_id: int, session_id: int | None, attendee_id_column,
                      checked_in: bool):
    """A WHERE clause: the attendee has (or has not) checked in (to ``session_id``)."""
    rows = checkin_rows(event_id, session_id)
    if rows is None:
        return sa.false() if checked_in else sa.true()
    ids = sa.select(rows.subquery().c.attendee_id)
    return attendee_id_column.in_(ids) if checked_in else attendee_id_column.not_in(ids)


def first_checkin_column(event_id: int, session_id: int | None, attendee_id_column):
    """A correlated scalar subquery: the attendee's earliest active check-in, or NULL."""
    rows = checkin_rows(event_id, session_id)
    if rows is None:
        return sa.null().label("checked_in_at")
    columns = rows.selected_columns
    return (rows.with_only_columns(sa.func.min(columns.checked_in_at))
            .where(columns.attendee_id == attendee_id_column).scalar_subquery())


def first_checkins(event_id: int, session_id: int | None, attendee_ids: Iterable[int]
                   ) -> dict[int, datetime]:
    """The earliest active check-in time of each attendee among ``attendee_ids``."""
    ids = list(attendee_ids)
    rows = checkin_rows(event_id, session_id)
    if rows is None or not ids:
        return {}
    sub = rows.subquery()
    stmt = (sa.select(sub.c.attendee_id, sa.func.min(sub.c.checked_in_at))
            .where(sub.c.attendee_id.in_(ids)).group_by(sub.c.attendee_id))
    times: dict[int, datetime] = {}
    for attendee_id, at in db.session.execute(stmt):
        times[attendee_id] = aware(at)
    return times


def aware(value):
    """An aware UTC datetime from what an aggregate returns (naive, or text on SQLite)."""
    from datetime import UTC

    if isinstance(value, str):  # SQLite returns text from an aggregate
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
