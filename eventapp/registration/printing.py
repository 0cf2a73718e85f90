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

from eventapp.clock import now
from eventapp.events.models import Event, EventSession
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
    """The event's saved settings, or an unsaved row with defaults (nothing is written)."""
    setting = db.session.scalar(sa.select(InvitationSetting).where(
        InvitationSetting.event_id == event.id))
    if setting is not None:
        return setting
    return InvitationSetting(event_id=event.id, **defaults(event))


def defaults(event: Event) -> dict:
    """Neutral defaults: an organizer fills in the real issuer and signer once."""
    return {"issuer_parent": "", "issuer": "BAN TỔ CHỨC", "number": "", "place": "",
            "issued_on": None, "inviter": "Ban Tổ chức trân trọng kính mời",
            "signer_capacity": "TM. BAN TỔ CHỨC", "signer_title": "", "signer_name": "",
            "short_title": short_title(event.title), "note": ""}


def short_title(title: str, size: int = 110) -> str:
    """The first clause of a long event title, for badges."""
    first = title.split(";")[0].strip()
    return first if len(first) <= size else first[:size].rsplit(" ", 1)[0] + "…"


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


def date_line(setting: InvitationSetting, tz: str) -> str:
    """"Bến Tre, ngày 07 tháng 02 năm 2020" (today when no date of issue is set)."""
    day: date = setting.issued_on or local(now(), tz).date()
    place = f"{setting.place}, " if setting.place else ""
    return f"{place}ngày {day:%d} tháng {day:%m} năm {day:%Y}"


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
