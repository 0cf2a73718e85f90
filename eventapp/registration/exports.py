"""Attendee lists to Excel (PRODUCT.md §5), through the one writer in ``spreadsheets.py``.

Rows stream from one database query (a server-side cursor on PostgreSQL, fetched in
partitions) straight into openpyxl's write-only sheet, so memory stays flat however long
the list is.

Decisions: "Chức vụ" and "Nơi công tác" are two columns, as in the import template, so an
exported list can be edited and imported again (the printed sign-in sheet joins them);
"Phiên" lists every session the person attends ("Phiên 1; Phiên 2", explained on a second
sheet); "Check-in" is the arrival time at the filtered session, or the first arrival at
any session when the list is not filtered by session; "Vắng có lý do" the reason of an
excused absence (from the filtered session, or from any). A third sheet counts attendance
per session and unit as offices record it (present, excused, absent, substituted).
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from eventapp.checkin import reports
from eventapp.events.models import Category, Event
from eventapp.extensions import db
from eventapp.formatting import local, local_dt, local_time
from eventapp.registration import checkins, queries
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import Attendee, Excuse, attendee_session
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.units import history
from eventapp.units.tree import PARENT_COLUMN, parent_group

COLUMNS = [Column("Họ và tên", 28), Column("Chức vụ", 32), Column("Nơi công tác", 32),
           Column("Đơn vị", 32),
           Column("Thành phần", 32), Column("Phiên", 16), Column("Điện thoại", 15),
           Column("Email", 28), Column("Check-in", 17, "datetime"),
           Column("Vắng có lý do", 36, wrap=True)]
ATTENDANCE_COLUMNS = [Column("Phiên", 10), Column("Đơn vị", 40), Column("Dự kiến", 10, "number"),
                      Column("Đã đến", 10, "number"), Column("Chưa đến", 10, "number"),
                      Column("Vắng có lý do", 12, "number"),
                      Column("Vắng không lý do", 12, "number"),
                      Column("Cử người dự thay", 12, "number")]
SESSION_COLUMNS = [Column("Phiên", 10), Column("Tên phiên", 70), Column("Thời gian", 20),
                   Column("Địa điểm", 50), Column("Sức chứa", 10, "number"),
                   Column("Đã đăng ký", 12, "number")]
PARTITION = 2000
GUEST_UNIT = "Khách mời"


def rows(event: Event, filters: queries.Filters) -> Iterator[list]:
    """One list per attendee, in the columns of ``COLUMNS`` (without STT).

    One streamed query: the sessions come back as a bit mask (a correlated SUM over
    ``attendee_session``, bit i = the event's i-th session) and the check-in time as a
    correlated MIN over the check-in source, so no per-row or per-chunk look-ups.
    """
    catalog = Catalog(event)
    bits = {s.id: 1 << i for i, s in enumerate(catalog.sessions)}
    mask = (sa.select(sa.func.coalesce(sa.func.sum(sa.case(
        *[(attendee_session.c.session_id == sid, bit) for sid, bit in bits.items()],
        else_=0)), 0))
        .where(attendee_session.c.attendee_id == Attendee.id).scalar_subquery())
    arrived = checkins.first_checkin_column(
        event.id, filters.session.id if filters.session else None, Attendee.id)
    excused = sa.select(sa.func.min(Excuse.reason)).where(Excuse.attendee_id == Attendee.id)
    if filters.session is not None:
        excused = excused.where(Excuse.session_id == filters.session.id)
    group = parent_group() if filters.by_parent else None
    stmt = queries.ordered(queries.apply(sa.select(
        Attendee.full_name, Attendee.position, Attendee.workplace,
        history.name_in_event(event.id, Attendee.unit_id), Category.name,
        Attendee.phone, Attendee.email, mask, arrived, excused.scalar_subquery(),
        group.label if group else sa.null()), event, filters), group)
    labels: dict[int, str] = {}
    result = db.session.execute(stmt.execution_options(yield_per=PARTITION))
    for name, position, workplace, unit, category, phone, email, sessions, at, reason, parent \
            in result:
        if sessions not in labels:
            labels[sessions] = "; ".join(session_label(catalog, s) for s in catalog.sessions
                                         if sessions & bits[s.id])
        yield [(parent if unit else GUEST_UNIT)] * filters.by_parent + [
            name, position, workplace, unit or GUEST_UNIT, category, labels[sessions], phone,
            email, checkins.aware(at), reason or ""]


def attendance_rows(event: Event, filters: queries.Filters) -> Iterator[list]:
    """Per session and unit, attendance as offices record it: expected, present, not yet
    arrived (the session not over), excused, absent without reason (once it is over),
    substituted (the check-in report's figures, ``checkin.reports``); a unit's export lists
    its own unit only."""
    catalog = Catalog(event)
    sessions = [filters.session] if filters.session else catalog.sessions
    only = str(filters.unit.id) if filters.unit else "guest" if filters.guests else None
    for session in sessions:
        for line in reports.session_stats(event, session).units:
            if (only is None or line.key == only) and (line.expected or line.substituted):
                yield [session_label(catalog, session), line.name, line.expected,
                       line.arrived, line.not_yet, line.excused, line.absent,
                       line.substituted]


def session_rows(event: Event) -> Iterator[list]:
    for seats in queries.session_seats(event):
        s = seats.session
        when = local_dt(s.starts_at, event.timezone)
        if s.ends_at:
            when = (f"{local_time(s.starts_at, event.timezone)}–"
                    f"{local_time(s.ends_at, event.timezone)} "
                    f"{local(s.starts_at, event.timezone):%d/%m/%Y}")
        yield [seats.label, s.name, when, s.venue, s.capacity, seats.count]


def build(event: Event, filters: queries.Filters) -> XlsxBuilder:
    builder = XlsxBuilder(event.timezone)
    builder.add_sheet("Đại biểu", [PARENT_COLUMN] * filters.by_parent + COLUMNS,
                      rows(event, filters))
    builder.add_sheet("Các phiên", SESSION_COLUMNS, session_rows(event), stt=False)
    if not filters.cancelled and filters.review not in queries.REVIEW:
        builder.add_sheet("Điểm danh theo đơn vị", ATTENDANCE_COLUMNS,
                          attendance_rows(event, filters), stt=False)
    return builder


def export(event: Event, filters: queries.Filters):
    """(file handle of the finished workbook, download name)."""
    return spooled_xlsx(build(event, filters)), filename(event, filters)


def filename(event: Event, filters: queries.Filters) -> str:
    parts = ["dai-bieu", event.slug]
    if filters.unit is not None:
        parts.append(filters.unit.code.lower())
    elif filters.guests:
        parts.append(queries.GUESTS)
    if filters.session is not None:
        parts.append(filters.session.key)
    if filters.category is not None:
        parts.append(filters.category.key)
    return "-".join(parts) + ".xlsx"
