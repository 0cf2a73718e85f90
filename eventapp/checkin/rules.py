"""Pure check-in rules: reading what a scanner typed, the arrival time of an offline scan,
which session the board opens on, and the arrivals-over-time series. No database here.
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from eventapp.registration.codes import ENCODED_16

#: What a check-in code looks like (see ``registration/codes.py``): two base32 halves.
CODE_PATTERN = re.compile(rf"{ENCODED_16}\.{ENCODED_16}")
MAX_CODE_LENGTH = 512


class Outcome(enum.StrEnum):
    """The answer to one scan; the value is the API's ``result``."""

    checked_in = "checked_in"
    already_checked_in = "already_checked_in"
    unknown_code = "unknown_code"
    revoked = "revoked"
    not_invited = "not_invited"
    #: The delegate's unit sent a substitute (cử người dự thay): this code is revoked.
    substituted = "substituted"
    #: The registration waits for the organizer's approval, or was refused (chờ duyệt, bị
    #: từ chối): the person is not a delegate yet.
    not_approved = "not_approved"

    @property
    def http_status(self) -> int:
        return {"checked_in": 200, "already_checked_in": 200, "unknown_code": 404,
                "revoked": 409, "not_invited": 409, "substituted": 409,
                "not_approved": 409}[self.value]

    @property
    def colour(self) -> str:
        """green / amber / red, as the door staff see it."""
        return {"checked_in": "green", "already_checked_in": "amber"}.get(self.value, "red")

    @property
    def message(self) -> str:
        return OUTCOME_MESSAGES[self]

    @property
    def label(self) -> str:
        """Short, for the organizer's list of refused scans."""
        return {"checked_in": "Đã check-in", "already_checked_in": "Đã check-in trước đó",
                "unknown_code": "Mã không hợp lệ", "revoked": "Mã đã thu hồi",
                "not_invited": "Không được mời dự phiên", "substituted": "Đã cử người thay",
                "not_approved": "Chưa được duyệt"}[self.value]


OUTCOME_MESSAGES = {
    Outcome.checked_in: "Đã check-in",
    Outcome.already_checked_in: "Đã check-in trước đó",
    Outcome.unknown_code: "Mã không hợp lệ — không có trong danh sách sự kiện này",
    Outcome.revoked: "Mã đã bị thu hồi (đại biểu đã hủy đăng ký)",
    Outcome.not_invited: "Đại biểu không được mời dự phiên này",
    Outcome.substituted: "Mã đã bị thu hồi: đơn vị đã cử người dự thay",
    Outcome.not_approved: "Đăng ký của đại biểu chưa được Ban tổ chức duyệt — không check-in",
}


def extract_code(raw: str | None) -> str | None:
    """The code inside what a scanner typed or a QR encodes, upper-cased, or None.

    Scanners add whitespace or a CR; some QR apps wrap the code in a URL
    (``https://…/c/<code>``): the first code-shaped run is taken. Whether the code is
    genuine, and for which event, is decided by ``registration.codes`` afterwards.
    """
    if not raw or len(raw) > MAX_CODE_LENGTH:
        return None
    text = raw.strip().upper()
    if CODE_PATTERN.fullmatch(text):
        return text
    found = CODE_PATTERN.search(text)
    return found.group(0) if found else None


#: An offline scan's own time is believed from this long before its session starts …
OFFLINE_EARLIEST = timedelta(hours=6)
#: … to this long after the server's now (a phone clock a little ahead).
OFFLINE_LATEST = timedelta(minutes=2)


def arrival_time(scanned_at: datetime | None, server_now: datetime,
                 session_starts_at: datetime) -> tuple[datetime, bool]:
    """When the person arrived, and whether the organizer should review the check-in.

    The device's scan time is kept from ``OFFLINE_EARLIEST`` before the session starts to
    ``OFFLINE_LATEST`` after the server's now, but never later than the server's now (no
    arrival that has not happened yet). Outside that window the device's clock is wrong:
    the server's time is recorded and the check-in flagged for review (cần xem lại). Such
    an "out-of-window" scan is still an arrival, not a failed scan (README, failed scans).
    """
    if scanned_at is None:
        return server_now, False
    if not session_starts_at - OFFLINE_EARLIEST <= scanned_at <= server_now + OFFLINE_LATEST:
        return server_now, True
    return min(scanned_at, server_now), False


#: How long a session without an end time is taken to last.
SESSION_WITHOUT_END = timedelta(hours=4)


def session_over(starts_at: datetime, ends_at: datetime | None, at: datetime) -> bool:
    """Whether the session has ended at ``at`` (its end, else its start + 4 hours): only
    then is a delegate who has not come "vắng không lý do"; before, they are "chưa đến"."""
    return at >= (ends_at or starts_at + SESSION_WITHOUT_END)


def default_session(sessions: Sequence, server_now: datetime, *,
                    lead: timedelta = timedelta(hours=3)):
    """The session a board or scanner opens on: the one under way (doors open up to
    ``lead`` before it starts), else the next one, else the last one. None if no sessions.
    """
    ordered = sorted(sessions, key=lambda s: s.starts_at)
    for s in ordered:
        end = s.ends_at or s.starts_at + SESSION_WITHOUT_END
        if s.starts_at - lead <= server_now <= end:
            return s
    upcoming = [s for s in ordered if s.starts_at > server_now]
    if upcoming:
        return upcoming[0]
    return ordered[-1] if ordered else None


@dataclass(frozen=True)
class Point:
    """One bucket of the arrivals chart."""

    start: datetime
    count: int
    cumulative: int


def arrival_series(counts: Mapping[int, int], bucket_seconds: int,
                   max_points: int = 400) -> list[Point]:
    """Buckets (epoch seconds // bucket_seconds → arrivals) as a gap-free series.

    Empty buckets between the first and last arrival are filled with zero so the chart's
    time axis is even; an absurd span (a stray offline time) is cut to ``max_points``,
    keeping the latest buckets and carrying the earlier arrivals into the total.
    """
    if not counts:
        return []
    first, last = min(counts), max(counts)
    if last - first + 1 > max_points:
        first = last - max_points + 1
    carried = sum(n for b, n in counts.items() if b < first)
    series, total = [], carried
    for bucket in range(first, last + 1):
        count = counts.get(bucket, 0)
        total += count
        series.append(Point(datetime.fromtimestamp(bucket * bucket_seconds, UTC), count, total))
    return series


def percent(part: int, whole: int) -> int:
    """Whole-number percentage for progress bars; 0 when nothing is expected."""
    return round(part * 100 / whole) if whole else 0


def pick_bucket_seconds(span: timedelta) -> int:
    """Chart bucket size: 1 minute for a short door rush, up to 30 minutes for a long day."""
    for seconds in (60, 300, 900):
        if span <= timedelta(seconds=seconds * 120):
            return seconds
    return 1800


def clean_label(value: str | None, max_len: int = 64) -> str:
    """A device/door label as typed, control characters dropped, spaces collapsed, cut to
    what the column holds."""
    value = value or ""
    if not value.isprintable():  # rare: look at each character only then
        value = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in value)
    return " ".join(value.split())[:max_len]


def group_rows(rows: Iterable[tuple], key_index: int) -> dict:
    """Sum (expected, arrived) rows by one key column; used for units and categories."""
    totals: dict = {}
    for row in rows:
        key = row[key_index]
        expected, arrived = totals.get(key, (0, 0))
        totals[key] = (expected + row[-2], arrived + row[-1])
    return totals
