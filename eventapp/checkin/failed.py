"""The log of refused scans (nhật ký quét lỗi): writing it from the door, reading it for
organizers.

Written on the scan's own autocommit connection (``prepared.request_connection``), so a
row survives the request's rollback: a refused scan answers 4xx, and the request's unit of
work rolls back on >= 400. Only refusals write (a green scan never comes here).

Flooding: a device scanning garbage must not grow the table without bound. Each session
keeps at most ``FAILED_SCANS_PER_SESSION`` rows (config, 1000) — the first ones, which tell
when and where trouble started — while ``failed_scan_tally`` goes on counting every refusal
(one row per session).
Both statements are single autocommitted statements: the cap may be passed by the number of
doors racing at the very moment it is reached, never more.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from eventapp.checkin.models import FailedScan, FailedScanTally
from eventapp.checkin.rules import Outcome, clean_label
from eventapp.database import UTCDateTime
from eventapp.extensions import db
from eventapp.prepared import PooledConnection, Prepared
from eventapp.registration.codes import code_fingerprint

#: Rows kept per session by default (config ``FAILED_SCANS_PER_SESSION``).
MAX_STORED = 1000
FINGERPRINT_LENGTH = 6

FAILED = FailedScan.__table__
TALLY = FailedScanTally.__table__


def short_fingerprint(code: str | None) -> str:
    """The first characters of the fingerprint the offline table uses for ``code`` (the
    code as ``rules.extract_code`` read it, or what was scanned when nothing code-shaped
    was in it): enough to see one card scanned again, never the code."""
    return code_fingerprint(code)[:FINGERPRINT_LENGTH] if code else ""


@functools.cache
def _insert_row() -> Prepared:
    """``INSERT … SELECT`` of one row while the session holds fewer than the cap."""
    stored = (sa.select(sa.func.count()).select_from(FAILED)
              .where(FAILED.c.session_id == sa.bindparam("session_id", type_=sa.Integer))
              .scalar_subquery())
    names = ("event_id", "session_id", "at", "device", "staff_id", "result", "fingerprint")
    types = {"event_id": sa.Integer, "session_id": sa.Integer, "at": UTCDateTime(),
             "staff_id": sa.Integer, "device": sa.String, "result": sa.String,
             "fingerprint": sa.String}
    values = sa.select(*(sa.bindparam(n, type_=types[n]).label(n) for n in names)) \
        .where(stored < sa.bindparam("cap", type_=sa.Integer))
    # RETURNING: ``Prepared`` reads a result; the id is not used.
    return Prepared(sa.insert(FAILED).from_select(names, values).returning(FAILED.c.id))


@functools.cache
def _count(dialect: str) -> Prepared:
    """Add one to the session's tally (an upsert)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(TALLY).values(session_id=sa.bindparam("session_id", type_=sa.Integer),
                                     total=1)
    statement = statement.on_conflict_do_update(index_elements=[TALLY.c.session_id],
                                                set_={"total": TALLY.c.total + 1})
    return Prepared(statement.returning(TALLY.c.total))


def record(connection: PooledConnection, outcome: Outcome, *, event_id: int, session_id: int,
           at: datetime, device: str, staff_id: int | None, code: str | None) -> None:
    """Log one refused scan on the scan's autocommit connection (committed at once)."""
    _count(connection.dialect.name).all(connection, {"session_id": session_id})
    _insert_row().all(connection, {
        "event_id": event_id, "session_id": session_id, "at": at,
        "device": clean_label(device), "staff_id": staff_id, "result": outcome.value,
        "fingerprint": short_fingerprint(code), "cap": stored_cap()})


def stored_cap() -> int:
    return current_app.config.get("FAILED_SCANS_PER_SESSION", MAX_STORED)


# --- Reading, for organizers ------------------------------------------------------------------

class DoorCount(NamedTuple):
    device: str
    count: int


def total(session_id: int) -> int:
    """Every refusal of the session, stored or only counted."""
    return db.session.scalar(sa.select(TALLY.c.total).where(TALLY.c.session_id == session_id)) \
        or 0


def per_door(session_id: int) -> list[DoorCount]:
    """Stored refusals per door label, most first."""
    count = sa.func.count(FAILED.c.id)
    rows = db.session.execute(sa.select(FAILED.c.device, count)
                              .where(FAILED.c.session_id == session_id)
                              .group_by(FAILED.c.device).order_by(count.desc(), FAILED.c.device))
    return [DoorCount(device, n) for device, n in rows]


def scans(session_id: int, limit: int = MAX_STORED) -> list[FailedScan]:
    """The stored refusals of a session, newest first, with the staff account loaded."""
    return list(db.session.scalars(
        sa.select(FailedScan).where(FailedScan.session_id == session_id)
        .options(joinedload(FailedScan.staff))
        .order_by(FailedScan.at.desc(), FailedScan.id.desc()).limit(limit)))


def scans_json(session_key: str, session_id: int) -> dict:
    """The API's answer (``schemas.FailedResult``)."""
    rows = scans(session_id)
    return {"session": session_key, "total": total(session_id), "stored": len(rows),
            "scans": [{"at": row.at.astimezone(UTC).isoformat(), "device": row.device,
                       "staff": row.staff.display_name if row.staff else "",
                       "result": row.result.value, "fingerprint": row.fingerprint}
                      for row in rows]}
