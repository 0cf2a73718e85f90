"""Arrivals board, stats API and the Excel check-in report (báo cáo check-in).

Everything is aggregated in the database (GROUP BY unit and category, arrivals bucketed by
time), so a poll costs the same few queries for 50 or 10,000 attendees. "Expected" is the
active (not cancelled) attendees invited to the session; "arrived" counts only those, so a
check-in later revoked or uninvited drops out of both numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from eventapp.accounts.models import User
from eventapp.checkin import failed
from eventapp.checkin.models import CheckIn, Method
from eventapp.checkin.queries import checked_in
from eventapp.checkin.rules import (
    Point,
    arrival_series,
    percent,
    pick_bucket_seconds,
    session_over,
)
from eventapp.clock import now
from eventapp.database import contains
from eventapp.events.models import Category, Event, EventSession, EventUnit
from eventapp.extensions import db
from eventapp.formatting import local_dt, local_time
from eventapp.registration.models import (
    Attendee,
    AttendeeStatus,
    Excuse,
    Substitution,
    attendee_session,
)
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.text import fold
from eventapp.units.history import name_in_event
from eventapp.units.models import Unit

GUEST = "guest"
GUEST_NAME = "Khách mời (không thuộc đơn vị)"


@dataclass(kw_only=True)
class Counts:
    """Expected vs arrived, with the excused and the substituted, of a session or a line."""

    expected: int = 0
    arrived: int = 0
    #: Excused (vắng có lý do) and not arrived after all.
    excused: int = 0
    #: Delegates replaced by a substitute (the substitutes are among the expected).
    substituted: int = 0
    #: Whether the session has ended: until then nobody is absent, only not here yet.
    over: bool = True

    @property
    def missing(self) -> int:
        return self.expected - self.arrived

    @property
    def not_yet(self) -> int:
        """Not arrived, not excused, and the session not over yet (chưa đến)."""
        return 0 if self.over else self.expected - self.arrived - self.excused

    @property
    def absent(self) -> int:
        """Not arrived and not excused once the session is over (vắng không lý do)."""
        return self.expected - self.arrived - self.excused if self.over else 0

    @property
    def percent(self) -> int:
        return percent(self.arrived, self.expected)


@dataclass
class Line(Counts):
    """One row of the board: a unit or a category."""

    key: str
    code: str | None
    name: str


@dataclass
class Stats(Counts):
    """A session's totals and its lines per unit and per category."""

    session: EventSession
    units: list[Line] = field(default_factory=list)
    categories: list[Line] = field(default_factory=list)


def expected_select(event_id: int, session_id: int, *columns) -> sa.Select:
    """FROM the session's expected attendees: active, invited to the session."""
    return (sa.select(*columns).select_from(Attendee)
            .join(attendee_session, sa.and_(attendee_session.c.attendee_id == Attendee.id,
                                            attendee_session.c.session_id == session_id))
            .where(Attendee.event_id == event_id,
                   Attendee.status == AttendeeStatus.active.value))


def arrived_ids(event_id: int, session_id: int) -> sa.Select:
    """Ids of attendees with an active check-in in the session."""
    return checked_in(event_id, session_id).with_only_columns(CheckIn.attendee_id)


def arrived_flag(event_id: int, session_id: int):
    """1 if the attendee row has arrived, else 0.

    ``id IN (subquery)`` inside a CASE stays an uncorrelated, hashed subplan on
    PostgreSQL (and an ephemeral index on SQLite): one pass over the check-ins, whatever
    the planner's statistics say. A LEFT JOIN here was planned as a nested loop over
    10,000 × 1,000 rows on freshly loaded, not yet analysed tables.
    """
    return sa.case((Attendee.id.in_(arrived_ids(event_id, session_id)), 1), else_=0)


def _excused_counts(session_id: int) -> list:
    """(unit id, category id, count) of expected attendees excused from the session and not
    arrived after all. Driven from the (small) excuse table, a check-in looked up by its
    index for each excuse: the board's poll pays next to nothing for them."""
    arrived = sa.exists().where(CheckIn.attendee_id == Excuse.attendee_id,
                                CheckIn.session_id == session_id, CheckIn.undone_at.is_(None))
    return db.session.execute(
        sa.select(Attendee.unit_id, Attendee.category_id, sa.func.count(Attendee.id))
        .select_from(Excuse)
        .join(Attendee, Attendee.id == Excuse.attendee_id)
        .join(attendee_session, sa.and_(attendee_session.c.attendee_id == Excuse.attendee_id,
                                        attendee_session.c.session_id == session_id))
        # No filter on the attendee's event (the session's excuses are the event's): with
        # one, SQLite would walk every attendee of the event and probe the excuses.
        .where(Excuse.session_id == session_id,
               Attendee.status == AttendeeStatus.active.value, ~arrived)
        .group_by(Attendee.unit_id, Attendee.category_id)).all()


def _substituted_counts(event_id: int, session_id: int) -> list:
    """(unit id, category id, count) of delegates invited to the session and replaced,
    driven from the substitution table (an EXISTS, not a join, keeps SQLite from walking
    the session's invitations first)."""
    invited = sa.exists().where(attendee_session.c.attendee_id == Substitution.replaced_id,
                                attendee_session.c.session_id == session_id)
    return db.session.execute(
        sa.select(Attendee.unit_id, Attendee.category_id, sa.func.count(Attendee.id))
        .select_from(Substitution)
        .join(Attendee, Attendee.id == Substitution.replaced_id)
        .where(Substitution.event_id == event_id, invited)
        .group_by(Attendee.unit_id, Attendee.category_id)).all()


def _active_checkins(event_id: int, session_id: int) -> tuple:
    """WHERE clauses: active check-ins of the session whose attendee is still expected."""
    expected = expected_select(event_id, session_id, Attendee.id)
    return (CheckIn.session_id == session_id, CheckIn.undone_at.is_(None),
            sa.case((CheckIn.attendee_id.in_(expected), 1), else_=0) == 1)


def unit_key(unit_id: int | None) -> str:
    return GUEST if unit_id is None else str(unit_id)


def session_stats(event: Event, session: EventSession) -> Stats:
    """Expected and arrived per unit (every unit taking part, even with nobody registered)
    and per category, in three small queries."""
    counts = db.session.execute(
        expected_select(event.id, session.id, Attendee.unit_id, Attendee.category_id,
                        sa.func.count(Attendee.id),
                        sa.func.sum(arrived_flag(event.id, session.id)))
        .group_by(Attendee.unit_id, Attendee.category_id)).all()
    # EventUnit.name: the unit's name at this event, so a past event keeps the name of its time.
    units = {unit_key(uid): Line(unit_key(uid), code, name) for uid, code, name in
             db.session.execute(sa.select(Unit.id, Unit.code, EventUnit.name).join(EventUnit)
                                .where(EventUnit.event_id == event.id)
                                .order_by(EventUnit.name))}
    categories = {str(c.id): Line(str(c.id), c.key, c.name) for c in db.session.scalars(
        sa.select(Category).where(Category.event_id == event.id).order_by(Category.position))}
    stats = Stats(session)
    rows = [(u, c, n, a or 0, 0, 0) for u, c, n, a in counts] + \
        [(u, c, 0, 0, n, 0) for u, c, n in _excused_counts(session.id)] + \
        [(u, c, 0, 0, 0, n) for u, c, n in _substituted_counts(event.id, session.id)]
    for unit_id, category_id, expected, arrived, excused, substituted in rows:
        key = unit_key(unit_id)
        if key not in units:  # guests, or a unit no longer taking part
            units[key] = Line(key, None, GUEST_NAME) if unit_id is None else \
                _unit_line(unit_id)
        for line in (units[key], categories.setdefault(str(category_id),
                                                       Line(str(category_id), None, "?")),
                     stats):
            line.expected += expected
            line.arrived += arrived
            line.excused += excused
            line.substituted += substituted
    # Units with delegates first, then guests, then units that registered nobody.
    stats.units = sorted(units.values(),
                         key=lambda ln: (not ln.expected, ln.key == GUEST, fold(ln.name)))
    stats.categories = list(categories.values())
    stats.over = session_over(session.starts_at, session.ends_at, now())
    for line in (*stats.units, *stats.categories):
        line.over = stats.over
    return stats


def _unit_line(unit_id: int) -> Line:
    unit = db.session.get(Unit, unit_id)
    return Line(unit_key(unit_id), unit.code, unit.name)


def arrivals(event: Event, session: EventSession) -> list[Point]:
    """Arrivals over time of the session's expected attendees, as a gap-free series."""
    where = _active_checkins(event.id, session.id)
    span = db.session.execute(sa.select(sa.func.min(CheckIn.checked_in_at),
                                        sa.func.max(CheckIn.checked_in_at)).where(*where)).one()
    if span[0] is None:
        return []
    first, last = (_as_utc(v) for v in span)
    seconds = pick_bucket_seconds(last - first)
    bucket = _epoch_bucket(CheckIn.checked_in_at, seconds).label("bucket")
    rows = db.session.execute(
        sa.select(bucket, sa.func.count(CheckIn.id)).where(*where).group_by(bucket)).all()
    return arrival_series({int(b): n for b, n in rows}, seconds)


def _as_utc(value) -> datetime:
    """MIN/MAX come back raw on SQLite (a string); normalise to an aware datetime."""

    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _epoch_bucket(column, seconds: int):
    """``floor(epoch(column) / seconds)`` on SQLite and PostgreSQL (stored as naive UTC)."""
    if db.session.get_bind().dialect.name == "sqlite":
        return sa.cast(sa.func.strftime("%s", column), sa.Integer) // seconds
    return sa.cast(sa.func.floor(sa.extract("epoch", column) / seconds), sa.BigInteger)


def missing(event: Event, session: EventSession, unit_keys: list[str] | None = None,
            limit: int | None = None) -> dict[str, list[dict]]:
    """Who is still expected and not arrived, by unit key (``guest`` for guests)."""
    stmt = (expected_select(event.id, session.id, Attendee.id, Attendee.unit_id,
                            Attendee.full_name, Attendee.position, Attendee.workplace,
                            Attendee.phone, Attendee.seat, Category.name.label("category"),
                            Excuse.reason.label("excused"))
            .join(Category, Category.id == Attendee.category_id)
            .outerjoin(Excuse, sa.and_(Excuse.attendee_id == Attendee.id,
                                       Excuse.session_id == session.id))
            .where(Attendee.id.not_in(arrived_ids(event.id, session.id)))
            .order_by(Attendee.unit_id, Attendee.name_key))
    if unit_keys is not None:
        ids = [int(k) for k in unit_keys if k.isdecimal()]
        condition = Attendee.unit_id.in_(ids)
        if GUEST in unit_keys:
            condition = sa.or_(condition, Attendee.unit_id.is_(None))
        stmt = stmt.where(condition)
    found: dict[str, list[dict]] = {}
    for row in db.session.execute(stmt):
        people = found.setdefault(unit_key(row.unit_id), [])
        if limit is None or len(people) < limit:
            people.append({"id": row.id, "full_name": row.full_name, "category": row.category,
                           "position": row.position, "workplace": row.workplace,
                           "phone": row.phone, "seat": row.seat,
                           "excused": row.excused or ""})
    return found


def _counts(line: Line | Stats) -> dict:
    """Attendance as offices record it: present, excused, substituted, not yet arrived (while
    the session has not ended), absent without reason (once it has)."""
    return {"expected": line.expected, "checked_in": line.arrived, "excused": line.excused,
            "substituted": line.substituted, "not_yet_arrived": line.not_yet,
            "absent": line.absent}


def stats_json(stats: Stats) -> dict:
    """The stats API's body (and the board's numbers)."""
    return {
        "session": stats.session.key,
        "session_over": stats.over,
        **_counts(stats),
        "units": [{"unit": ln.code, "key": ln.key, "name": ln.name, **_counts(ln)}
                  for ln in stats.units],
        "categories": [{"category": ln.code, "key": ln.key, "name": ln.name, **_counts(ln)}
                       for ln in stats.categories],
    }


def board_json(event: Event, session: EventSession, expand: list[str]) -> dict:
    """One poll of the live board: numbers, the chart, missing names of opened units."""
    data = stats_json(session_stats(event, session))
    data["arrivals"] = [{"start": p.start.isoformat(), "label": local_time(p.start, event.timezone),
                         "count": p.count, "cumulative": p.cumulative}
                        for p in arrivals(event, session)]
    data["missing"] = missing(event, session, expand[:50]) if expand else {}
    data["failed_scans"] = failed.total(session.id)
    data["updated_at"] = local_dt(now(), event.timezone)
    return data


HISTORY_PER_PAGE = 100


def history(event: Event, session: EventSession, name: str = "", page: int = 1) -> Pagination:
    """Check-ins of a session, newest first, undone ones included (the history)."""
    stmt = (sa.select(CheckIn).join(Attendee, Attendee.id == CheckIn.attendee_id)
            .where(CheckIn.event_id == event.id, CheckIn.session_id == session.id)
            .order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc()))
    for word in fold(name).split()[:5]:
        stmt = stmt.where(contains(Attendee.name_key, word))
    return db.paginate(stmt, page=page, per_page=HISTORY_PER_PAGE, error_out=False)


# --- Excel -----------------------------------------------------------------------------------

#: Per unit as offices record attendance: present, excused, substituted, absent without reason.
ATTENDANCE_COLUMNS = [
    Column("Dự kiến", 10, "number"), Column("Đã đến", 10, "number"),
    Column("Chưa đến", 10, "number"), Column("Vắng có lý do", 12, "number"),
    Column("Vắng không lý do", 12, "number"), Column("Cử người dự thay", 12, "number"),
    Column("Tỉ lệ (%)", 10, "number")]


def _attendance(line: Line | Stats) -> list[int]:
    return [line.expected, line.arrived, line.missing, line.excused, line.absent,
            line.substituted, line.percent]


def export_report(event: Event, session: EventSession):
    """The check-in report of one session: per unit expected/arrived/missing, the missing
    names, the arrivals with time/staff/door, and undone check-ins. A spooled file."""
    stats = session_stats(event, session)
    builder = XlsxBuilder(event.timezone)
    summary = [[i, ln.name, ln.code or "", *_attendance(ln)]
               for i, ln in enumerate(stats.units, start=1)]
    summary.append(["", "Tổng cộng", "", *_attendance(stats)])
    builder.add_sheet("Tổng hợp theo đơn vị", [
        Column("STT", 6, "number"), Column("Đơn vị", 42), Column("Mã đơn vị", 16),
        *ATTENDANCE_COLUMNS], summary, stt=False)
    builder.add_sheet("Theo thành phần", [
        Column("Thành phần", 60), Column("Dự kiến", 10, "number"),
        Column("Đã đến", 10, "number"), Column("Chưa đến", 10, "number")],
        [[ln.name, ln.expected, ln.arrived, ln.missing] for ln in stats.categories])
    names = {ln.key: ln.name for ln in stats.units}
    builder.add_sheet("Chưa đến", [
        Column("Đơn vị", 36), Column("Họ và tên", 28), Column("Thành phần", 36),
        Column("Chức vụ", 24), Column("Nơi công tác", 30), Column("Điện thoại", 14),
        Column("Ghế / khu vực", 14), Column("Vắng có lý do", 40, wrap=True)],
        ([names.get(key, ""), p["full_name"], p["category"], p["position"], p["workplace"],
          p["phone"], p["seat"], p["excused"]]
         for key, people in missing(event, session).items() for p in people))
    builder.add_sheet("Đã đến", _arrived_columns(), _arrived_rows(event, session))
    builder.add_sheet("Check-in đã hủy", [
        Column("Họ và tên", 28), Column("Giờ check-in", 18, "datetime"),
        Column("Hủy lúc", 18, "datetime"), Column("Người hủy", 24), Column("Lý do", 50, wrap=True)],
        _undone_rows(event, session))
    return spooled_xlsx(builder)


def _arrived_columns() -> list[Column]:
    return [Column("Đơn vị", 36), Column("Họ và tên", 28), Column("Thành phần", 36),
            Column("Giờ check-in", 18, "datetime"), Column("Người check-in", 24),
            Column("Cửa / thiết bị", 14), Column("Cách check-in", 16),
            Column("Quét khi mất mạng", 10)]


def _arrived_rows(event: Event, session: EventSession):
    stmt = (sa.select(name_in_event(event.id, Attendee.unit_id), Attendee.full_name,
                      Category.name, CheckIn.checked_in_at,
                      User.full_name, User.email, CheckIn.device, CheckIn.method,
                      CheckIn.from_offline_queue)
            .select_from(CheckIn)
            .join(Attendee, Attendee.id == CheckIn.attendee_id)
            .join(Category, Category.id == Attendee.category_id)
            .outerjoin(Unit, Unit.id == Attendee.unit_id)
            .outerjoin(User, User.id == CheckIn.staff_id)
            .where(*_active_checkins(event.id, session.id))
            .order_by(Unit.name, Attendee.name_key))
    for unit, name, category, at, staff, email, device, method, offline in \
            db.session.execute(stmt):
        yield [unit or GUEST_NAME, name, category, at, staff or email or "", device,
               Method(method).label, "Có" if offline else ""]


def _undone_rows(event: Event, session: EventSession):
    stmt = (sa.select(Attendee.full_name, CheckIn.checked_in_at, CheckIn.undone_at,
                      User.full_name, User.email, CheckIn.undo_reason)
            .join(Attendee, Attendee.id == CheckIn.attendee_id)
            .outerjoin(User, User.id == CheckIn.undone_by_id)
            .where(CheckIn.event_id == event.id, CheckIn.session_id == session.id,
                   CheckIn.undone_at.is_not(None))
            .order_by(CheckIn.undone_at))
    for name, at, undone_at, by_name, by_email, reason in db.session.execute(stmt):
        yield [name, at, undone_at, by_name or by_email or "", reason]
