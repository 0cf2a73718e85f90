"""Reading and writing the ``checkin`` table's rows as plain Core: the statements a scan,
the door's lists and the board share, and the small refs that stand in for ORM objects
on the scan's path. ``services`` decides; this module only asks the database.
"""

from __future__ import annotations

import functools
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from eventapp.accounts.models import User
from eventapp.checkin.models import CheckIn
from eventapp.errors import Invalid, NotFound
from eventapp.events.models import Category, Event, EventSession, EventUnit
from eventapp.extensions import db
from eventapp.prepared import Prepared
from eventapp.registration.models import (
    Attendee,
    AttendeeStatus,
    Substitution,
    attendee_session,
)
from eventapp.units.models import Unit

CHECKINS = CheckIn.__table__


class Card(NamedTuple):
    """What the door sees about a person (đại biểu)."""

    id: int
    full_name: str
    unit: str | None
    unit_name: str
    category: str
    seat: str

    def to_json(self) -> dict:
        return {"id": self.id, "full_name": self.full_name, "unit": self.unit,
                "unit_name": self.unit_name, "category": self.category, "seat": self.seat}


class EventRef(NamedTuple):
    """The few fields of an event the scan API needs, read without the ORM."""

    id: int
    slug: str
    timezone: str


@functools.cache
def _event_query() -> sa.Select:
    table = Event.__table__
    return sa.select(table.c.id, table.c.slug, table.c.timezone).where(
        table.c.slug == sa.bindparam("slug"))


def find_event_for_staff(slug: str) -> EventRef:
    """The event ``slug`` for check-in staff or an organizer, or 404.

    Both roles see every event (``events.access.EVERY_EVENT``), so this is only an
    existence lookup; callers admit those roles alone (``@policy(…, every_event=True)``).
    A scan is the hottest request of the app, hence a cached Core query.
    """
    row = run_core(_event_query(), {"slug": slug}).first()
    if row is None:
        raise NotFound("Không tìm thấy sự kiện.")
    return EventRef(*row)


class SessionRef(NamedTuple):
    """The few fields of a session (phiên) the API needs, read without the ORM."""

    id: int
    key: str
    name: str
    starts_at: datetime
    ends_at: datetime | None


@functools.cache
def _session_query() -> sa.Select:
    table = EventSession.__table__
    return sa.select(table.c.id, table.c.key, table.c.name, table.c.starts_at,
                     table.c.ends_at).where(
        table.c.event_id == sa.bindparam("event_id", type_=sa.Integer),
        table.c.key == sa.bindparam("key"))


SessionLike = EventSession | SessionRef
EventLike = Event | EventRef


def find_session(event: EventLike, key: str | None) -> SessionRef:
    """The event's session with this key; an unknown key is bad input (422)."""
    row = run_core(_session_query(), {"event_id": event.id, "key": key or ""}).first()
    if row is None:
        raise Invalid({"session": "Phiên không tồn tại trong sự kiện này."})
    return SessionRef(*row)


# --- Looking a person up -------------------------------------------------------------------

ATTENDEES = Attendee.__table__


def _lookup(session_id, source=ATTENDEES) -> sa.Select:
    """Attendee card, status, invitation to the session ``session_id`` (an expression) and
    the active check-in in it, selected from ``source`` (the attendee table, or a join that
    starts with it)."""
    a, unit, category = ATTENDEES, Unit.__table__, Category.__table__
    taking_part = EventUnit.__table__  # the unit's name at this event, not today's
    staff = User.__table__.alias("staff")
    invited = sa.exists().where(attendee_session.c.attendee_id == a.c.id,
                                attendee_session.c.session_id == session_id)
    return (
        sa.select(a.c.id, a.c.full_name, a.c.status, a.c.seat,
                  unit.c.code.label("unit_code"),
                  sa.func.coalesce(taking_part.c.name, unit.c.name).label("unit_name"),
                  category.c.name.label("category"), invited.label("invited"),
                  CHECKINS.c.id.label("checkin_id"), CHECKINS.c.checked_in_at,
                  CHECKINS.c.device, CHECKINS.c.scan_id, CHECKINS.c.from_offline_queue,
                  staff.c.full_name.label("staff_name"), staff.c.email.label("staff_email"))
        .select_from(source.join(category, category.c.id == a.c.category_id)
                     .outerjoin(unit, unit.c.id == a.c.unit_id)
                     .outerjoin(taking_part, sa.and_(taking_part.c.event_id == a.c.event_id,
                                                     taking_part.c.unit_id == a.c.unit_id))
                     .outerjoin(CHECKINS, sa.and_(CHECKINS.c.attendee_id == a.c.id,
                                                  CHECKINS.c.session_id == session_id,
                                                  CHECKINS.c.undone_at.is_(None)))
                     .outerjoin(staff, staff.c.id == CHECKINS.c.staff_id))
    )


@functools.cache
def lookup_select() -> sa.Select:
    """The person lookup for one session (bind parameter ``session_id``), for lists.

    Plain Core on the tables, built once: building and ORM-processing a statement costs
    more than running it, and a door scans hundreds of codes in minutes.
    """
    return _lookup(sa.bindparam("session_id", type_=sa.Integer))


@functools.cache
def lookup_one(by: str) -> sa.Select:
    """One attendee of one event, by code nonce or by id (bind parameters)."""
    column = ATTENDEES.c.code_nonce if by == "nonce" else ATTENDEES.c.id
    return lookup_select().where(ATTENDEES.c.event_id == sa.bindparam("event_id", type_=sa.Integer),
                                 column == sa.bindparam("key"))


@functools.cache
def scan_select() -> sa.Select:
    """A door scan's one read: the person behind a code nonce in the event ``slug`` with
    the session ``session_key`` (bind parameters), and that event's and session's ids.

    No row: the nonce is not of this event, or the event or the session does not exist
    (``scan`` then asks which, off the hot path).
    """
    events, sessions = Event.__table__, EventSession.__table__
    source = (ATTENDEES.join(events, events.c.id == ATTENDEES.c.event_id)
              .join(sessions, sa.and_(sessions.c.event_id == events.c.id,
                                      sessions.c.key == sa.bindparam("session_key"))))
    return (_lookup(sessions.c.id, source)
            .add_columns(events.c.id.label("event_id"), events.c.timezone,
                         sessions.c.id.label("session_id"),
                         sessions.c.starts_at.label("session_starts_at"))
            .where(events.c.slug == sa.bindparam("slug"),
                   ATTENDEES.c.code_nonce == sa.bindparam("nonce")))


@functools.cache
def _replacement_query() -> sa.Select:
    replacement = ATTENDEES.alias("replacement")
    substitution = Substitution.__table__
    return (sa.select(replacement.c.full_name)
            .join(substitution, substitution.c.replacement_id == replacement.c.id)
            .where(substitution.c.replaced_id == sa.bindparam("attendee_id", type_=sa.Integer)))


def replacement_name(attendee_id: int) -> str:
    """The name of who was sent in the attendee's place (a substituted code's answer)."""
    return run_core(_replacement_query(), {"attendee_id": attendee_id}).scalar() or ""


def replacement_names(event_id: int) -> dict[int, str]:
    """Replaced delegate's id → the name of who came in their place, for a whole event
    (the offline table names them as a substituted code's online answer does)."""
    replacement = ATTENDEES.alias("replacement")
    substitution = Substitution.__table__
    return dict(run_core(
        sa.select(substitution.c.replaced_id, replacement.c.full_name)
        .join(replacement, substitution.c.replacement_id == replacement.c.id)
        .where(substitution.c.event_id == event_id)).all())


def run_core(statement, params: dict | None = None):
    """Execute Core on the session's connection (same transaction, no ORM overhead)."""
    return db.session.connection().execute(statement, params or {})


def card_of(row) -> Card:
    return Card(row.id, row.full_name, row.unit_code, row.unit_name or "Khách mời",
                row.category, row.seat or "")


def row_status(row) -> str:
    """ok / checked_in / revoked / not_invited / not_approved / substituted, for lists and
    the offline table (a registration waiting for, or refused, the organizer's approval is
    not revoked, nor is a delegate whose unit sent a substitute: the door says which)."""
    if row.status in (AttendeeStatus.pending, AttendeeStatus.rejected):
        return "not_approved"
    if row.status == AttendeeStatus.substituted:
        return "substituted"
    if row.status != AttendeeStatus.active:
        return "revoked"
    if not row.invited:
        return "not_invited"
    return "checked_in" if row.checkin_id is not None else "ok"


# --- Writing -------------------------------------------------------------------------------

#: Every column of a new check-in: the model's, less the id and the undo's who and when.
INSERT_KEYS = tuple(c.key for c in CHECKINS.c if c.key not in {"id", "undone_at", "undone_by_id"})


@functools.cache
def insert_checkin(dialect: str) -> Prepared:
    """``INSERT … SELECT :values WHERE <attendee still active> ON CONFLICT (attendee_id,
    session_id) WHERE undone_at IS NULL DO NOTHING RETURNING id`` — the partial unique
    index decides between concurrent doors.

    The guard re-reads the attendee's status inside the insert (FOR SHARE on PostgreSQL:
    it waits for a substitute or a cancel that holds the row, ``database.lock``, and sees
    its outcome), so a scan racing a substitute never checks in a revoked code. It costs
    one primary-key probe; no row comes back when it refuses, and the caller re-reads.
    """
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    active = sa.select(ATTENDEES.c.id).where(
        ATTENDEES.c.id == sa.bindparam("attendee_id", type_=sa.Integer),
        ATTENDEES.c.status == AttendeeStatus.active.value)
    if dialect == "postgresql":
        active = active.with_for_update(read=True)
    values = sa.select(*[sa.bindparam(key, type_=CHECKINS.c[key].type)
                         for key in INSERT_KEYS]).where(sa.exists(active))
    statement = (insert(CHECKINS).from_select(list(INSERT_KEYS), values)
                 .on_conflict_do_nothing(index_elements=["attendee_id", "session_id"],
                                         index_where=CHECKINS.c.undone_at.is_(None))
                 .returning(CHECKINS.c.id))
    return Prepared(statement)
#: The scan's read, and the same lookup by attendee id (name search at the door).
SCAN = Prepared(scan_select())
BY_ID = Prepared(lookup_one("id"))


# --- Who has checked in: the one answer, for the board, the lists and other domains ---------

def checked_in(event_id: int, session_id: int | None = None) -> sa.Select:
    """``SELECT attendee_id, checked_in_at`` of the event's active check-ins (an undone one
    does not count), in one session or in any. Registration's lists and exports use it as
    a subquery (``registration/checkins.py``); the board selects its ``attendee_id``."""
    stmt = sa.select(CHECKINS.c.attendee_id, CHECKINS.c.checked_in_at).where(
        CHECKINS.c.event_id == event_id, CHECKINS.c.undone_at.is_(None))
    if session_id is not None:
        stmt = stmt.where(CHECKINS.c.session_id == session_id)
    return stmt
