"""The registration domain on the organizer's dashboard: each unit's delivery against the
registration deadline (done with its first delegate registered)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from eventapp.events import progress

from . import settings
from .models import Attendee, AttendeeStatus


def deliveries(event, unit_ids=None, instants: bool = True
               ) -> dict[int, progress.Delivery]:
    """Every unit: done once it has registered a delegate (cancelled and refused ones do
    not count)."""
    items = sa.select(Attendee.unit_id, Attendee.created_at.label("at")).where(
        Attendee.event_id == event.id, Attendee.unit_id.is_not(None),
        Attendee.status.not_in([AttendeeStatus.cancelled.value,
                                AttendeeStatus.rejected.value]))
    return progress.counted(event, unit_ids, instants, items, 1, lambda n: f"{n} đại biểu")


def contribute(app: Flask) -> None:
    progress.register(app, settings.DEADLINE, deliveries, page="registration.index")
