"""What an event's printed papers (giấy mời, thẻ đại biểu, giấy chứng nhận) say before the
organizer edits them, derived from the event itself: pure functions, no database.

The event records no organizing body, so the body is read from where the event takes place:
a first session "… tỉnh Bến Tre" makes the letters come from "Tỉnh đoàn Bến Tre" (and
"thành phố Cần Thơ" from "Thành đoàn Cần Thơ"). A venue naming no province or city leaves
the neutral "Ban Tổ chức". A document number and a signer's name cannot be derived: they
stay empty and the pages say so (``MISSING``), never a grey example that looks like a value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

#: The letter is dated this many days before the first session (the usual notice period).
LETTER_DAYS_BEFORE = 7
#: A badge's band holds about two lines of this many characters in capitals.
BADGE_TITLE_SIZE = 80

_PLACE = re.compile(r"\b(tỉnh|thành phố|TP\.?)\s+([^\W\d_][^,;()\n]*)", re.IGNORECASE)
_LEAD = re.compile(r"^(chương trình|hội nghị tổ chức)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class Locality:
    """Where the event is: ``kind`` "tỉnh" or "thành phố", ``name`` e.g. "Bến Tre"."""

    kind: str
    name: str

    @property
    def level(self) -> str:
        """"Tỉnh đoàn" or "Thành đoàn": the Youth Union body of such a place."""
        return "Tỉnh đoàn" if self.kind == "tỉnh" else "Thành đoàn"

    @property
    def union(self) -> str:
        """That body by name: "Tỉnh đoàn Bến Tre", "Thành đoàn Cần Thơ"."""
        return f"{self.level} {self.name}"


def locality(venue: str | None) -> Locality | None:
    """The last province or city a venue names ("Hội trường UBND tỉnh Bến Tre" → tỉnh Bến
    Tre); None when it names none."""
    found = None
    for match in _PLACE.finditer(venue or ""):
        name = " ".join(match.group(2).split())
        if name and name[0].isupper():
            kind = "tỉnh" if match.group(1).lower() == "tỉnh" else "thành phố"
            found = Locality(kind, name)
    return found


def first_locality(venues) -> Locality | None:
    """The first of ``venues`` (in session order) that names a province or city."""
    return next(filter(None, map(locality, venues)), None)


def letter_date(first_day: date | None) -> date | None:
    """The date a letter bears: a week before the first session (None without sessions)."""
    return None if first_day is None else first_day - timedelta(days=LETTER_DAYS_BEFORE)


def badge_title(title: str, year: int | None = None, size: int = BADGE_TITLE_SIZE) -> str:
    """A short name for badges: the title's first clause, up to its first comma when long,
    without "Chương trình", with the year; cut at a word only past ``size``."""
    name = title.split(";")[0].strip()
    if len(name) > size:
        name = name.split(",")[0].strip()
    name = _LEAD.sub("", name)
    name = name[:1].upper() + name[1:]
    if year and str(year) not in name:
        name = f"{name} năm {year}"
    if len(name) > size:
        name = name[:size].rsplit(" ", 1)[0].rstrip(" ,–-") + "…"
    return name


@dataclass(frozen=True)
class Letterhead:
    """The invitation's letterhead and signature block as an event's place suggests them."""

    issuer_parent: str
    issuer: str
    inviter: str
    signer_capacity: str


def letterhead(place: Locality | None) -> Letterhead:
    """The Youth Union body of ``place`` invites and signs; without one, "Ban Tổ chức"."""
    if place is None:
        return Letterhead("ĐOÀN TNCS HỒ CHÍ MINH", "BAN TỔ CHỨC",
                          "Ban Tổ chức trân trọng kính mời", "TM. BAN TỔ CHỨC")
    body = place.union
    return Letterhead("ĐOÀN TNCS HỒ CHÍ MINH", f"BAN CHẤP HÀNH\n{body.upper()}",
                      f"Ban Thường vụ {body} trân trọng kính mời",
                      f"TM. BAN THƯỜNG VỤ {place.level.upper()}")


def certificate_issuer(place: Locality | None) -> str:
    """The certificate's issuer (two printed lines)."""
    if place is None:
        return "BAN TỔ CHỨC"
    council = "HỘI ĐỒNG ĐỘI TỈNH" if place.kind == "tỉnh" else "HỘI ĐỒNG ĐỘI THÀNH PHỐ"
    return f"{place.union.upper()}\n{council}"


#: Printed fields no event can suggest, with the words the pages use for them.
MISSING = {"number": "số hiệu giấy mời", "place": "địa danh", "signer_title": "chức vụ người ký",
           "signer_name": "họ tên người ký", "short_title": "tên ngắn trên thẻ"}


def missing(values: dict) -> list[str]:
    """The words for the fields of ``MISSING`` that ``values`` holds empty."""
    return [label for name, label in MISSING.items()
            if name in values and not (values[name] or "").strip()]
