"""The unit home page's check-in line: once doors open, how many of the unit's delegates
have arrived and who is still missing, so the unit can call them."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp.checkin import reports
from eventapp.checkin.models import CheckIn
from eventapp.events.summaries import Summary
from eventapp.extensions import db
from eventapp.registration.models import Attendee

MAX_NAMES = 10


def checkin_summary(event, unit) -> Summary | None:
    """None until the first check-in of the event (nothing to report before the day)."""
    started = set(db.session.scalars(
        sa.select(CheckIn.session_id).where(CheckIn.event_id == event.id).distinct()))
    if not started:
        return None
    details, expected_total, arrived_total = [], 0, 0
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
        expected_total += expected
        arrived_total += arrived
        names = reports.missing(event, session, [str(unit.id)], limit=MAX_NAMES) \
            .get(str(unit.id), [])
        line = f"{session.name[:60]}: {arrived}/{expected} đã đến"
        if names:
            more = expected - arrived - len(names)
            line += "; chưa đến: " + ", ".join(p["full_name"] for p in names) + \
                (f" và {more} người khác" if more > 0 else "")
        details.append(line)
    if not expected_total:
        return None
    return Summary(title="Đại biểu đã đến (check-in tại hội trường)",
                   status=f"{arrived_total}/{expected_total} đã đến",
                   done=arrived_total >= expected_total, details=details)
