"""The compliance board (bảng theo dõi tiến độ gửi câu hỏi): every unit with its count,
the minimum, met or short by N, last submission and its own deadline — one query for all
units — and the totals by topic (a second query).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from eventapp.clock import now
from eventapp.events.models import DeadlineExtension, Event, EventUnit
from eventapp.events.rules import effective_deadline, is_open, shortfall
from eventapp.extensions import db
from eventapp.units.models import Unit

from .models import COUNTED, Question, QuestionStatus
from .rules import sort_rows
from .services import KIND

_COUNTED = [s.value for s in COUNTED]


@dataclass
class BoardRow:
    """One unit on the board."""

    unit_id: int
    code: str
    name: str
    kind: str
    submitted: int
    minimum: int
    last_at: datetime | None
    deadline: datetime | None
    extended: bool
    reason: str | None
    is_open: bool

    short_by: int = field(init=False)
    percent: int = field(init=False)

    def __post_init__(self) -> None:
        self.short_by = shortfall(self.submitted, self.minimum)
        self.percent = 100 if not self.minimum else min(
            100, round(self.submitted * 100 / self.minimum))

    @property
    def met(self) -> bool:
        return self.short_by == 0


def compliance(event: Event) -> list[BoardRow]:
    """Every participating unit with its numbers, in one round trip to the database."""
    counts = (sa.select(Question.unit_id, sa.func.count(Question.id).label("n"),
                        sa.func.max(Question.created_at).label("last"))
              .where(Question.event_id == event.id, Question.status.in_(_COUNTED))
              .group_by(Question.unit_id).subquery())
    ext = aliased(DeadlineExtension)
    stmt = (sa.select(Unit.id, Unit.code, Unit.name, Unit.kind,
                      sa.func.coalesce(counts.c.n, 0), counts.c.last, ext.deadline, ext.reason)
            .select_from(EventUnit)
            .join(Unit, Unit.id == EventUnit.unit_id)
            .outerjoin(counts, counts.c.unit_id == EventUnit.unit_id)
            .outerjoin(ext, sa.and_(ext.event_id == event.id, ext.unit_id == EventUnit.unit_id,
                                    ext.kind == KIND.value))
            .where(EventUnit.event_id == event.id))  # callers sort (Vietnamese order)
    base, minimum, at = event.question_deadline, event.question_min_per_unit or 0, now()
    rows = []
    for unit_id, code, name, kind, n, last, ext_deadline, reason in db.session.execute(stmt):
        deadline = effective_deadline(base, ext_deadline)
        rows.append(BoardRow(unit_id, code, name, kind, n, minimum, last, deadline,
                             ext_deadline is not None, reason, is_open(at, deadline)))
    return rows


@dataclass
class TopicTotal:
    topic_id: int | None
    name: str
    submitted: int
    selected: int


def topic_totals(event: Event) -> list[TopicTotal]:
    """Questions per topic (withdrawn ones excluded) and how many of them are selected;
    one grouped query over a covering index, then matched to the event's topics."""
    counts: dict[int | None, list[int]] = {}
    for topic_id, status, n in db.session.execute(
            sa.select(Question.topic_id, Question.status, sa.func.count())
            .where(Question.event_id == event.id, Question.status.in_(_COUNTED))
            .group_by(Question.topic_id, Question.status)):
        total = counts.setdefault(topic_id, [0, 0])
        total[0] += n
        if status == QuestionStatus.selected.value:
            total[1] += n
    totals = [TopicTotal(t.id, t.name, *counts.pop(t.id, [0, 0])) for t in event.topics]
    orphans = [sum(c[0] for c in counts.values()), sum(c[1] for c in counts.values())]
    if orphans[0]:  # a topic that no longer belongs to the event, or none
        totals.append(TopicTotal(None, "Chưa phân chủ đề", *orphans))
    return totals


@dataclass
class BoardTotals:
    units: int
    met: int
    short: int
    questions: int


def totals(rows: list[BoardRow]) -> BoardTotals:
    met = sum(1 for r in rows if r.met)
    return BoardTotals(len(rows), met, len(rows) - met, sum(r.submitted for r in rows))


def summary(event: Event) -> dict:
    """The API's summary: the event's numbers and every unit's count and deadline."""
    iso = lambda v: v.isoformat() if v else None  # noqa: E731
    return {
        "min_per_unit": event.question_min_per_unit,
        "max_per_unit": event.question_max_per_unit,
        "deadline": iso(event.question_deadline),
        "units": [{"unit": r.code, "name": r.name, "submitted": r.submitted, "met": r.met,
                   "short_by": r.short_by, "deadline": iso(r.deadline),
                   "extended": r.extended, "last_submitted_at": iso(r.last_at)}
                  for r in sort_rows(compliance(event), "code")],
    }
