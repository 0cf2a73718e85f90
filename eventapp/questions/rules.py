"""Pure rules for questions: text clean-up and validation, paste splitting, progress
wording, quota arithmetic, status moves, board sorting. No database, no request.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime

from eventapp import formatting
from eventapp.events.rules import room_left, shortfall
from eventapp.text import clean, fold

from .models import QuestionStatus

MAX_CONTENT = 2000
MAX_ASKER = 200
#: A paste or an upload is refused beyond this many questions at once.
MAX_BATCH = 500

MSG_EMPTY = "Nội dung câu hỏi không được để trống."
MSG_TOPIC_MISSING = "Vui lòng chọn chủ đề."


def msg_too_long(length: int) -> str:
    return (f"Nội dung câu hỏi dài {formatting.number(length)} ký tự, vượt quá "
            f"{formatting.number(MAX_CONTENT)} ký tự cho phép.")


def msg_unknown_topic(value: object) -> str:
    return f"Chủ đề “{value}” không có trong danh sách chủ đề của sự kiện."


# --- Text ------------------------------------------------------------------------------------

_MANY_BREAKS = re.compile(r"\n{3,}")


def normalise_content(text: str | None) -> str:
    """The question as stored: ``text.clean`` keeping paragraphs (one blank line at most)."""
    return _MANY_BREAKS.sub("\n\n", clean(None if text is None else str(text), multiline=True))


def normalise_line(text: str | None) -> str:
    """A one-line value (asker's name, position): ``text.clean``."""
    return clean(None if text is None else str(text))


def content_problem(content: str) -> str | None:
    """Why a (normalised) content is refused, or None."""
    if not content:
        return MSG_EMPTY
    if len(content) > MAX_CONTENT:
        return msg_too_long(len(content))
    return None


def question_problems(content: str, topic_id: int | None, topic_given: object,
                      asker_name: str = "", asker_position: str = "") -> dict[str, str]:
    """Field → message for one question; empty when it may be saved.

    ``topic_id`` is the resolved topic (None when unknown); ``topic_given`` is what the
    sender typed or chose, used to word the message.
    """
    errors: dict[str, str] = {}
    problem = content_problem(content)
    if problem:
        errors["content"] = problem
    if topic_id is None:
        blank = topic_given is None or str(topic_given).strip() == ""
        errors["topic"] = MSG_TOPIC_MISSING if blank else msg_unknown_topic(topic_given)
    if len(asker_name) > MAX_ASKER:
        errors["asker_name"] = f"Tối đa {MAX_ASKER} ký tự."
    if len(asker_position) > MAX_ASKER:
        errors["asker_position"] = f"Tối đa {MAX_ASKER} ký tự."
    return errors


def match_topic(value: object, topics: Sequence[tuple[int, str]]) -> int | None:
    """The topic id named by ``value``: its name (case, diacritics and spacing ignored),
    or its number in the event's list (1, 2, …). None when nothing matches."""
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() else None
        return topics[number - 1][0] if number and 1 <= number <= len(topics) else None
    text = str(value).strip()
    if text.isdecimal():
        return match_topic(int(text), topics)
    key = fold(text).rstrip(" .:;")
    for topic_id, name in topics:
        if fold(name) == key:
            return topic_id
    return None


def dedupe_key(content: str) -> str:
    """Two contents with the same key are the same question (case, accents, spacing and
    end punctuation ignored)."""
    return fold(content).strip(" .?!…")


# --- Pasting several questions --------------------------------------------------------------

_NUMBERING = re.compile(
    r"^(?:(?:câu\s+hỏi|câu|cau\s+hoi|cau)\s*\d{1,3}\s*[:.)\-–]?\s*"
    r"|\d{1,3}\s*[.):]\s+|\(\d{1,3}\)\s*|[-–—•*+·●○▪■□➢➤✓]\s*)", re.IGNORECASE)


def strip_numbering(line: str) -> str:
    """Drop a leading list marker: ``1.``, ``2)``, ``Câu 3:``, ``-``, ``•`` …"""
    return _NUMBERING.sub("", line, count=1).strip()


def split_paste(text: str | None) -> list[tuple[int, str]]:
    """Questions pasted one per paragraph: ``(line number, content)`` for every non-blank
    line, list markers removed. Lines that held only a marker are skipped."""
    result = []
    if not text:
        return result
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    for number, line in enumerate(text.split("\n"), start=1):
        content = strip_numbering(normalise_line(line))
        if content:
            result.append((number, content))
    return result


# --- Progress and quotas --------------------------------------------------------------------

def progress_text(count: int, minimum: int) -> str:
    """``9/15 câu hỏi — còn thiếu 6``; ``15/15 câu hỏi — đã đủ``; ``3 câu hỏi`` (no target)."""
    if minimum <= 0:
        return f"Đã gửi {count} câu hỏi"
    missing = shortfall(count, minimum)
    if missing:
        return f"{count}/{minimum} câu hỏi — còn thiếu {missing}"
    return f"{count}/{minimum} câu hỏi — đã đủ"


def quota_problem(count: int, cap: int | None, adding: int) -> str | None:
    """Why ``adding`` more questions would break the hard cap, or None."""
    left = room_left(count, cap)
    if left is None or adding <= left:
        return None
    if left == 0:
        return (f"Đơn vị đã gửi đủ số câu hỏi tối đa ({cap} câu); không thể gửi thêm. "
                "Có thể rút bớt câu hỏi cũ để gửi câu khác.")
    return (f"Đơn vị đã gửi {count}/{cap} câu hỏi tối đa: chỉ gửi thêm được {left} câu "
            f"nhưng danh sách có {adding} câu. Chưa câu nào được lưu.")


# --- Status moves ---------------------------------------------------------------------------

S = QuestionStatus
#: Moves an organizer may make with the status buttons (merging has its own operation).
ORGANIZER_MOVES: dict[QuestionStatus, set[QuestionStatus]] = {
    S.submitted: {S.selected, S.rejected},
    S.selected: {S.submitted, S.rejected},
    S.rejected: {S.submitted, S.selected},
    S.merged: set(),
    S.withdrawn: set(),
}
#: A question may receive merged ones only in these states.
MERGE_TARGETS = {S.submitted, S.selected}
#: A unit may still edit or withdraw a question only while nobody has processed it.
UNIT_EDITABLE = {S.submitted}


def may_move(current: QuestionStatus | str, new: QuestionStatus | str) -> bool:
    return S(new) in ORGANIZER_MOVES[S(current)]


#: Bulk moderation (kiểm duyệt hàng loạt): each action and the status it sets; "topic" files
#: the questions under another topic and keeps their status.
BULK_ACTIONS: dict[str, QuestionStatus | None] = {"select": S.selected, "reject": S.rejected,
                                                   "topic": None}
CHANGED, UNCHANGED, SKIPPED = "changed", "unchanged", "skipped"


def bulk_verdict(current: QuestionStatus | str, action: str) -> tuple[str, str | None]:
    """What a bulk ``action`` does to a question now in ``current``: ``changed``,
    ``unchanged`` (it is there already) or ``skipped`` with the reason in Vietnamese.

    A bulk action is applied to a filtered list, which may mix states: questions that
    cannot take the action are reported, not a reason to refuse the others.
    """
    current = S(current)
    if current is S.withdrawn:
        return SKIPPED, "Đơn vị đã rút câu hỏi này."
    if current is S.merged:
        return SKIPPED, "Câu hỏi đã được gộp vào câu khác; hãy tách ra trước."
    target = BULK_ACTIONS[action]
    if target is None:
        return CHANGED, None
    if current is target:
        return UNCHANGED, None
    if may_move(current, target):
        return CHANGED, None
    return SKIPPED, f"Không thể chuyển từ “{current.label}” sang “{target.label}”."


def merge_problem(source_status: str, target_status: str, same: bool,
                  same_event: bool = True) -> str | None:
    """Why the source cannot be merged into the target, or None."""
    if same:
        return "Không thể gộp một câu hỏi vào chính nó."
    if not same_event:
        return "Hai câu hỏi không cùng một sự kiện."
    if S(source_status) in (S.withdrawn, S.merged):
        return "Câu hỏi này đã được rút hoặc đã gộp; không thể gộp tiếp."
    if S(target_status) not in MERGE_TARGETS:
        return "Chỉ gộp được vào câu hỏi đang chờ xử lý hoặc đã được chọn."
    return None


# --- Follow-up ------------------------------------------------------------------------------

def is_overdue(due: date | None, done_at: datetime | None, today: date) -> bool:
    """An open follow-up whose due date has passed."""
    return due is not None and done_at is None and due < today


# --- Compliance board sorting ---------------------------------------------------------------

@functools.lru_cache(maxsize=8192)
def name_key(name: str) -> str:
    """Sort key of a unit name: "Đ" with "D", accents ignored (names rarely change)."""
    return fold(name)


SORT_KEYS: dict[str, Callable] = {
    "name": lambda r: name_key(r.name),
    "code": lambda r: r.code,
    "count": lambda r: (r.submitted, name_key(r.name)),
    "short": lambda r: (r.short_by, name_key(r.name)),
    "last": lambda r: (r.last_at is not None, r.last_at or datetime.min, name_key(r.name)),
}


def sort_rows(rows: Iterable, key: str = "name", descending: bool = False) -> list:
    """Board rows sorted by one of ``SORT_KEYS`` (unknown keys sort by name)."""
    return sorted(rows, key=SORT_KEYS.get(key, SORT_KEYS["name"]), reverse=descending)


def short(text: str, size: int = 80) -> str:
    """``text`` on one line, cut to ``size`` characters with "…" (audit summaries)."""
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1] + "…"
