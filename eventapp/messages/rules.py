"""Pure rules of messages: the placeholders of a template, rendering it, when a reminder rule
falls due; when a failed delivery is tried again, and when it is given up. No database, no
request: tested table-driven.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

#: Every placeholder a template may use, with what it stands for (shown beside the form).
PLACEHOLDERS = {
    "don_vi": "tên đơn vị",
    "da_gui": "số câu hỏi đơn vị đã gửi",
    "toi_thieu": "số câu hỏi tối thiểu",
    "con_thieu": "số câu hỏi còn thiếu",
    "han_chot": "hạn chót của đơn vị (dd/mm/yyyy HH:MM, kể cả gia hạn)",
    "lien_ket": "đường dẫn tới trang của đơn vị",
}
#: Placeholders every audience fills; the others only the audiences that declare them.
COMMON = ("don_vi", "han_chot", "lien_ket")
#: ``{name}``: anything between braces is a placeholder, so a typo is refused, not sent.
_FIELD = re.compile(r"\{([^{}]*)\}")

#: A rule may fall due at most this many days before or after its deadline.
MAX_OFFSET_DAYS = 90
#: The default rules proposed for an event: days before each deadline.
DEFAULT_OFFSETS = (-3, -1)


def placeholders_in(text: str) -> list[str]:
    """The placeholder names ``text`` uses, in order of first use."""
    return list(dict.fromkeys(match.group(1) for match in _FIELD.finditer(text or "")))


def template_problem(text: str, allowed: Iterable[str]) -> str | None:
    """A Vietnamese message for the first placeholder ``text`` may not use, else None."""
    allowed = tuple(allowed)
    for name in placeholders_in(text):
        if name not in allowed:
            known = ", ".join("{" + a + "}" for a in allowed)
            what = "không tồn tại" if name not in PLACEHOLDERS else "không dùng được cho nhóm " \
                                                                  "đơn vị này"
            return f"Biến {{{name}}} {what}. Các biến dùng được: {known}."
    return None


def render(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each ``{name}`` replaced by ``values[name]`` (checked beforehand by
    ``template_problem``; a name without a value is left as written)."""
    return _FIELD.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values
                      else m.group(0), text)


def due_at(deadline: datetime | None, offset_days: int) -> datetime | None:
    """When a rule falls due for a unit whose effective deadline is ``deadline``."""
    return None if deadline is None else deadline + timedelta(days=offset_days)


def is_due(at: datetime, deadline: datetime | None, offset_days: int) -> bool:
    """A unit without a deadline is never reminded of it."""
    due = due_at(deadline, offset_days)
    return due is not None and at >= due


def offset_problem(offset_days: int) -> str | None:
    if not -MAX_OFFSET_DAYS <= offset_days <= MAX_OFFSET_DAYS:
        return f"Số ngày phải từ −{MAX_OFFSET_DAYS} đến {MAX_OFFSET_DAYS}."
    return None


def offset_text(offset_days: int) -> str:
    """``3 ngày trước hạn``, ``đúng hạn``, ``1 ngày sau hạn``."""
    if offset_days == 0:
        return "đúng hạn chót"
    side = "trước" if offset_days < 0 else "sau"
    return f"{abs(offset_days)} ngày {side} hạn chót"


#: Waits after the 1st, 2nd, 3rd … temporary failure; the last one repeats (capped).
RETRY_DELAYS = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=15),
                timedelta(hours=1))


def retry_delay(attempts: int, max_attempts: int) -> timedelta | None:
    """How long to wait after ``attempts`` attempts that failed for now, or None: give up
    (the message is marked failed) once ``max_attempts`` have been made."""
    if attempts >= max_attempts:
        return None
    return RETRY_DELAYS[min(max(attempts, 1), len(RETRY_DELAYS)) - 1]

