"""Arrivals board, stats API and the Excel check-in report (báo cáo check-in).

Everything is aggregated in the database (GROUP BY unit and category, arrivals bucketed by
time), so a poll costs the same few queries for 50 or 10,000 attendees. "Expected" is the
active (not cancelled) attendees invited to the session; "arrived" counts only those, so a
check-in later revoked or uninvited drops out of both numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa

from eventapp.accounts.models import User
from eventapp.checkin.models import CheckIn
from eventapp.checkin.queries import checked_in
from eventapp.checkin.rules import Point, arrival_series, percent, pick_bucket_seconds
from eventapp.clock import now
from eventapp.events.models import Category, Event, EventSession, EventUnit
from eventapp.extensions import db
from eventapp.formatting import local_dt, local_time
from eventapp.registration.models import Attendee, AttendeeStatus, attendee_session
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.text import fold
from eventapp.units.models import Unit

GUEST = "guest"
GUEST_NAME = "Khách mời (không thuộc đơn vị)"


@dataclass
class Line:
    """One row of the board: a unit or a category, expected vs arrived."""

    key: str
    code: str | None
    name: str
    expected: int = 0
    arrived: int = 0

    @property
    def missing(self) -> int:
        return self.expected - self.arrived

    @property
    def percent(self) -> int:
        return percent(self.arrived, self.expected)


@dataclass
class Stats:
    session: EventSession
    expected: int = 0
    arrived: int = 0
    units: list[Line] = field(default_factory=list)
    categories: list[Line] = field(default_factory=list)

    @property
    def missing(self) -> int:
        return self.expected - self.arrived

    @property
    def percent(self) -> int:
        return percent(self.arrived, self.expected)


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
    units = {unit_key(u.id): Line(unit_key(u.id), u.code, u.name) for u in db.session.scalars(
        sa.select(Unit).join(EventUnit).where(EventUnit.event_id == event.id)
        .order_by(Unit.name))}
    categories = {str(c.id): Line(str(c.id), c.key, c.name) for c in db.session.scalars(
        sa.select(Category).where(Category.event_id == event.id).order_by(Category.position))}
    stats = Stats(session)
    for unit_id, category_id, expected, arrived in counts:
        key = unit_key(unit_id)
        if key not in units:  # guests, or a unit no longer taking part
            units[key] = Line(key, None, GUEST_NAME) if unit_id is None else \
                _unit_line(unit_id)
        arrived = arrived or 0
        for line in (units[key], categories.setdefault(str(category_id),
                                                       Line(str(category_id), None, "?"))):
            line.expected += expected
            line.arrived += arrived
        stats.expected += expected
        stats.arrived += arrived
    # Units with delegates first, then guests, then units that registered nobody.
    stats.units = sorted(units.values(),
                         key=lambda ln: (not ln.expected, ln.key == GUEST, fold(ln.name)))
    stats.categories = list(categories.values())
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
    from datetime import UTC

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
                            Attendee.phone, Attendee.seat, Category.name.label("category"))
            .join(Category, Category.id == Attendee.category_id)
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
                           "phone": row.phone, "seat": row.seat})
    return found


def stats_json(stats: Stats) -> dict:
    """The stats API's body (and the board's numbers)."""
    return {
        "session": stats.session.key,
        "expected": stats.expected,
        "checked_in": stats.arrived,
        "units": [{"unit": ln.code, "key": ln.key, "name": ln.name, "expected": ln.expected,
                   "checked_in": ln.arrived} for ln in stats.units],
        "categories": [{"category": ln.code, "key": ln.key, "name": ln.name,
                        "expected": ln.expected, "checked_in": ln.arrived}
                       for ln in stats.categories],
    }


def board_json(event: Event, session: EventSession, expand: list[str]) -> dict:
    """One poll of the live board: numbers, the chart, missing names of opened units."""
    data = stats_json(session_stats(event, session))
    data["arrivals"] = [{"start": p.start.isoformat(), "label": local_time(p.start, event.timezone),
                         "count": p.count, "cumulative": p.cumulative}
                        for p in arrivals(event, session)]
    data["missing"] = missing(event, session, expand[:50]) if expand else {}
    data["updated_at"] = local_dt(now(), event.timezone)
    return data


def history(event: Event, session: EventSession, limit: int = 200, offset: int = 0,
            name: str = "") -> list[CheckIn]:
    """Check-ins of a session, newest first, undone ones included (the history)."""
    stmt = (sa.select(CheckIn).join(Attendee, Attendee.id == CheckIn.attendee_id)
            .where(CheckIn.event_id == event.id, CheckIn.session_id == session.id)
            .order_by(CheckIn.checked_in_at.desc(), CheckIn.id.desc()))
    for word in fold(name).split()[:5]:
        stmt = stmt.where(Attendee.name_key.contains(word, autoescape=True))
    return list(db.session.scalars(stmt.limit(limit).offset(offset)))


# --- Excel -----------------------------------------------------------------------------------

def export_report(event: Event, session: EventSession):
    """The check-in report of one session: per unit expected/arrived/missing, the missing
    names, the arrivals with time/staff/door, and undone check-ins. A spooled file."""
    stats = session_stats(event, session)
    builder = XlsxBuilder(event.timezone)
    summary = [[i, ln.name, ln.code or "", ln.expected, ln.arrived, ln.missing, ln.percent]
               for i, ln in enumerate(stats.units, start=1)]
    summary.append(["", "Tổng cộng", "", stats.expected, stats.arrived, stats.missing,
                    stats.percent])
    builder.add_sheet("Tổng hợp theo đơn vị", [
        Column("STT", 6, "number"), Column("Đơn vị", 42), Column("Mã đơn vị", 16),
        Column("Dự kiến", 10, "number"), Column("Đã đến", 10, "number"),
        Column("Chưa đến", 10, "number"), Column("Tỉ lệ (%)", 10, "number")], summary,
        stt=False)
    builder.add_sheet("Theo thành phần", [
        Column("Thành phần", 60), Column("Dự kiến", 10, "number"),
        Column("Đã đến", 10, "number"), Column("Chưa đến", 10, "number")],
        [[ln.name, ln.expected, ln.arrived, ln.missing] for ln in stats.categories])
    names = {ln.key: ln.name for ln in stats.units}
    builder.add_sheet("Chưa đến", [
        Column("Đơn vị", 36), Column("Họ và tên", 28), Column("Thành phần", 36),
        Column("Chức vụ", 24), Column("Nơi công tác", 30), Column("Điện thoại", 14),
        Column("Ghế / khu vực", 14)],
        ([names.get(key, ""), p["full_name"], p["category"], p["position"], p["workplace"],
          p["phone"], p["seat"]]
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
    from eventapp.checkin.models import Method

    stmt = (sa.select(Unit.name, Attendee.full_name, Category.name, CheckIn.checked_in_at,
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
               Method.LABELS.get(method, method), "Có" if offline else ""]


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
