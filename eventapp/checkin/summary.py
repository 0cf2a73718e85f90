"""The unit home page's check-in line: once doors open, how many of the unit's delegates
have arrived and who is still missing, so the unit can call them.

The line says what it counts: "đã đến / dự kiến" of one named session (the latest with
check-ins), each session's own figures below it; registration's line beside it counts people
("N đại biểu đã đăng ký"), so neither reads as the other's total."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp.checkin import reports
from eventapp.checkin.models import CheckIn
from eventapp.events.summaries import Summary
from eventapp.extensions import db
from eventapp.formatting import number
from eventapp.registration.models import Attendee

MAX_NAMES = 10


def checkin_summary(event, unit) -> Summary | None:
    """None until the first check-in of the event (nothing to report before the day)."""
    started = set(db.session.scalars(
        sa.select(CheckIn.session_id).where(CheckIn.event_id == event.id).distinct()))
    if not started:
        return None
    details, latest = [], None
    for session in event.sessions:
        if session.id not in started:
            continue
        expected, arrived = db.session.execute(
            reports.expected_select(event.id, session.id, sa.func.count(Attendee.id),
                                    sa.func.sum(reports.arrived_flag(event.id, session.id)))
            .where(Attendee.unit_id == unit.id)).one()
        arrived = arrived or 0
        if not expected:
            continue
        latest = (session, arrived, expected)
        names = reports.missing(event, session, [str(unit.id)], limit=MAX_NAMES) \
            .get(str(unit.id), [])
        line = f"{session.name[:60]}: {number(arrived)}/{number(expected)} đã đến / dự kiến"
        if names:
            more = expected - arrived - len(names)
            line += "; chưa đến: " + ", ".join(p["full_name"] for p in names) + \
                (f" và {more} người khác" if more > 0 else "")
        details.append(line)
    if latest is None:
        return None
    # One session's figures, named: a sum over sessions counts a delegate once per session
    # and would sit beside "N đại biểu đã đăng ký" as if both counted people.
    session, arrived, expected = latest
    return Summary(title="Đại biểu đã đến (check-in tại hội trường)",
                   status=f"{number(arrived)}/{number(expected)} đã đến / dự kiến — "
                          f"{short(session.name)}",
                   done=arrived >= expected, details=details)


def short(name: str, limit: int = 40) -> str:
    return name if len(name) <= limit else name[:limit - 1].rstrip() + "…"
