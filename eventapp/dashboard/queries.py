"""What the organizer's dashboard shows, read set-based: one query per event and deadline
kind (never one per unit); the domains answer through ``events.progress`` and
``dashboard.registry``."""

from __future__ import annotations

import heapq
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask import url_for

from eventapp.database import UTCDateTime
from eventapp.events import deadlines, progress, requests
from eventapp.events.deadlines import DeadlineKind
from eventapp.events.models import DeadlineExtension, Event, EventSession, EventUnit
from eventapp.events.rules import effective_deadline
from eventapp.extensions import db
from eventapp.formatting import local
from eventapp.units.models import Unit

from . import registry, rules

#: Names of units behind listed under a due deadline; the domain's page has them all.
MAX_NAMES = 12


@dataclass
class DueDeadline:
    """A deadline in the next 14 days and the units still behind on it."""

    event: Event
    kind: DeadlineKind
    deadline: datetime
    concerned: int = 0
    behind: int = 0
    names: list[str] = field(default_factory=list)
    url: str | None = None


def events() -> list[Event]:
    return list(db.session.scalars(sa.select(Event).order_by(Event.created_at.desc())))


def due_deadlines(all_events: list[Event], at: datetime) -> list[DueDeadline]:
    """Every event-wide deadline due within ``rules.DUE_DAYS``, soonest first, with the
    concerned units that have not yet sent what is expected."""
    due = []
    for event in all_events:
        names = None
        for kind in deadlines.kinds():
            deadline = kind.deadline_of(event)
            if not rules.is_due(deadline, at):
                continue
            row = DueDeadline(event, kind, deadline)
            found = progress.deliveries(event, kind.key, instants=False)
            page = progress.page_endpoint(kind.key)
            row.url = url_for(page, slug=event.slug) if page else None
            if found is not None:
                behind = [uid for uid, d in found.items() if not d.done]
                names = names if names is not None else _unit_names(event.id)
                row.concerned, row.behind = len(found), len(behind)
                row.names = heapq.nsmallest(MAX_NAMES, (names[uid] for uid in behind),
                                            key=rules.name_order)
            due.append(row)
    return sorted(due, key=lambda r: r.deadline)


def _unit_names(event_id: int) -> dict[int, str]:
    return dict(db.session.execute(sa.select(Unit.id, Unit.name).join(EventUnit).where(
        EventUnit.event_id == event_id)).all())


@dataclass
class EventWork:
    """The organizer's work waiting in one event (moderation, review, extension requests)."""

    event: Event
    items: list[registry.Waiting] = field(default_factory=list)


def waiting(all_events: list[Event]) -> list[EventWork]:
    by_id = {e.id: EventWork(e) for e in all_events}
    found = registry.waiting()
    found += [registry.Waiting(event_id, "Đơn xin gia hạn chờ trả lời", n, url_for(
        "events.extensions", slug=by_id[event_id].event.slug))
        for event_id, n in requests.pending_counts().items() if event_id in by_id]
    for item in found:
        if item.event_id in by_id and item.count:
            by_id[item.event_id].items.append(item)
    return [w for w in by_id.values() if w.items]


@dataclass
class RunningSession:
    event: Event
    session: EventSession
    arrivals: registry.Arrivals | None


def running_sessions(at: datetime) -> list[RunningSession]:
    """Sessions under way now, with their live arrivals (one query per running session)."""
    started = db.session.scalars(
        sa.select(EventSession).where(EventSession.starts_at <= at,
                                      EventSession.starts_at > at - rules.LONGEST_SESSION)
        .order_by(EventSession.starts_at)).all()
    return [RunningSession(s.event, s, registry.arrivals(s.event, s)) for s in started
            if rules.is_running(s.starts_at, s.ends_at, at)]


def first_starts(all_events: list[Event]) -> dict[int, datetime | None]:
    """Each event's first session start (None without sessions), in one grouped query."""
    first = sa.type_coerce(sa.func.min(EventSession.starts_at), UTCDateTime)  # keeps UTC
    starts = dict(db.session.execute(
        sa.select(EventSession.event_id, first).group_by(EventSession.event_id)).all())
    return {e.id: starts.get(e.id) for e in all_events}


def year_view(all_events: list[Event], year: int) -> dict[int, list[Event]]:
    """Events by month of ``year`` (in each event's zone), by their first session, or by
    creation for an event without sessions."""
    starts = first_starts(all_events)
    return rules.by_month(((e, local(starts[e.id] or e.created_at, e)) for e in all_events),
                          year)


def years(all_events: list[Event]) -> list[int]:
    starts = first_starts(all_events)
    return sorted({local(starts[e.id] or e.created_at, e).year for e in all_events})


# --- A unit across events --------------------------------------------------------------------

@dataclass
class UnitLine:
    """One deadline of one event, for one unit."""

    event: Event
    kind: DeadlineKind
    deadline: datetime
    effective: datetime
    delivery: progress.Delivery
    outcome: rules.Outcome


def unit_history(unit_ids: list[int], at: datetime) -> dict[int, list[UnitLine]]:
    """For each unit, every deadline of every event it takes part in that concerns it, with
    what it sent and whether on time: one query per event and kind for all the units."""
    taking_part = db.session.execute(sa.select(EventUnit.event_id, EventUnit.unit_id).where(
        EventUnit.unit_id.in_(unit_ids))).all()
    units_of: dict[int, set[int]] = defaultdict(set)
    for event_id, unit_id in taking_part:
        units_of[event_id].add(unit_id)
    extensions = {(x.event_id, x.unit_id, x.kind): x.deadline for x in db.session.scalars(
        sa.select(DeadlineExtension).where(DeadlineExtension.unit_id.in_(unit_ids)))}
    lines: dict[int, list[UnitLine]] = {uid: [] for uid in unit_ids}
    for event in db.session.scalars(sa.select(Event).where(Event.id.in_(list(units_of)))):
        for kind in deadlines.kinds():
            base = kind.deadline_of(event)
            if base is None:
                continue
            found = progress.deliveries(event, kind.key, units_of[event.id]) or {}
            for unit_id in units_of[event.id] & found.keys():
                delivery = found[unit_id]
                effective = effective_deadline(base, extensions.get((event.id, unit_id,
                                                                     kind.key)))
                lines[unit_id].append(UnitLine(event, kind, base, effective, delivery,
                                               rules.outcome(delivery.done, delivery.sent_at,
                                                             base, effective, at)))
    for rows in lines.values():
        rows.sort(key=lambda line: line.deadline, reverse=True)
    return lines


def tally(lines: list[UnitLine]) -> dict[rules.Outcome, int]:
    """How many of a unit's deadlines ended in each outcome."""
    counts = dict.fromkeys(rules.Outcome, 0)
    for line in lines:
        counts[line.outcome] += 1
    return counts
