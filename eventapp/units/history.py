"""A unit over time (đơn vị qua các thời kỳ): its history, its name at a date, its merge.

The name-in-time rule lives here, in one place: an event's pages and exports show
``EventUnit.name``, the unit's name at the event's day. ``name_at`` gives that name from the
history; ``services.rename_unit`` moves it forward for events on or after a rename's date.
An event's day is the local date of its first session; an event with no session yet has no
day, and follows the unit's current name.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from eventapp import formatting
from eventapp.events.models import Event, EventSession, EventUnit
from eventapp.extensions import db
from eventapp.units.models import Unit, UnitChange, UnitChangeKind


def name_in_event(event_id: int, unit_id_column):
    """SQL for the unit's name at the event (``EventUnit.name``), in place of ``Unit.name`` in
    a query that lists one event's rows (NULL for a row without a unit: a guest)."""
    return (sa.select(EventUnit.name)
            .where(EventUnit.event_id == event_id, EventUnit.unit_id == unit_id_column)
            .correlate_except(EventUnit).scalar_subquery())


def changes(unit: Unit) -> list[UnitChange]:
    """The unit's history, newest first (the page's and the API's order)."""
    return list(db.session.scalars(
        sa.select(UnitChange).where(UnitChange.unit_id == unit.id)
        .order_by(UnitChange.effective_on.desc(), UnitChange.id.desc())))


def merge_of(unit_id: int) -> UnitChange | None:
    """The unit's merge into another, or None while it stands on its own."""
    return db.session.scalar(sa.select(UnitChange).where(
        UnitChange.unit_id == unit_id, UnitChange.kind == UnitChangeKind.merge))


def last_rename(unit_id: int) -> UnitChange | None:
    return db.session.scalar(
        sa.select(UnitChange).where(UnitChange.unit_id == unit_id,
                                    UnitChange.kind == UnitChangeKind.rename)
        .order_by(UnitChange.effective_on.desc(), UnitChange.id.desc()).limit(1))


def name_at(unit: Unit, day: date | None) -> str:
    """The unit's name on ``day``: the old name of its first rename after that day, else its
    current name (so a correction of today's name, without a date, is not history)."""
    if day is None:
        return unit.name
    first_later = db.session.scalar(
        sa.select(UnitChange.old_name)
        .where(UnitChange.unit_id == unit.id, UnitChange.kind == UnitChangeKind.rename,
               UnitChange.effective_on > day)
        .order_by(UnitChange.effective_on, UnitChange.id).limit(1))
    return first_later if first_later is not None else unit.name


def event_days(event_ids) -> dict[int, date | None]:
    """Each event's day: the local date of its first session (None without sessions)."""
    first = dict(db.session.execute(
        sa.select(EventSession.event_id, sa.func.min(EventSession.starts_at))
        .where(EventSession.event_id.in_(event_ids)).group_by(EventSession.event_id)).all())
    zones = dict(db.session.execute(
        sa.select(Event.id, Event.timezone).where(Event.id.in_(event_ids))).all())
    return {eid: formatting.local(first[eid], zones[eid]).date() if first.get(eid) else None
            for eid in zones}


def participations(unit: Unit) -> list[tuple[EventUnit, date | None]]:
    """The events ``unit`` takes part in, each with its day, earliest first (undated last)."""
    rows = list(db.session.scalars(sa.select(EventUnit).where(EventUnit.unit_id == unit.id)))
    days = event_days([p.event_id for p in rows])
    return sorted(((p, days[p.event_id]) for p in rows),
                  key=lambda pair: (pair[1] is None, pair[1] or date.min, pair[0].event_id))


def successor(unit_id: int, day: date | None) -> int:
    """Who stands for ``unit_id`` in an event on ``day``: the unit itself, or (following a
    chain of merges) the unit it was merged into on or before that day."""
    seen = {unit_id}
    while (merge := merge_of(unit_id)) is not None and merge.merged_into_id is not None \
            and (day is None or merge.effective_on <= day):
        unit_id = merge.merged_into_id
        if unit_id in seen:  # refused when merging, but a loop must never hang a page
            break
        seen.add(unit_id)
    return unit_id
