"""Attendee lists to Excel (PRODUCT.md §5), through the one writer in ``spreadsheets.py``.

Rows stream from one database query (a server-side cursor on PostgreSQL, fetched in
partitions) straight into openpyxl's write-only sheet, so memory stays flat however long
the list is.

Decisions: "Chức vụ" holds the position followed by the workplace ("Giáo viên Tổng phụ
trách Đội, Trường THCS An Đức"), as office lists write "chức vụ, đơn vị công tác";
"Phiên" lists every session the person attends ("Phiên 1; Phiên 2", explained on a second
sheet); "Check-in" is the arrival time at the filtered session, or the first arrival at
any session when the list is not filtered by session.
"""

from __future__ import annotations

from collections.abc import Iterator

import sqlalchemy as sa

from eventapp.events.models import Category, Event
from eventapp.extensions import db
from eventapp.registration import checkins, queries
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import Attendee, attendee_session
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.units.models import Unit

COLUMNS = [Column("Họ và tên", 28), Column("Chức vụ", 45), Column("Đơn vị", 32),
           Column("Thành phần", 32), Column("Phiên", 16), Column("Điện thoại", 15),
           Column("Email", 28), Column("Check-in", 17, "datetime")]
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
    stmt = queries.ordered(queries.apply(sa.select(
        Attendee.full_name, Attendee.position, Attendee.workplace, Unit.name, Category.name,
        Attendee.phone, Attendee.email, mask, arrived), event, filters))
    labels: dict[int, str] = {}
    result = db.session.execute(stmt.execution_options(yield_per=PARTITION))
    for name, position, workplace, unit, category, phone, email, sessions, at in result:
        if sessions not in labels:
            labels[sessions] = "; ".join(session_label(catalog, s) for s in catalog.sessions
                                         if sessions & bits[s.id])
        role = f"{position}, {workplace}" if position and workplace else position or workplace
        yield [name, role, unit or GUEST_UNIT, category, labels[sessions], phone, email,
               checkins.aware(at)]


def session_rows(event: Event) -> Iterator[list]:
    from eventapp.formatting import local, local_dt, local_time

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
    builder.add_sheet("Đại biểu", COLUMNS, rows(event, filters))
    builder.add_sheet("Các phiên", SESSION_COLUMNS, session_rows(event), stt=False)
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
