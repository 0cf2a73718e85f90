"""Moderation of many questions at once (kiểm duyệt hàng loạt): select, reject or file under
another topic the questions an organizer ticked on a filtered list, in one transaction.

Skip and report, not all or nothing: a filtered list mixes states, so a question that cannot
take the action (withdrawn, merged) or already has it is reported per id and the others
change. Bad input (an unknown action or topic, an id not in the event) changes nothing (422).
The state is checked with ``rules.bulk_verdict`` after the rows are locked, never by raising
a ``DomainError`` for a skipped question (constructing one would roll the request back).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

import sqlalchemy as sa

from eventapp.database import is_sqlite, write_lock
from eventapp.errors import Invalid
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.formatting import number
from eventapp.params import whole_number

from . import rules
from .models import Question
from .moderation import next_position, record_change

#: Ids in one request; a page shows at most ``moderation.PER_PAGE_CHOICES[-1]`` questions.
MAX_IDS = 2000


@dataclass(frozen=True)
class Result:
    """One question's outcome: ``result`` is changed / unchanged / skipped (``message`` why)."""

    id: int
    result: str
    status: str
    topic_id: int | None
    message: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def _ids(values: Iterable) -> list[int]:
    numbers = {whole_number(v) for v in values}
    if None in numbers:
        raise Invalid({"ids": "Danh sách câu hỏi không hợp lệ."})
    ids = sorted(numbers)
    if not ids:
        raise Invalid({"ids": "Chưa chọn câu hỏi nào."})
    if len(ids) > MAX_IDS:
        raise Invalid({"ids": f"Mỗi lần chỉ xử lý được tối đa {number(MAX_IDS)} câu "
                              f"hỏi; đã chọn {number(len(ids))} câu."})
    return ids


def _locked(event: Event, ids: list[int]) -> list[Question]:
    """The questions re-read and locked until the transaction ends, in id order (the one
    lock order, so two bulk actions over overlapping lists cannot deadlock)."""
    session = db.session()
    stmt = (sa.select(Question).where(Question.event_id == event.id, Question.id.in_(ids))
            .order_by(Question.id).execution_options(populate_existing=True))
    if is_sqlite(session.get_bind()):
        write_lock(session, Event, event.id)  # SQLite: the one write lock, a fresh snapshot
    else:
        stmt = stmt.with_for_update(key_share=True, of=Question)
    return list(session.scalars(stmt))


def apply(event: Event, ids: Iterable, action: str, *, topic_id: int | None = None,
          user) -> list[Result]:
    """Apply ``action`` ("select", "reject", "topic" with ``topic_id``) to the questions
    ``ids`` of ``event``; one result per id, in id order."""
    if action not in rules.BULK_ACTIONS:
        raise Invalid({"action": "Thao tác không hợp lệ; chọn “Chọn”, “Không chọn” hoặc "
                                 "“Đổi chủ đề”."})
    if action == "topic" and not any(t.id == topic_id for t in event.topics):
        raise Invalid({"topic": rules.MSG_TOPIC_MISSING})
    wanted = _ids(ids)
    questions = _locked(event, wanted)
    missing = sorted(set(wanted) - {q.id for q in questions})
    if missing:
        raise Invalid({"ids": "Không tìm thấy câu hỏi "
                              + ", ".join(f"#{i}" for i in missing[:20])
                              + (" …" if len(missing) > 20 else "") + " trong sự kiện này."})
    target = rules.BULK_ACTIONS[action]
    position = next_position(event.id) if target is rules.S.selected else None
    results = []
    for q in questions:
        verdict, why = rules.bulk_verdict(q.status, action)
        if verdict == rules.CHANGED and action == "topic" and q.topic_id == topic_id:
            verdict = rules.UNCHANGED
        if verdict == rules.CHANGED:
            if target is None:
                record_change("question.wording", q, "Đổi chủ đề", {"topic_id": q.topic_id},
                        {"topic_id": topic_id}, user)
                q.topic_id = topic_id
            else:
                before = {"status": q.status, "position": q.position}
                q.status, q.position = target, position
                position = position + 1 if position is not None else None
                record_change("question.status", q, target.label, before,
                        {"status": target.value, "position": q.position}, user)
        results.append(Result(q.id, verdict, rules.S(q.status).value, q.topic_id, why))
    db.session.flush()
    return results


def summary(results: list[Result]) -> str:
    """One Vietnamese line for the organizer: how many changed, unchanged, skipped and why."""
    count = {k: sum(r.result == k for r in results)
             for k in (rules.CHANGED, rules.UNCHANGED, rules.SKIPPED)}
    text = f"Đã cập nhật {number(count[rules.CHANGED])} câu hỏi"
    if count[rules.UNCHANGED]:
        text += f"; {number(count[rules.UNCHANGED])} câu đã ở trạng thái đó"
    text += "."
    skipped = [r for r in results if r.result == rules.SKIPPED]
    if skipped:
        reasons: dict[str, list[int]] = {}
        for r in skipped:
            reasons.setdefault(r.message or "", []).append(r.id)
        text += f" Bỏ qua {number(len(skipped))} câu: " + "; ".join(
            f"{', '.join(f'#{i}' for i in ids[:10])}{' …' if len(ids) > 10 else ''} — {why}"
            for why, ids in reasons.items())
    return text
