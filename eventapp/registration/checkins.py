"""Check-in times for attendee lists and exports, asked of the check-in domain.

Registration never writes check-ins; it only asks "who has checked in, and when", and the
one answer is ``eventapp.checkin.queries.checked_in`` (active check-ins: an undone one does
not count).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa

from eventapp.checkin.queries import checked_in
from eventapp.extensions import db


def checked_in_filter(event_id: int, session_id: int | None, attendee_id_column,
                      arrived: bool):
    """A WHERE clause: the attendee has (or has not) checked in (to ``session_id``)."""
    rows = checked_in(event_id, session_id)
    ids = rows.with_only_columns(rows.selected_columns.attendee_id)
    return attendee_id_column.in_(ids) if arrived else attendee_id_column.not_in(ids)


def first_checkin_column(event_id: int, session_id: int | None, attendee_id_column):
    """A correlated scalar subquery: the attendee's earliest active check-in, or NULL."""
    rows = checked_in(event_id, session_id)
    columns = rows.selected_columns
    return (rows.with_only_columns(sa.func.min(columns.checked_in_at))
            .where(columns.attendee_id == attendee_id_column).scalar_subquery())


def first_checkins(event_id: int, session_id: int | None, attendee_ids: Iterable[int]
                   ) -> dict[int, datetime]:
    """The earliest active check-in time of each attendee among ``attendee_ids``."""
    ids = list(attendee_ids)
    if not ids:
        return {}
    sub = checked_in(event_id, session_id).subquery()
    stmt = (sa.select(sub.c.attendee_id, sa.func.min(sub.c.checked_in_at))
            .where(sub.c.attendee_id.in_(ids)).group_by(sub.c.attendee_id))
    return {attendee_id: aware(at) for attendee_id, at in db.session.execute(stmt)}


def aware(value):
    """An aware UTC datetime from what an aggregate returns (naive, or text on SQLite)."""
    if isinstance(value, str):  # SQLite returns text from an aggregate
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value
