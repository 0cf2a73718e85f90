"""The scan's own autocommit connection beside the request's ORM session, and the columns
its insert writes."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventapp.checkin import queries, services
from eventapp.checkin.models import CheckIn, Method
from eventapp.extensions import db
from eventapp.prepared import request_connection
from eventapp.registration.models import Attendee


def checkins() -> int:
    return db.session.scalar(sa.select(sa.func.count(CheckIn.id)))


def seat_of(person) -> str:
    return db.session.scalar(sa.select(Attendee.seat).where(Attendee.id == person.id))


def test_a_scan_refuses_the_callers_pending_changes_instead_of_committing_them(
        app, users, event, people, code_of):
    """The scan writes on its own connection; a change the caller has made in the ORM
    session is the caller's unit of work to commit or drop, never the scan's."""
    session = event.session_by_key("doi-thoai")
    code = code_of(people["binh"])
    people["an"].seat = "B7"  # pending, not flushed
    with pytest.raises(RuntimeError):
        services.check_in_code(event, session, code, staff=users["checkin"])
    db.session.rollback()
    assert seat_of(people["an"]) == "A12" and checkins() == 0

    people["an"].seat = "B8"
    db.session.flush()  # written in the transaction, not committed
    with pytest.raises(RuntimeError):
        services.check_in_attendee(event, session, people["binh"].id, staff=users["checkin"],
                                   method=Method.search)
    db.session.rollback()
    assert seat_of(people["an"]) == "A12" and checkins() == 0


def test_a_scan_after_a_read_ends_the_read_and_is_seen_afterwards(
        app, users, event, people, code_of):
    """A read-only ORM transaction is ended before the scan writes (on SQLite it could
    hold the write lock, and would keep an old snapshot); what the ORM reads next
    includes the new check-in."""
    session = event.session_by_key("doi-thoai")
    assert checkins() == 0  # the ORM's transaction is open now
    result = services.check_in_code(event, session, code_of(people["an"]),
                                    staff=users["checkin"])
    assert result.outcome == "checked_in"
    assert checkins() == 1


def test_the_scan_writes_every_column_of_the_model_but_the_undos(app, users, event, people):
    """The insert's columns come from the model: a column added to ``CheckIn`` is written
    by every scan (or the scan fails its tests), and the scan's values name no other."""
    columns = {c.key for c in CheckIn.__table__.c}
    assert set(queries.INSERT_KEYS) == columns - {"id", "undone_at", "undone_by_id"}
    session = event.session_by_key("doi-thoai")
    ctx = services._Context(event.id, session.id, event.timezone, session.starts_at,
                            users["checkin"].id, "cua1")
    row = queries.BY_ID.first(request_connection(),
                              {"session_id": session.id, "event_id": event.id,
                               "key": people["an"].id})
    values = services._values(ctx, row, Method.scan, "cửa 1", None, None, False)
    assert set(values) == set(queries.INSERT_KEYS)
