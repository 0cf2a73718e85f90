"""Reading attendees: list filters, search that ignores diacritics, seat counts.

Filters travel in the query string by key, so a filtered list, its Excel export and its
print-outs share one URL shape: ``session=<key>``, ``unit=<code>`` (or ``khach-moi`` for
invited guests), ``category=<key>``, ``checkin=yes|no``, ``q=<text>``,
``status=cancelled``. A unit account is always limited to its own unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from eventapp.events.models import Category, Event, EventSession
from eventapp.extensions import db
from eventapp.registration import checkins, rules
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import Attendee, AttendeeStatus, attendee_session
from eventapp.text import fold
from eventapp.units.models import Unit

GUESTS = "khach-moi"
PER_PAGE = 100


@dataclass
class Filters:
    session: EventSession | None = None
    unit: Unit | None = None
    #: Only invited guests (khách mời), who belong to no unit.
    guests: bool = False
    category: Category | None = None
    #: True: checked in; False: not yet; None: everyone.
    checked_in: bool | None = None
    q: str = ""
    cancelled: bool = False
    #: The unit is imposed by the account (a unit sees only its own), not chosen.
    scoped: bool = False

    def args(self) -> dict[str, str]:
        """The query-string form of the chosen filters (for links to export and print)."""
        unit = None if self.scoped else self.unit.code if self.unit else None
        found = {"session": self.session.key if self.session else None,
                 "unit": GUESTS if self.guests else unit,
                 "category": self.category.key if self.category else None,
                 "checkin": {True: "yes", False: "no"}.get(self.checked_in),
                 "q": self.q or None, "status": "cancelled" if self.cancelled else None}
        return {k: v for k, v in found.items() if v}

    @property
    def active(self) -> bool:
        return bool(self.args())


def parse_filters(catalog: Catalog, args: Mapping, user) -> Filters:
    """Filters from a query string; unknown values are ignored, a unit sees only its own."""
    filters = Filters()
    key = args.get("session") or ""
    filters.session = next((s for s in catalog.sessions if s.key == key), None)
    key = args.get("category") or ""
    filters.category = next((c for c in catalog.categories if c.key == key), None)
    filters.checked_in = {"yes": True, "no": False}.get(args.get("checkin") or "")
    filters.q = (args.get("q") or "").strip()[:100]
    filters.cancelled = args.get("status") == "cancelled"
    if user.is_organizer:
        code = args.get("unit") or ""
        filters.guests = code == GUESTS
        filters.unit = None if filters.guests else catalog.unit(code)
    else:
        filters.unit, filters.scoped = user.unit, True
    return filters


def apply(stmt: sa.Select, event: Event, filters: Filters) -> sa.Select:
    """Add the filters' WHERE clauses to a select over ``Attendee``."""
    status = AttendeeStatus.cancelled if filters.cancelled else AttendeeStatus.active
    stmt = stmt.where(Attendee.event_id == event.id, Attendee.status == status.value)
    if filters.unit is not None:
        stmt = stmt.where(Attendee.unit_id == filters.unit.id)
    elif filters.guests:
        stmt = stmt.where(Attendee.unit_id.is_(None))
    if filters.category is not None:
        stmt = stmt.where(Attendee.category_id == filters.category.id)
    if filters.session is not None:
        stmt = stmt.where(Attendee.id.in_(
            sa.select(attendee_session.c.attendee_id)
            .where(attendee_session.c.session_id == filters.session.id)))
    if filters.checked_in is not None:
        stmt = stmt.where(checkins.checked_in_filter(
            event.id, filters.session.id if filters.session else None, Attendee.id,
            filters.checked_in))
    if filters.q:
        folded = fold(filters.q)
        clauses = [Attendee.name_key.contains(folded, autoescape=True)]
        if any(ch.isdigit() for ch in filters.q):
            clauses.append(Attendee.phone.contains(filters.q, autoescape=True))
        if "@" in filters.q:
            clauses.append(Attendee.email.contains(filters.q.lower(), autoescape=True))
        stmt = stmt.where(sa.or_(*clauses))
    return stmt


def ordered(stmt: sa.Select) -> sa.Select:
    """Guests first, then units by code, categories in the event's order, then in the order
    the unit registered them (units list their head of delegation first)."""
    return (stmt.outerjoin(Unit, Unit.id == Attendee.unit_id)
            .join(Category, Category.id == Attendee.category_id)
            .order_by(sa.case((Attendee.unit_id.is_(None), 0), else_=1), Unit.code,
                      Category.position, Attendee.id))


def attendees(event: Event, filters: Filters) -> sa.Select:
    """Attendee entities matching ``filters``, in list order, with their sessions."""
    return ordered(apply(sa.select(Attendee), event, filters)).options(
        selectinload(Attendee.sessions))


def count(event: Event, filters: Filters) -> int:
    return db.session.scalar(apply(sa.select(sa.func.count(Attendee.id)), event, filters))


def page_of(event: Event, filters: Filters, page: int) -> tuple[list[Attendee], int, int]:
    """(attendees on ``page``, total, number of pages)."""
    total = count(event, filters)
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    items = db.session.scalars(attendees(event, filters).limit(PER_PAGE)
                               .offset((page - 1) * PER_PAGE)).all()
    return list(items), total, pages


# --- Seat counts ----------------------------------------------------------------------

@dataclass
class Seats:
    """One limit and how full it is: a session's capacity, a unit's cap, the unit's default
    limit in a session (``category`` None, ``kind`` "default")."""

    label: str
    session: EventSession
    category: Category | None
    count: int
    maximum: int | None
    kind: str = "cap"

    @property
    def text(self) -> str:
        return rules.seats_text(self.count, self.maximum)

    @property
    def full(self) -> bool:
        return self.maximum is not None and self.count >= self.maximum

    @property
    def left(self) -> int | None:
        return None if self.maximum is None else max(0, self.maximum - self.count)


@dataclass
class SessionSeats(Seats):
    """A session's seats: all of them, those kept for the organizer's guests, and what is
    left to units (``units_count``: seats units' delegates hold)."""

    reserved: int = 0
    units_count: int = 0

    @property
    def guests_count(self) -> int:
        return self.count - self.units_count

    @property
    def units_left(self) -> int | None:
        """Seats a unit may still take: the units' share left, within what the hall has."""
        if self.maximum is None:
            return None
        return max(0, min(self.maximum - self.reserved - self.units_count,
                          self.maximum - self.count))


def session_seats(event: Event) -> list[SessionSeats]:
    """Registered / capacity for every session, with the seats reserved for guests."""
    from eventapp.registration import settings

    catalog = Catalog(event)
    active = sa.select(attendee_session.c.session_id, sa.func.count()).join(
        Attendee, Attendee.id == attendee_session.c.attendee_id).where(
        Attendee.event_id == event.id, Attendee.status == AttendeeStatus.active.value
    ).group_by(attendee_session.c.session_id)
    counts = dict(db.session.execute(active).all())
    units = dict(db.session.execute(active.where(
        Attendee.unit_id.is_not(None),
        Attendee.category_id.not_in(catalog.organizer_only))).all())
    reserved = settings.reserved(event)
    return [SessionSeats(session_label(catalog, s), s, None, counts.get(s.id, 0), s.capacity,
                         "capacity", reserved.get(s.id, 0) if s.capacity else 0,
                         units.get(s.id, 0))
            for s in catalog.sessions]


def unit_seats(event: Event, unit: Unit) -> list[Seats]:
    """The limits that hold ``unit``, each with its count ("3/5 chỗ đã đăng ký"): its caps,
    then per session its default limit for the categories no cap covers."""
    from eventapp.registration import services

    catalog = Catalog(event)
    limits = services.maxima(event, unit)
    counts = {(s, c): n for s, c, n in db.session.execute(
        sa.select(attendee_session.c.session_id, Attendee.category_id, sa.func.count())
        .join(Attendee, Attendee.id == attendee_session.c.attendee_id)
        .where(Attendee.event_id == event.id, Attendee.unit_id == unit.id,
               Attendee.status == AttendeeStatus.active.value)
        .group_by(attendee_session.c.session_id, Attendee.category_id))}
    used = rules.unit_used(counts, limits, catalog.organizer_only)
    found = []
    for session in catalog.sessions:
        for category in catalog.categories:
            key = rules.cap_key(session.id, category.id)
            if key in limits and category.id not in catalog.organizer_only:
                found.append(Seats(f"{session_label(catalog, session)} — {category.name}",
                                   session, category, used.get(key, 0), limits[key]))
    for session in catalog.sessions:
        key = rules.default_key(session.id)
        if key in limits:
            found.append(Seats(f"{session_label(catalog, session)} — các thành phần khác",
                               session, None, used.get(key, 0), limits[key], "default"))
    return found


def unit_total(event: Event, unit: Unit) -> int:
    return db.session.scalar(sa.select(sa.func.count(Attendee.id)).where(
        Attendee.event_id == event.id, Attendee.unit_id == unit.id,
        Attendee.status == AttendeeStatus.active.value)) or 0
