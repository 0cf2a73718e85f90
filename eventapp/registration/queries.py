"""Reading attendees: list filters, search that ignores diacritics, seat counts.

Filters travel in the query string by key, so a filtered list, its Excel export and its
print-outs share one URL shape: ``session=<key>``, ``unit=<code>`` (or ``khach-moi`` for
invited guests), ``category=<key>``, ``checkin=yes|no``, ``q=<text>``,
``status=cancelled|pending|rejected``. A unit account is always limited to its own unit.

Without a status the list page (and the API's list) shows every current registration —
approved, waiting for approval (chờ duyệt) and refused (bị từ chối) — while print-outs,
signature sheets and exports take the approved ones only (``listed``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from eventapp.database import contains
from eventapp.errors import NotFound
from eventapp.events.models import Category, Event, EventSession, EventUnit
from eventapp.extensions import db
from eventapp.registration import checkins, places, rules, settings
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import (
    CURRENT,
    HOLDING,
    Attendee,
    AttendeeStatus,
    attendee_session,
)
from eventapp.text import fold
from eventapp.units.access import NOT_ACTED_FOR, unit_acted_for, unit_shown
from eventapp.units.models import Unit
from eventapp.units.rules import GROUP_BY_PARENT
from eventapp.units.tree import ParentGroupSql

GUESTS = "khach-moi"
#: The review filters (``?status=``): waiting for the organizer, refused by them.
REVIEW = (AttendeeStatus.pending.value, AttendeeStatus.rejected.value)
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
    #: "pending", "rejected" or "active": only the registrations waiting for approval,
    #: refused, or approved (the default list shows the three).
    review: str = ""
    #: The unit is imposed by the account (a unit sees only its own), not chosen.
    scoped: bool = False
    #: The export grouped by the units' parent (``?group=parent``).
    by_parent: bool = False

    def args(self) -> dict[str, str]:
        """The query-string form of the chosen filters (for links to export and print)."""
        unit = None if self.scoped else self.unit.code if self.unit else None
        found = {"session": self.session.key if self.session else None,
                 "unit": GUESTS if self.guests else unit,
                 "category": self.category.key if self.category else None,
                 "checkin": {True: "yes", False: "no"}.get(self.checked_in),
                 "q": self.q or None,
                 "status": "cancelled" if self.cancelled else self.review or None,
                 "group": GROUP_BY_PARENT if self.by_parent else None}
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
    status = args.get("status") or ""
    filters.cancelled = status == "cancelled"
    filters.review = status if status in (*REVIEW, AttendeeStatus.active.value) else ""
    filters.by_parent = args.get("group") == GROUP_BY_PARENT
    if user.is_organizer:
        code = args.get("unit") or ""
        filters.guests = code == GUESTS
        filters.unit = None if filters.guests else catalog.unit(code)
    else:  # a unit: a child it names, else its own (naming another unit changes nothing)
        filters.unit = unit_acted_for(user, catalog.event, args.get("unit")) or \
            unit_shown(user, catalog.event)
        if filters.unit is None:  # never "no filter": that would be every unit's list
            raise NotFound(NOT_ACTED_FOR)
        filters.scoped = filters.unit.id == user.unit_id
    return filters


def apply(stmt: sa.Select, event: Event, filters: Filters, listed: bool = False
          ) -> sa.Select:
    """Add the filters' WHERE clauses to a select over ``Attendee``. ``listed``: the list
    page's default takes pending and refused registrations too (see the module docstring)."""
    # "Người đã hủy" lists the delegates replaced by a substitute too: both codes are revoked.
    if filters.cancelled:
        status = Attendee.status.in_([AttendeeStatus.cancelled.value,
                                      AttendeeStatus.substituted.value])
    elif filters.review:
        status = Attendee.status == filters.review
    elif listed:
        status = Attendee.status.in_(CURRENT)
    else:
        status = Attendee.status == AttendeeStatus.active.value
    stmt = stmt.where(Attendee.event_id == event.id, status)
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
        clauses = [contains(Attendee.name_key, folded)]
        if any(ch.isdigit() for ch in filters.q):
            clauses.append(contains(Attendee.phone, filters.q))
        if "@" in filters.q:
            clauses.append(contains(Attendee.email, filters.q.lower()))
        stmt = stmt.where(sa.or_(*clauses))
    return stmt


def ordered(stmt: sa.Select, group: ParentGroupSql | None = None) -> sa.Select:
    """Guests first, then units by code, categories in the event's order, then in the order
    the unit registered them (units list their head of delegation first). ``group``: units
    grouped by their parent first (guests still lead)."""
    stmt = (stmt.outerjoin(Unit, Unit.id == Attendee.unit_id)
            .join(Category, Category.id == Attendee.category_id))
    first = sa.case((Attendee.unit_id.is_(None), 0), else_=1)
    if group is not None:
        return group.join(stmt).order_by(first, *group.order, Unit.code, Category.position,
                                         Attendee.id)
    return stmt.order_by(first, Unit.code, Category.position, Attendee.id)


def attendees(event: Event, filters: Filters, listed: bool = False) -> sa.Select:
    """Attendee entities matching ``filters``, in list order, with their sessions."""
    return ordered(apply(sa.select(Attendee), event, filters, listed)).options(
        selectinload(Attendee.sessions))


def count(event: Event, filters: Filters) -> int:
    return db.session.scalar(apply(sa.select(sa.func.count(Attendee.id)), event, filters))


def page_of(event: Event, filters: Filters, page: int) -> Pagination:
    """The attendees on ``page``; a page past the end shows the last one."""
    found = db.paginate(attendees(event, filters, True), page=max(1, page),
                        per_page=PER_PAGE, error_out=False)
    if found.page > found.pages > 0:
        found = db.paginate(attendees(event, filters, True), page=found.pages,
                            per_page=PER_PAGE)
    return found


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
    catalog = Catalog(event)
    active = sa.select(attendee_session.c.session_id, sa.func.count()).join(
        Attendee, Attendee.id == attendee_session.c.attendee_id).where(
        Attendee.event_id == event.id, Attendee.status.in_(HOLDING)
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
    catalog = Catalog(event)
    limits = places.maxima(event, unit)
    counts = {(s, c): n for s, c, n in db.session.execute(
        sa.select(attendee_session.c.session_id, Attendee.category_id, sa.func.count())
        .join(Attendee, Attendee.id == attendee_session.c.attendee_id)
        .where(Attendee.event_id == event.id, Attendee.unit_id == unit.id,
               Attendee.status.in_(HOLDING))
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


def unit_total(event: Event, unit: Unit, status: str | None = None) -> int:
    """The unit's delegates holding a place (approved or waiting), or those of ``status``."""
    held = Attendee.status.in_(HOLDING) if status is None else Attendee.status == status
    return db.session.scalar(sa.select(sa.func.count(Attendee.id)).where(
        Attendee.event_id == event.id, Attendee.unit_id == unit.id, held)) or 0


def waiting(event: Event) -> int:
    """Registrations of ``event`` waiting for the organizer's approval (chờ duyệt)."""
    return db.session.scalar(sa.select(sa.func.count(Attendee.id)).where(
        Attendee.event_id == event.id,
        Attendee.status == AttendeeStatus.pending.value)) or 0


def units_without_delegates(event: Event, _now) -> dict[int, dict]:
    """The audience ``no_delegates``: units of the event with no delegate approved or
    waiting for approval (one query)."""
    delegated = (sa.select(Attendee.unit_id).where(
        Attendee.event_id == event.id, Attendee.unit_id.is_not(None),
        Attendee.status.in_(HOLDING)))
    ids = db.session.scalars(sa.select(EventUnit.unit_id).where(
        EventUnit.event_id == event.id, EventUnit.unit_id.not_in(delegated)))
    return {unit_id: {} for unit_id in ids}
