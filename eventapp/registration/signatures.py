"""The signature sheet (danh sách ký nhận) of one session: who is expected, per unit, with
an empty column to sign in — printed on A4 and the same list in Excel.

It lists the delegates invited to the session and not cancelled, in the registration list's
order (guests first, units by code, categories in the event's order, then the order the
unit registered them: a unit lists its head of delegation first), one sheet per unit.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from eventapp.events.models import Event, EventSession
from eventapp.extensions import db
from eventapp.formatting import local_time, vn_date
from eventapp.registration import queries
from eventapp.spreadsheets import Column, XlsxBuilder

#: The Excel sheet's columns after STT (the builder adds it).
COLUMNS = (Column("Họ và tên", 32), Column("Chức vụ", 36, wrap=True),
           Column("Đơn vị", 36, wrap=True), Column("Ký tên", 22))


@dataclass(frozen=True)
class Line:
    number: int      # STT on the printed page: from 1 in each unit's list
    full_name: str
    position: str
    unit_name: str


@dataclass(frozen=True)
class UnitSheet:
    """One unit's list (a printed page or more)."""

    unit_name: str
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class SignatureSheet:
    """The title block and the lists, ready for the print page or the workbook."""

    event_title: str
    session_name: str
    date: str        # dd/mm/yyyy in the event's zone
    time: str        # HH:MM
    venue: str
    scope: str       # the unit's name, or "Tất cả đơn vị"
    units: tuple[UnitSheet, ...]

    @property
    def count(self) -> int:
        return sum(len(u.lines) for u in self.units)


def build(event: Event, session: EventSession, filters: queries.Filters) -> SignatureSheet:
    """The sheet of ``session`` for the attendees ``filters`` select (its unit, if any)."""
    filters.session, filters.cancelled = session, False
    filters.review = ""  # approved delegates only, whatever the list showed
    attendees = db.session.scalars(queries.attendees(event, filters)).all()
    units = []
    for _unit_id, group in itertools.groupby(attendees, key=lambda a: a.unit_id):
        people = list(group)
        name = people[0].unit_name
        units.append(UnitSheet(name, tuple(Line(n, a.full_name, a.position, name)
                                           for n, a in enumerate(people, start=1))))
    if filters.unit is not None:
        scope = event.unit_name(filters.unit)
    elif filters.guests:
        scope = "Khách mời"
    else:
        scope = "Tất cả đơn vị"
    return SignatureSheet(event.title, session.name, vn_date(session.starts_at, event.timezone),
                          local_time(session.starts_at, event.timezone), session.venue or "",
                          scope, tuple(units))


def workbook(sheet: SignatureSheet) -> XlsxBuilder:
    """The same list in Excel: the title block on its own sheet, then every line."""
    builder = XlsxBuilder()
    info = [("Sự kiện", sheet.event_title), ("Phiên", sheet.session_name),
            ("Ngày", sheet.date), ("Giờ", sheet.time), ("Địa điểm", sheet.venue),
            ("Đơn vị", sheet.scope), ("Số đại biểu", str(sheet.count))]
    rows: Sequence = [(line.full_name, line.position, line.unit_name, "")
                      for unit in sheet.units for line in unit.lines]
    builder.add_sheet("Danh sách ký nhận", COLUMNS, rows)
    builder.add_sheet("Thông tin", [Column("Mục", 16), Column("Nội dung", 80, wrap=True)],
                      info, stt=False)
    return builder
