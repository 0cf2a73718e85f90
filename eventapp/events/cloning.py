"""Clone an event (nhân bản sự kiện) for its next edition: the same structure, moved in time.

The events package copies what it owns — the event's fields, its sessions, participating
units, topics, categories and caps. Each domain that keeps per-event settings copies its
own from its ``contribute`` with ``register(app, key, copy)``; ``copy(source, target,
shift)`` runs after the structure exists, so a domain finds the new sessions and categories
by key (``target.session_by_key``, ``category_by_key``). Nothing submitted is copied: no
question, delegate, dossier, check-in, decision, extension or failed scan.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError

from eventapp import audit, formatting
from eventapp.errors import Conflict, Invalid
from eventapp.events.models import Category, Event, EventSession, EventUnit, RegistrationCap, Topic
from eventapp.events.services import SLUG_TAKEN, get_event, quoted
from eventapp.extensions import db
from eventapp.units import history

KEY = "event_copiers"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SLUG_RULE = "Chỉ chữ thường không dấu, số và dấu -, tối đa 64 ký tự."
#: The first days a clone may start on: a shift far beyond them would carry a deadline out
#: of the calendar's range.
EARLIEST, LATEST = date(1970, 1, 1), date(2199, 12, 31)


@dataclass(frozen=True)
class Shift:
    """A move by whole days in the event's zone: an instant keeps its time of day there."""

    days: int
    timezone: str

    def instant(self, value: datetime | None) -> datetime | None:
        if value is None:
            return None
        moved = formatting.for_input(value, self.timezone) + timedelta(days=self.days)
        return formatting.typed_in(moved, self.timezone).astimezone(UTC)  # as stored

    def day(self, value: date | None) -> date | None:
        return None if value is None else value + timedelta(days=self.days)

    def copy_row(self, model, source: Event, target: Event, names: Iterable[str],
                 day: str) -> None:
        """``source``'s one row of ``model`` (keyed by event), if it has one, onto
        ``target``: ``names`` as they are, the date ``day`` moved."""
        row = db.session.scalar(sa.select(model).where(model.event_id == source.id))
        if row is not None:
            db.session.add(model(event_id=target.id, **{n: getattr(row, n) for n in names},
                                 **{day: self.day(getattr(row, day))}))
            db.session.flush()


def register(app: Flask, key: str, copy: Callable[[Event, Event, Shift], None]) -> None:
    """Add a domain's copier (its settings of ``source`` onto ``target``, moved by a shift)."""
    app.extensions.setdefault(KEY, {})[key] = copy


def category_by_key(event: Event, key: str) -> Category | None:
    return next((c for c in event.categories if c.key == key), None)


def clone_event(source: Event, slug: str, starts_on: date, user=None) -> Event:
    """A new event ``slug`` like ``source``, its first session on ``starts_on`` (audited)."""
    slug = (slug or "").strip()
    if not SLUG.match(slug) or len(slug) > 64:
        raise Invalid({"slug": SLUG_RULE})
    if not EARLIEST <= starts_on <= LATEST:
        raise Invalid({"starts_on": f"Ngày bắt đầu phải trong khoảng {EARLIEST:%d/%m/%Y} – "
                                    f"{LATEST:%d/%m/%Y}."})
    if not source.sessions:
        raise Invalid({"starts_on": "Sự kiện gốc chưa có phiên nào nên không thể dời lịch."})
    if get_event(slug) is not None:
        raise Conflict(SLUG_TAKEN, field="slug")
    first = formatting.local(source.sessions[0].starts_at, source).date()
    shift = Shift((starts_on - first).days, source.timezone)

    target = Event(slug=slug, title=source.title, theme=source.theme,
                   timezone=source.timezone)
    try:
        # The slug's unique index decides between two clones to the same slug at once; the
        # savepoint keeps the loser's transaction usable for its 409.
        with db.session.begin_nested():
            db.session.add(target)
    except IntegrityError:
        raise Conflict(SLUG_TAKEN, field="slug") from None
    for s in source.sessions:
        target.sessions.append(EventSession(
            key=s.key, name=s.name, starts_at=shift.instant(s.starts_at),
            ends_at=shift.instant(s.ends_at), venue=s.venue, capacity=s.capacity,
            agenda=list(s.agenda or [])))
    # A unit merged by the new date is replaced by the unit it was merged into (once).
    for unit_id in dict.fromkeys(history.successor(p.unit_id, starts_on)
                                 for p in source.participations):
        target.participations.append(EventUnit(unit_id=unit_id))
    for t in source.topics:
        target.topics.append(Topic(name=t.name, position=t.position))
    for c in source.categories:
        target.categories.append(Category(key=c.key, name=c.name, position=c.position))
    db.session.flush()
    for cap in source.caps:
        target.caps.append(RegistrationCap(
            session_id=target.session_by_key(cap.session.key).id,
            category_id=category_by_key(target, cap.category.key).id,
            unit_kind=cap.unit_kind, max_per_unit=cap.max_per_unit))
    db.session.flush()
    for copy in current_app.extensions.get(KEY, {}).values():
        copy(source, target, shift)
    audit.record("event.clone", obj=target, event_id=target.id,
                 summary=f"Nhân bản sự kiện {quoted(source)} sang ngày {starts_on:%d/%m/%Y}",
                 after={"source": source.slug, "starts_on": starts_on.isoformat(),
                        "days": shift.days}, user=user)
    db.session.flush()
    return target
