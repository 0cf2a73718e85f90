"""Operations of the unit's side: submit (one, pasted, uploaded), edit, withdraw; counts.

The only module besides ``moderation`` and ``dialogue`` that writes questions. Every
submission takes ``write_lock`` on the unit's ``EventUnit`` row first, then checks the
unit's effective deadline and the hard cap, then inserts (the request commits) — so the cap
holds under concurrent submissions on SQLite and PostgreSQL alike. Edits and withdrawals lock
the question's row first, so an organizer's decision and a unit's change never interleave.

Decisions where the issue is silent:
- the cap applies to every submission, and the deadline to every one a unit sends; after
  the unit's deadline an organizer may still enter questions for it (a paper list that
  arrived on time, a phone call) only with a reason, recorded in the audit log once per
  question (``question.late_entry``) and shown beside the question ("nhập hộ sau hạn");
  granting the unit an extension remains the way to let the unit itself send late;
- a unit may edit or withdraw a question only while it is still "submitted" (once the
  organizer has selected, rejected or merged it, it is locked for the unit);
- a unit cannot send the same question twice (same text ignoring case, accents, spacing
  and end punctuation): a double click or a list pasted twice must not fill the quota;
- rejected questions still count toward the unit's number: the unit did send them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa

from eventapp import audit
from eventapp.audit.models import AuditEntry
from eventapp.clock import now
from eventapp.database import lock, write_lock
from eventapp.errors import Changed, Conflict, Invalid, NotFound
from eventapp.events.models import Event, EventUnit
from eventapp.events.rules import is_open
from eventapp.events.services import (
    effective_deadline,
    ensure_open,
    extension_for,
    is_open_for,
)
from eventapp.extensions import db
from eventapp.formatting import number
from eventapp.spreadsheets import ImportErrors, read_rows, template
from eventapp.text import fold
from eventapp.units.models import Unit
from eventapp.units.rules import normal_code

from . import rules, settings
from .models import COUNTED, Question, QuestionSource, QuestionStatus

KIND = settings.DEADLINE
TEMPLATE_HEADERS = ["Chủ đề", "Nội dung câu hỏi", "Người hỏi", "Chức vụ"]


@dataclass(frozen=True)
class Draft:
    """A validated question, not saved yet; ``line`` is its row or line for messages."""

    content: str
    topic_id: int
    asker_name: str = ""
    asker_position: str = ""
    line: int = 0


# --- Reading ---------------------------------------------------------------------------------

def topics_of(event: Event) -> list[tuple[int, str]]:
    return [(t.id, t.name) for t in event.topics]


def participation(event: Event, unit_id: int) -> EventUnit:
    row = db.session.scalar(sa.select(EventUnit).where(EventUnit.event_id == event.id,
                                                       EventUnit.unit_id == unit_id))
    if row is None:
        raise NotFound("Đơn vị này không tham gia sự kiện.")
    return row


def unit_by_code(event: Event, code: str) -> Unit:
    unit = db.session.scalar(sa.select(Unit).join(EventUnit, EventUnit.unit_id == Unit.id)
                             .where(EventUnit.event_id == event.id,
                                    Unit.code == normal_code(code)))
    if unit is None:
        raise NotFound(f"Không có đơn vị mã “{code}” trong sự kiện này.")
    return unit


def counted(stmt):
    return stmt.where(Question.status.in_([s.value for s in COUNTED]))


def unit_count(event: Event, unit_id: int) -> int:
    """Questions that count for the unit: all but withdrawn ones (merged ones count)."""
    return db.session.scalar(counted(sa.select(sa.func.count(Question.id)).where(
        Question.event_id == event.id, Question.unit_id == unit_id))) or 0


def unit_questions(event: Event, unit_id: int) -> list[Question]:
    """The unit's questions, oldest first; withdrawn ones last."""
    withdrawn = sa.case((Question.status == QuestionStatus.withdrawn.value, 1), else_=0)
    return list(db.session.scalars(sa.select(Question).where(
        Question.event_id == event.id, Question.unit_id == unit_id)
        .order_by(withdrawn, Question.created_at, Question.id)))


def get_question(event: Event, question_id: int) -> Question:
    question = db.session.get(Question, question_id)
    if question is None or question.event_id != event.id:
        raise NotFound("Không tìm thấy câu hỏi.")
    return question


@dataclass
class UnitStatus:
    """What the unit's page and home card show: count, target, cap and its deadline."""

    count: int
    minimum: int
    maximum: int | None
    deadline: object
    is_open: bool
    extension: object

    @property
    def text(self) -> str:
        return rules.progress_text(self.count, self.minimum)

    @property
    def missing(self) -> int:
        return rules.shortfall(self.count, self.minimum)

    @property
    def room(self) -> int | None:
        return rules.room_left(self.count, self.maximum)


def unit_status(event: Event, unit_id: int) -> UnitStatus:
    deadline, quotas = effective_deadline(event, unit_id, KIND), settings.of(event)
    return UnitStatus(count=unit_count(event, unit_id), minimum=quotas.min_per_unit or 0,
                      maximum=quotas.max_per_unit, deadline=deadline,
                      is_open=is_open(now(), deadline),
                      extension=extension_for(event, unit_id, KIND))


# --- Validation ------------------------------------------------------------------------------

def draft(event: Event, *, content, topic, asker_name="", asker_position="", line: int = 0,
          topic_is_id: bool = False, topics: Sequence[tuple[int, str]] | None = None
          ) -> tuple[Draft | None, dict[str, str]]:
    """Clean and check one question. ``topic`` is a topic id (form) or a name or number
    (Excel, API). Returns the draft, or None with field → message."""
    topics = topics if topics is not None else topics_of(event)
    if topic_is_id:
        topic_id = topic if any(t == topic for t, _ in topics) else None
    else:
        topic_id = rules.match_topic(topic, topics)
    content = rules.normalise_content(None if content is None else str(content))
    name = rules.normalise_line(None if asker_name is None else str(asker_name))
    position = rules.normalise_line(None if asker_position is None else str(asker_position))
    # A form sends an id: an unknown one means nothing valid was chosen.
    given = "" if topic_is_id else topic
    errors = rules.question_problems(content, topic_id, given, name, position)
    if errors:
        return None, errors
    return Draft(content, topic_id, name, position, line), {}


def draft_or_invalid(event: Event, **values) -> Draft:
    result, errors = draft(event, **values)
    if errors:
        raise Invalid(errors)
    return result


def drafts_from_paste(event: Event, text: str, topic_id) -> list[Draft]:
    """Questions pasted one per line under one topic; all or nothing."""
    lines = rules.split_paste(text)
    if not lines:
        raise Invalid({"text": "Chưa có câu hỏi nào: dán mỗi câu hỏi trên một dòng."})
    if len(lines) > rules.MAX_BATCH:
        raise Invalid({"text": f"Mỗi lần dán tối đa {rules.MAX_BATCH} câu hỏi."})
    topics = topics_of(event)
    if not any(t == topic_id for t, _ in topics):
        raise Invalid({"topic": rules.MSG_TOPIC_MISSING})
    return _batch(event, [dict(content=c, topic=topic_id, topic_is_id=True, line=n)
                          for n, c in lines], topics)


def template_file(event: Event):
    """The Excel template for uploading questions, with the event's topics numbered."""
    topics = topics_of(event)
    notes = ["Mỗi dòng là một câu hỏi. Giữ nguyên dòng 1 (tiêu đề cột); xóa dòng ví dụ (nội "
             "dung bắt đầu bằng “Ví dụ:”): tệp còn dòng ví dụ sẽ không được nhập.",
             "Cột “Chủ đề”: chọn trong danh sách thả xuống, hoặc ghi đúng tên chủ đề hay số "
             "thứ tự của chủ đề trong danh sách:"]
    notes += [f"    {n}. {name}" for n, (_, name) in enumerate(topics, start=1)]
    notes += [f"Cột “Nội dung câu hỏi”: bắt buộc, tối đa {number(rules.MAX_CONTENT)} "
              "ký tự.",
              "Cột “Người hỏi”, “Chức vụ”: không bắt buộc.",
              "Tệp được nhập toàn bộ hoặc không nhập gì: nếu có dòng lỗi, hệ thống liệt kê "
              "từng dòng kèm lý do và chưa lưu câu hỏi nào."]
    example = [[topics[0][1], "Đề nghị tỉnh quan tâm bố trí phòng Đội riêng cho các trường "
                "tiểu học.", "Nguyễn Văn A", "Giáo viên Tổng phụ trách Đội"]] if topics else []
    return template("Câu hỏi", TEMPLATE_HEADERS, example, notes, marked=TEMPLATE_HEADERS[1],
                    choices={TEMPLATE_HEADERS[0]: [name for _, name in topics]},
                    open_choices={TEMPLATE_HEADERS[0]})


def drafts_from_upload(event: Event, data: bytes) -> list[Draft]:
    """Rows of an uploaded template; every bad row is reported, nothing is kept."""
    rows = read_rows(data, TEMPLATE_HEADERS, max_rows=rules.MAX_BATCH,
                     multiline=[TEMPLATE_HEADERS[1]])
    if not rows:
        raise ImportErrors([], "Tệp không có câu hỏi nào (dòng 2 trở đi đều trống).")
    topic_header, content_header, name_header, position_header = TEMPLATE_HEADERS
    items = [dict(content=row[content_header], topic=row[topic_header],
                  asker_name=row[name_header], asker_position=row[position_header], line=number)
             for number, row in rows]
    return _batch(event, items, topics_of(event))


def _batch(event: Event, items: list[dict], topics) -> list[Draft]:
    drafts, errors = [], []
    seen: dict[str, int] = {}
    for item in items:
        result, problems = draft(event, topics=topics, **item)
        if problems:
            errors.append((item["line"], " ".join(problems.values())))
            continue
        key = rules.dedupe_key(result.content)
        if key in seen:
            errors.append((result.line, f"Trùng nội dung với dòng {seen[key]}."))
            continue
        seen[key] = result.line
        drafts.append(result)
    if errors:
        raise ImportErrors(sorted(errors))
    return drafts


# --- Writing ---------------------------------------------------------------------------------

@dataclass
class Submission:
    """What ``submit`` saved, and the unit's count right after (inside the lock)."""

    questions: list[Question]
    unit_count: int


def submit(event: Event, unit: Unit, drafts: Sequence[Draft], *, user,
           source: QuestionSource | str = QuestionSource.form,
           late_reason: str | None = None) -> Submission:
    """Save validated drafts for ``unit``: lock, deadline, cap, duplicates, insert.

    After the unit's deadline only an organizer gets through, with ``late_reason``."""
    source = QuestionSource(source)
    lock_row = participation(event, unit.id)
    write_lock(db.session, EventUnit, lock_row.id)
    late = _late_reason(event, unit, user, late_reason)
    existing = db.session.execute(counted(sa.select(Question.id, Question.folded).where(
        Question.event_id == event.id, Question.unit_id == unit.id))).all()
    quotas = settings.of(event)
    problem = rules.quota_problem(len(existing), quotas.max_per_unit, len(drafts))
    if problem:
        raise Conflict(problem, code="quota_full", unit=unit.code, unit_count=len(existing),
                       min_per_unit=quotas.min_per_unit, max_per_unit=quotas.max_per_unit)
    _refuse_duplicates(drafts, {rules.dedupe_key(f): qid for qid, f in existing},
                       single=source in (QuestionSource.form, QuestionSource.api))
    created = [Question(event_id=event.id, unit_id=unit.id, topic_id=d.topic_id,
                        content=d.content, folded=fold(d.content), asker_name=d.asker_name,
                        asker_position=d.asker_position, source=source.value,
                        created_by_id=getattr(user, "id", None)) for d in drafts]
    db.session.add_all(created)
    db.session.flush()
    what = created[0].content if len(created) == 1 else f"{number(len(created))} câu hỏi"
    audit.record("question.submit", obj=created[0] if len(created) == 1 else None,
                 event_id=event.id, summary=f"{unit.name} gửi {rules.short(what)}",
                 after={"ids": [q.id for q in created], "source": source.value},
                 user=user)
    for question in created if late else ():
        audit.record(LATE_ENTRY, obj=question, event_id=event.id,
                     summary=f"Ban tổ chức nhập hộ {unit.name} câu hỏi #{question.id} sau hạn"
                             f" — lý do: {late}", after={"reason": late}, user=user)
    return Submission(created, len(existing) + len(created))


#: The audit action of a question an organizer entered after the unit's deadline.
LATE_ENTRY = "question.late_entry"
MAX_LATE_REASON = 500


def _late_reason(event: Event, unit: Unit, user, reason: str | None) -> str | None:
    """None while the unit's deadline is open; after it, the organizer's stated reason
    (a unit, or an organizer without a reason, is refused). ``reason`` None: the caller
    offers no reason at all (the API without ``late_reason``): 403 deadline_passed, as
    for a unit; "" is a reason left blank (422)."""
    if is_open_for(event, unit.id, KIND):
        return None
    if reason is None or not getattr(user, "is_organizer", False):
        ensure_open(event, unit.id, KIND)  # raises DeadlinePassed: a refusal rolls back
    reason = (reason or "").strip()
    if not reason:
        raise Invalid({"late_reason": "Đã hết hạn của đơn vị: cần ghi lý do Ban tổ chức nhập "
                                      "hộ sau hạn."})
    if len(reason) > MAX_LATE_REASON:
        raise Invalid({"late_reason": f"Lý do dài quá {MAX_LATE_REASON} ký tự."})
    return reason


def late_reasons(event: Event, question_ids: Sequence[int]) -> dict[int, str]:
    """``{question id: reason}`` of the questions an organizer entered after the deadline."""
    if not question_ids:
        return {}
    rows = db.session.execute(sa.select(AuditEntry.object_id, AuditEntry.after).where(
        AuditEntry.action == LATE_ENTRY, AuditEntry.event_id == event.id,
        AuditEntry.object_type == Question.__name__,
        AuditEntry.object_id.in_([str(i) for i in question_ids])))
    return {int(object_id): (after or {}).get("reason", "") for object_id, after in rows}


def _refuse_duplicates(drafts: Sequence[Draft], existing: dict[str, int], single: bool) -> None:
    clashes = [(d, existing[k]) for d in drafts if (k := rules.dedupe_key(d.content)) in existing]
    if not clashes:
        return
    if single:
        raise Invalid({"content": f"Đơn vị đã gửi câu hỏi này rồi (câu #{clashes[0][1]})."})
    raise ImportErrors([(d.line, f"Đơn vị đã gửi câu hỏi này rồi (câu #{qid}).")
                        for d, qid in clashes])


def ensure_unit_may_change(event: Event, question: Question) -> None:
    """Edits and withdrawals: before the unit's effective deadline, and while unprocessed.

    The row is locked first: an organizer's decision on it waits, or has already happened
    and is seen here (409 ``changed``).
    """
    ensure_open(event, question.unit_id, KIND)
    lock(question)
    if question.status not in rules.UNIT_EDITABLE:
        raise Changed("Ban tổ chức đã xử lý câu hỏi này (" + question.status.label.lower()
                      + "); không thể sửa hoặc rút nữa. Liên hệ Ban tổ chức nếu cần.")


def edit(event: Event, question: Question, values: dict, *, user) -> Question:
    """Change the unit's own wording, topic or asker while it may still change."""
    ensure_unit_may_change(event, question)
    new = draft_or_invalid(event, topic_is_id=True, **values)
    key = rules.dedupe_key(new.content)
    for qid, folded in db.session.execute(counted(sa.select(Question.id, Question.folded).where(
            Question.event_id == event.id, Question.unit_id == question.unit_id,
            Question.id != question.id))):
        if rules.dedupe_key(folded) == key:
            raise Invalid({"content": f"Đơn vị đã gửi câu hỏi này rồi (câu #{qid})."})
    fields = ["content", "topic_id", "asker_name", "asker_position"]
    before = audit.snapshot(question, fields)
    if new.content != question.content:
        question.content, question.folded = new.content, fold(new.content)
        question.text_changed_at = now()
    question.topic_id, question.asker_name = new.topic_id, new.asker_name
    question.asker_position = new.asker_position
    old, changed = audit.changed(before, audit.snapshot(question, fields))
    if changed:
        audit.record("question.edit", obj=question, event_id=event.id,
                     summary=f"Sửa câu hỏi #{question.id}", before=old, after=changed, user=user)
    db.session.flush()
    return question


def withdraw(event: Event, question: Question, *, user) -> Question:
    """The unit takes a question back; it no longer counts (kept for the record)."""
    ensure_unit_may_change(event, question)
    question.status = QuestionStatus.withdrawn
    question.withdrawn_at = now()
    question.position = None
    audit.record("question.withdraw", obj=question, event_id=event.id,
                 summary=f"Rút câu hỏi #{question.id}: {rules.short(question.content)}",
                 before={"status": "submitted"}, after={"status": "withdrawn"}, user=user)
    db.session.flush()
    return question


def list_questions(event: Event, unit_id: int | None, status: str | None) -> list[Question]:
    """Questions of the event (or one unit), oldest first, optionally of one status."""
    stmt = sa.select(Question).where(Question.event_id == event.id)
    if unit_id is not None:
        stmt = stmt.where(Question.unit_id == unit_id)
    if status:
        stmt = stmt.where(Question.status == status)
    return list(db.session.scalars(stmt.order_by(Question.id)))
