"""Check-in on the organizer's dashboard: a running session's arrivals so far."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask, url_for

from eventapp.checkin import reports
from eventapp.dashboard.registry import Arrivals, register_arrivals
from eventapp.extensions import db
from eventapp.registration.models import Attendee


def arrivals(event, session) -> Arrivals:
    """Expected delegates of the session and how many have arrived (one query; the board
    behind the link has the per-unit detail)."""
    expected, arrived = db.session.execute(reports.expected_select(
        event.id, session.id, sa.func.count(Attendee.id),
        sa.func.sum(reports.arrived_flag(event.id, session.id)))).one()
    return Arrivals(arrived or 0, expected or 0,
                    url_for("checkin.board", slug=event.slug, session=session.key))


def contribute(app: Flask) -> None:
    register_arrivals(app, arrivals)
