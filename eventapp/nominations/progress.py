"""The nominations domain on the organizer's dashboard: each filing unit's delivery against
the dossier deadline (done with its first dossier sent) and the dossiers waiting for review."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from eventapp.dashboard.registry import Waiting, register_waiting, waiting_per_event
from eventapp.events import progress

from . import settings
from .models import EDITABLE, Nomination, NominationStatus


def deliveries(event, unit_ids=None, instants: bool = True
               ) -> dict[int, progress.Delivery]:
    """Only the unit kinds that file dossiers in this event; done once one was sent (its
    latest sending counts, as for "on time"); drafts and returned ones are not sent."""
    items = sa.select(Nomination.unit_id, Nomination.submitted_at.label("at")).where(
        Nomination.event_id == event.id, Nomination.submitted_at.is_not(None),
        Nomination.status.not_in([s.value for s in EDITABLE]))
    return progress.counted(event, unit_ids, instants, items, 1, lambda n: f"{n} hồ sơ đã gửi",
                            unit_kinds=settings.of(event).unit_kinds or [])


def waiting() -> list[Waiting]:
    """Dossiers sent and not yet decided ("đã gửi, chờ xét"), per event."""
    return waiting_per_event(Nomination, NominationStatus.submitted.value,
                             "Hồ sơ vinh danh chờ xét", "nominations.index")


def contribute(app: Flask) -> None:
    progress.register(app, settings.DEADLINE, deliveries, page="nominations.index")
    register_waiting(app, waiting)
