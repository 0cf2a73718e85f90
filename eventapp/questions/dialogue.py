"""The live dialogue (phiên đối thoại) and its follow-up (theo dõi sau đối thoại).

The secretary's console moves through the selected questions in order; the projector page
shows whichever question the console last put on screen (``DialogueState``). For each
question the secretary records the chair's answer or commitment, the agency that must
follow up and its due date; the follow-up list then tracks open / done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from eventapp import audit
from eventapp.clock import now
from eventapp.errors import Conflict, Invalid
from eventapp.events.models import Event
from eventapp.extensions import db

from . import rules
from .models import DialogueState, Question, QuestionStatus
from .moderation import askers, asking_units, notify, selected

MAX_AGENCY = 300


@dataclass
class Stage:
    """What the console and the projector show."""

    questions: list[Question]
    current: Question | None
    index: int  # 0-based position of ``current`` in ``questions``

    @property
    def total(self) -> int:
        return len(self.questions)

    @property
    def number(self) -> int:
        """The on-screen question's number (Câu 3/12): the console and the projector's."""
        return self.index + 1

    @property
    def agenda(self) -> list[tuple[int, Question]]:
        """Each selected question with its number, counted as ``number`` counts."""
        return list(enumerate(self.questions, start=1))

    @property
    def previous(self) -> Question | None:
        return self.questions[self.index - 1] if self.current and self.index > 0 else None

    @property
    def next(self) -> Question | None:
        if self.current and self.index + 1 < len(self.questions):
            return self.questions[self.index + 1]
        return None


def stage(event: Event) -> Stage:
    """The selected questions in order and the one on screen (the first by default)."""
    questions = selected(event)
    state = db.session.get(DialogueState, event.id)
    ids = [q.id for q in questions]
    index = ids.index(state.question_id) if state and state.question_id in ids else 0
    return Stage(questions, questions[index] if questions else None, index)


def present(event: Event, target, *, user) -> Stage:
    """Put a question on screen: ``"next"``, ``"prev"`` or a selected question's id."""
    current = stage(event)
    if not current.questions:
        raise Conflict("Chưa có câu hỏi nào được chọn cho buổi đối thoại.", code="empty")
    if target == "next":
        chosen = current.next or current.current
    elif target == "prev":
        chosen = current.previous or current.current
    else:
        try:
            wanted = int(target)
        except (TypeError, ValueError):
            raise Invalid({"target": "Câu hỏi không hợp lệ."}) from None
        chosen = next((q for q in current.questions if q.id == wanted), None)
        if chosen is None:
            raise Conflict("Câu hỏi này không nằm trong danh sách đối thoại.", code="not_selected")
    state = db.session.get(DialogueState, event.id)
    if state is None:
        state = DialogueState(event_id=event.id)
        db.session.add(state)
    state.question_id, state.updated_at = chosen.id, now()
    db.session.flush()
    return stage(event)


def screen_data(event: Event) -> dict:
    """The projector's view as JSON (polled by the screen page)."""
    s = stage(event)
    if s.current is None:
        return {"question": None, "total": 0}
    merged = askers([s.current])
    q = s.current
    return {"total": s.total, "question": {
        "id": q.id, "number": s.number, "text": q.text_for_reading,
        "topic": q.topic.name if q.topic else "",
        "units": [event.unit_name(u) for u in asking_units(q, merged.get(q.id, []))],
        "askers": [a for a in [_asker(q)] + [_asker(c) for c in merged.get(q.id, [])] if a],
        "answered": q.answered_at is not None}}


def _asker(q: Question) -> str:
    return ", ".join(p for p in (q.asker_name, q.asker_position) if p)


def record_answer(question: Question, *, answer: str, agency: str, due: date | None,
                  answered: bool, user) -> Question:
    """Store the chair's answer, the follow-up agency and due date; mark answered."""
    if question.status != QuestionStatus.selected:
        raise Conflict("Chỉ ghi trả lời cho câu hỏi được chọn đối thoại.", code="not_selected")
    answer = rules.normalise_content(answer)
    agency = rules.normalise_line(agency)
    errors = {}
    if len(answer) > 10_000:
        errors["answer"] = "Nội dung trả lời tối đa 10.000 ký tự."
    if len(agency) > MAX_AGENCY:
        errors["followup_agency"] = f"Tối đa {MAX_AGENCY} ký tự."
    if due is not None and not agency:
        errors["followup_agency"] = "Ghi cơ quan được giao theo dõi khi đặt hạn xử lý."
    if errors:
        raise Invalid(errors)
    fields = ["answer", "followup_agency", "followup_due", "answered_at"]
    before = audit.snapshot(question, fields)
    newly_answered = answered and question.answered_at is None
    question.answer, question.followup_agency, question.followup_due = answer, agency, due
    if answered and question.answered_at is None:
        question.answered_at = now()
    elif not answered:
        question.answered_at = None
    if not agency:
        question.followup_done_at = None
    old, new = audit.changed(before, audit.snapshot(question, fields))
    if new:
        audit.record("question.answer", obj=question, event_id=question.event_id,
                     summary=f"Ghi trả lời câu #{question.id}: {rules.short(question.content, 60)}",
                     before=old, after=new, user=user)
    db.session.flush()
    if newly_answered:  # told once: re-saving the answer's wording sends nothing
        notify("question_answered", question, user, tra_loi=answer or "(trả lời trực tiếp tại "
               "buổi đối thoại)")
    return question


def mark_answered(question: Question, answered: bool, *, user) -> Question:
    return record_answer(question, answer=question.answer, agency=question.followup_agency,
                         due=question.followup_due, answered=answered, user=user)


# --- Follow-up ------------------------------------------------------------------------------

def followups(event: Event, status: str = "") -> list[Question]:
    """Questions with an agency assigned; ``open``, ``done`` or both; by due date."""
    stmt = sa.select(Question).where(Question.event_id == event.id,
                                     Question.followup_agency != "")
    if status == "open":
        stmt = stmt.where(Question.followup_done_at.is_(None))
    elif status == "done":
        stmt = stmt.where(Question.followup_done_at.is_not(None))
    due_missing = sa.case((Question.followup_due.is_(None), 1), else_=0)
    return list(db.session.scalars(stmt.order_by(due_missing, Question.followup_due,
                                                 Question.position, Question.id)))


def set_followup_done(question: Question, done: bool, *, user) -> Question:
    if not question.followup_agency:
        raise Conflict("Câu hỏi này chưa giao cơ quan theo dõi.", code="no_followup")
    before = {"followup_done_at": question.followup_done_at}
    question.followup_done_at = now() if done else None
    audit.record("question.followup", obj=question, event_id=question.event_id,
                 summary=f"{'Hoàn thành' if done else 'Mở lại'} theo dõi câu #{question.id}",
                 before=before, after={"followup_done_at": question.followup_done_at},
                 user=user)
    db.session.flush()
    return question
