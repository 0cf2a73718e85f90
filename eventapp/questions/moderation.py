"""The organizer's moderation (kiểm duyệt): filters, statuses, merging, the wording read
aloud, the order of selected questions, and duplicate suggestions.

Merging keeps both questions: the merged one keeps its text and its unit and points at
the one it joined; chains are flattened, so the units that asked a question are always
its own unit plus the units of the questions merged directly into it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from eventapp import audit
from eventapp.database import contains, lock
from eventapp.errors import Changed, Conflict, Invalid
from eventapp.events.models import Event, Topic
from eventapp.extensions import db
from eventapp.messages import notices
from eventapp.params import whole_number
from eventapp.text import fold
from eventapp.units.models import Unit

from . import rules, similarity
from .models import Question, QuestionStatus

S = QuestionStatus
PER_PAGE = 50
#: Page sizes the organizer may pick; the largest lets a whole event's list be ticked at once.
PER_PAGE_CHOICES = (50, 200, 1000)


# --- Listing -------------------------------------------------------------------------------

@dataclass
class Filters:
    topic_id: int | None = None
    unit_id: int | None = None
    #: A status value, "active" (submitted + selected) or "" for all but withdrawn.
    status: str = ""
    text: str = ""


def _filtered(event: Event, f: Filters):
    stmt = sa.select(Question).where(Question.event_id == event.id)
    if f.topic_id:
        stmt = stmt.where(Question.topic_id == f.topic_id)
    if f.unit_id:
        stmt = stmt.where(Question.unit_id == f.unit_id)
    if f.status == "active":
        stmt = stmt.where(Question.status.in_([S.submitted.value, S.selected.value]))
    elif f.status in {s.value for s in S}:
        stmt = stmt.where(Question.status == f.status)
    else:
        stmt = stmt.where(Question.status != S.withdrawn.value)
    if f.text.strip():
        # "#42" or "42" is a question's number; a number no id can be is searched as text.
        number = whole_number(f.text.strip().lstrip("#"))
        if number is not None:
            stmt = stmt.where(Question.id == number)
        else:
            stmt = stmt.where(contains(Question.folded, fold(f.text)))
    return stmt


def search(event: Event, f: Filters, page: int = 1, per_page: int = PER_PAGE) -> Pagination:
    """One page of questions matching the filters, by topic then order of arrival."""
    stmt = (_filtered(event, f).outerjoin(Topic, Topic.id == Question.topic_id)
            .order_by(sa.func.coalesce(Topic.position, 10_000), Question.id))
    return db.paginate(stmt, page=max(page, 1), per_page=per_page, error_out=False)


def askers(questions: Sequence[Question]) -> dict[int, list[Question]]:
    """For each question, the questions merged into it (with their units), in one query."""
    ids = [q.id for q in questions]
    result: dict[int, list[Question]] = defaultdict(list)
    if not ids:
        return result
    for child in db.session.scalars(sa.select(Question).where(
            Question.merged_into_id.in_(ids), Question.status == S.merged.value)
            .order_by(Question.id)):
        result[child.merged_into_id].append(child)
    return result


def asking_units(question: Question, merged: Sequence[Question]) -> list[Unit]:
    """Every unit that asked ``question``: its own, then those of merged questions."""
    units = [question.unit]
    for child in merged:
        if child.unit not in units:
            units.append(child.unit)
    return units


# --- Changes -------------------------------------------------------------------------------

def record_change(action: str, question: Question, summary: str, before: dict, after: dict,
                  user) -> None:
    """The audit line of one question's change (the bulk actions write the same lines)."""
    audit.record(action, obj=question, event_id=question.event_id,
                 summary=f"{summary} #{question.id}: {rules.short(question.content, 60)}",
                 before=before, after=after, user=user)


def next_position(event_id: int) -> int:
    """The position after the last selected question: where a newly selected one goes."""
    top = db.session.scalar(sa.select(sa.func.max(Question.position)).where(
        Question.event_id == event_id, Question.status == S.selected.value))
    return (top or 0) + 1


def set_status(question: Question, status: str, *, user) -> Question:
    """Select, reject or reset a question. Selected ones join the end of the order."""
    try:
        new = S(status)
    except ValueError:
        raise Invalid({"status": "Trạng thái không hợp lệ."}) from None
    lock(question)  # a unit's edit or withdrawal of it waits, or is seen here
    if not rules.may_move(question.status, new):
        raise Changed(f"Không thể chuyển câu hỏi từ “{question.status.label}” sang "
                      f"“{new.label}”; câu hỏi vừa được thay đổi. Vui lòng tải lại trang.")
    before = {"status": question.status, "position": question.position}
    question.position = next_position(question.event_id) if new is S.selected else None
    question.status = new
    record_change("question.status", question, f"{new.label}", before,
            {"status": new.value, "position": question.position}, user)
    db.session.flush()
    if new is S.selected:
        notify("question_selected", question, user)
    return question


def notify(kind: str, question: Question, user, **values) -> None:
    """The asking unit's notice about ``question`` (``messages/notices.py``)."""
    notices.notify(kind, event=db.session.get(Event, question.event_id),
                   unit_id=question.unit_id, ref=f"question:{question.id}", user=user,
                   values={"question_id": question.id, "cau_hoi": question.id,
                           "noi_dung": rules.short(question.content, 300), **values})


def merge(source: Question, target: Question, *, user) -> Question:
    """Merge ``source`` into ``target``; questions already merged into ``source`` follow."""
    for question in sorted((source, target), key=lambda q: q.id):  # one lock order
        lock(question)
    problem = rules.merge_problem(source.status, target.status, source.id == target.id,
                                  source.event_id == target.event_id)
    if problem:
        raise Conflict(problem, code="bad_merge")
    before = {"status": source.status, "merged_into_id": source.merged_into_id,
              "position": source.position}
    followers = list(db.session.scalars(sa.select(Question).where(
        Question.merged_into_id == source.id, Question.status == S.merged.value)))
    for child in followers:
        child.merged_into_id = target.id
    source.status, source.merged_into_id, source.position = S.merged.value, target.id, None
    record_change("question.merge", source, f"Gộp vào #{target.id}", before,
            {"status": S.merged.value, "merged_into_id": target.id,
             "followers": [c.id for c in followers]}, user)
    db.session.flush()
    notify("question_merged", source, user, gop_vao=target.id)
    return target


def unmerge(question: Question, *, user) -> Question:
    """Undo a merge: the question stands alone again, waiting for a decision."""
    lock(question)
    if question.status != S.merged:
        raise Changed("Câu hỏi này không còn ở trạng thái đã gộp; vui lòng tải lại trang.")
    before = {"status": question.status, "merged_into_id": question.merged_into_id}
    question.status, question.merged_into_id = S.submitted.value, None
    record_change("question.unmerge", question, "Tách khỏi câu gộp", before,
            {"status": S.submitted.value, "merged_into_id": None}, user)
    db.session.flush()
    return question


def set_wording(event: Event, question: Question, *, reading_text: str | None,
                topic_id: int | None, user) -> Question:
    """The wording read aloud (the original stays as sent) and the topic it is filed under."""
    text = rules.normalise_content(reading_text)
    if len(text) > rules.MAX_CONTENT:
        raise Invalid({"reading_text": rules.msg_too_long(len(text))})
    if topic_id is not None and not any(t.id == topic_id for t in event.topics):
        raise Invalid({"topic": rules.MSG_TOPIC_MISSING})
    fields = ["reading_text", "topic_id"]
    before = audit.snapshot(question, fields)
    question.reading_text = text if text and text != question.content else None
    if topic_id is not None:
        question.topic_id = topic_id
    old, new = audit.changed(before, audit.snapshot(question, fields))
    if new:
        record_change("question.wording", question, "Sửa nội dung đọc", old, new, user)
    db.session.flush()
    return question


# --- Order of the dialogue -----------------------------------------------------------------

def selected(event: Event) -> list[Question]:
    """Selected questions in dialogue order."""
    return list(db.session.scalars(sa.select(Question).where(
        Question.event_id == event.id, Question.status == S.selected.value)
        .order_by(sa.func.coalesce(Question.position, 1_000_000), Question.id)))


def reorder(event: Event, ids: Sequence[int], *, user) -> list[Question]:
    """Put the selected questions in the order of ``ids`` (which must list each once)."""
    current = selected(event)
    by_id = {q.id: q for q in current}
    try:
        wanted = [int(i) for i in ids]
    except (TypeError, ValueError):
        raise Invalid({"order": "Danh sách thứ tự không hợp lệ."}) from None
    if sorted(wanted) != sorted(by_id):
        raise Changed("Danh sách câu hỏi được chọn đã thay đổi; hãy tải lại trang.")
    before = [q.id for q in current]
    for position, qid in enumerate(wanted, start=1):
        by_id[qid].position = position
    if before != wanted:
        audit.record("question.reorder", event_id=event.id, summary="Sắp xếp thứ tự đối thoại",
                     before={"order": before}, after={"order": wanted}, user=user)
    db.session.flush()
    return [by_id[i] for i in wanted]


def move(event: Event, question: Question, delta: int, *, user) -> list[Question]:
    """Move a selected question up (−1) or down (+1) in the order."""
    order = [q.id for q in selected(event)]
    if question.id not in order:
        raise Conflict("Chỉ sắp xếp được câu hỏi đã được chọn.", code="bad_status")
    i = order.index(question.id)
    j = min(max(i + delta, 0), len(order) - 1)
    order.insert(j, order.pop(i))
    return reorder(event, order, user=user)


# --- Duplicate suggestions -----------------------------------------------------------------

def suggestions(event: Event) -> dict[int, list[similarity.Match]]:
    """Likely duplicates for every question of the event (cached until texts change)."""
    fingerprint = tuple(db.session.execute(sa.select(
        sa.func.count(Question.id), sa.func.max(Question.id),
        sa.func.max(Question.text_changed_at)).where(Question.event_id == event.id)).one())

    def compute():
        rows = db.session.execute(sa.select(Question.id, Question.folded).where(
            Question.event_id == event.id)).all()
        return similarity.similar_pairs(rows)

    return similarity.cached(event.id, fingerprint, compute)


ACTIVE = (S.submitted.value, S.selected.value)


def live_suggestions(event: Event, questions: Sequence[Question]
                     ) -> tuple[dict[int, list[similarity.Match]], dict[int, Question]]:
    """Suggestions for ``questions`` limited to others still open for merging, and those
    others loaded in one query."""
    found = suggestions(event)
    wanted = {m.other_id for q in questions for m in found.get(q.id, [])}
    others = {q.id: q for q in db.session.scalars(sa.select(Question).where(
        Question.id.in_(wanted), Question.status.in_(ACTIVE)))} if wanted else {}
    return ({q.id: [m for m in found.get(q.id, []) if m.other_id in others]
             for q in questions}, others)


def duplicate_pairs(event: Event, limit: int = 200) -> list[tuple[Question, Question, int]]:
    """The best-scoring pairs of open questions, each pair once."""
    found = suggestions(event)
    open_ids = set(db.session.scalars(sa.select(Question.id).where(
        Question.event_id == event.id, Question.status.in_(ACTIVE))))
    pairs = sorted({(min(a, m.other_id), max(a, m.other_id), m.score)
                    for a, matches in found.items() if a in open_ids
                    for m in matches if m.other_id in open_ids},
                   key=lambda p: (-p[2], p[0], p[1]))[:limit]
    ids = {i for a, b, _ in pairs for i in (a, b)}
    loaded = {q.id: q for q in db.session.scalars(sa.select(Question).where(
        Question.id.in_(ids)))} if ids else {}
    return [(loaded[a], loaded[b], score) for a, b, score in pairs]
