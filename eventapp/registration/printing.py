"""What invitation letters (giấy mời) and badge sheets (thẻ đại biểu) print.

The documents are print-ready HTML (A4, ``@page`` CSS) that Chromium prints or saves as
PDF exactly; this module gathers their data: the letterhead from ``InvitationSetting``
(or defaults), each attendee's code and QR, and session times written the Vietnamese way
("08 giờ 00 – 11 giờ 00, thứ Sáu, ngày 14/02/2020").
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from markupsafe import Markup

from eventapp.events import letterhead
from eventapp.events.models import Category, Event, EventSession
from eventapp.extensions import db
from eventapp.formatting import local
from eventapp.registration import codes, qr
from eventapp.registration.catalog import Catalog, session_label
from eventapp.registration.models import Attendee, InvitationSetting

#: One print job at most; beyond that the organizer filters by unit or session.
MAX_PRINT = 3000
BADGES_PER_PAGE = 8
WEEKDAYS = ["thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"]


def settings_for(event: Event) -> InvitationSetting:
    """The event's saved settings, or an unsaved row of values derived from the event
    (nothing is written)."""
    setting = db.session.scalar(sa.select(InvitationSetting).where(
        InvitationSetting.event_id == event.id))
    if setting is not None:
        return setting
    return InvitationSetting(event_id=event.id, **defaults(event))


def first_day(event: Event) -> date | None:
    """The local date of the event's first session."""
    return local(event.sessions[0].starts_at, event.timezone).date() if event.sessions else None


def suggested_day(event: Event) -> date | None:
    """The letter's date when none is set: a week before the first session."""
    return letterhead.letter_date(first_day(event))


def defaults(event: Event) -> dict:
    """What a fresh event's letters and badges print (``events/letterhead.py`` derives it
    from the sessions' venues and dates); the number and the signer stay for the organizer."""
    place = letterhead.first_locality(s.venue for s in event.sessions)
    head = letterhead.letterhead(place)
    day = first_day(event)
    return {"issuer_parent": head.issuer_parent, "issuer": head.issuer, "number": "",
            "place": place.name if place else "", "issued_on": suggested_day(event),
            "inviter": head.inviter, "signer_capacity": head.signer_capacity,
            "signer_title": "", "signer_name": "",
            "short_title": letterhead.badge_title(event.title, day.year if day else None),
            "note": ""}


def letter_day(setting: InvitationSetting, event: Event) -> date | None:
    """The date a letter bears: the one set, else a week before the first session (never
    the day it happens to be printed)."""
    return setting.issued_on or suggested_day(event)


def date_line(setting: InvitationSetting, event: Event) -> str:
    """"Bến Tre, ngày 07 tháng 02 năm 2020"; dots to fill in by hand without any date."""
    day = letter_day(setting, event)
    place = f"{setting.place}, " if setting.place else ""
    if day is None:
        return f"{place}ngày … tháng … năm …"
    return f"{place}ngày {day:%d} tháng {day:%m} năm {day:%Y}"


def missing(setting: InvitationSetting) -> list[str]:
    """What the printed letters and badges lack (words for a warning to the organizer)."""
    return letterhead.missing({name: getattr(setting, name) for name in letterhead.MISSING})


def vn_time(value: datetime, tz: str) -> str:
    moment = local(value, tz)
    return f"{moment:%H} giờ {moment:%M}"


def vn_when(session: EventSession, tz: str) -> str:
    """"08 giờ 00 – 11 giờ 00, thứ Sáu, ngày 14/02/2020"."""
    start = local(session.starts_at, tz)
    hours = vn_time(session.starts_at, tz)
    if session.ends_at:
        hours += f" – {vn_time(session.ends_at, tz)}"
    return f"{hours}, {WEEKDAYS[start.weekday()]}, ngày {start:%d/%m/%Y}"


@dataclass
class SessionLine:
    label: str
    name: str
    when: str
    venue: str


@dataclass
class Card:
    """One attendee ready to print: the code its QR encodes and its sessions."""

    attendee: Attendee
    code: str
    qr: Markup
    sessions: list[SessionLine]

    @property
    def name_size(self) -> str:
        """A CSS class that keeps long names on one or two lines of a badge."""
        length = len(self.attendee.full_name)
        return "name-s" if length > 26 else ("name-m" if length > 18 else "name-l")


def cards(event: Event, attendees: Sequence[Attendee]) -> Iterator[Card]:
    catalog = Catalog(event)
    key = codes.code_key()
    for attendee in attendees:
        code = codes.make_code(key, attendee.event_id, attendee.code_nonce)
        lines = [SessionLine(session_label(catalog, s), s.name, vn_when(s, event.timezone),
                             s.venue) for s in attendee.sessions]
        yield Card(attendee, code, qr.svg(code, title=f"Mã check-in của {attendee.full_name}"),
                   lines)


def pages(items: Sequence, size: int = BADGES_PER_PAGE) -> list[list]:
    """Split badges into A4 sheets."""
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def category_colours(event: Event) -> dict[int, int]:
    """A colour index (0–5) for each category, so badges are told apart at the door."""
    return {c.id: i % 6 for i, c in enumerate(Catalog(event).categories)}


@dataclass
class Sample:
    """A made-up delegate the settings' preview prints: no row, and a QR that is no code."""

    category: Category | None
    unit_name: str
    full_name: str = "Nguyễn Văn An"
    position: str = "Bí thư Đoàn trường"
    workplace: str = ""
    seat: str = ""
    id: str = "mẫu"
    unit: bool = True
    unit_id: int = 0

    @property
    def category_id(self) -> int | None:
        return self.category.id if self.category else None


def sample_card(event: Event) -> Card:
    """The preview's delegate: the event's first unit and category, every session."""
    catalog = Catalog(event)
    unit = event.participations[0].name if event.participations else "Đoàn trường THPT"
    categories = catalog.unit_categories() or catalog.categories
    sample = Sample(categories[0] if categories else None, unit)
    lines = [SessionLine(session_label(catalog, s), s.name, vn_when(s, event.timezone), s.venue)
             for s in event.sessions]
    return Card(sample, "XEM-TRUOC", qr.svg("XEM-TRUOC", title="Mã QR mẫu (chỉ để xem trước)"),
                lines)
