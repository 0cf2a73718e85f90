"""The compliance board (bảng theo dõi tiến độ gửi câu hỏi): every unit with its count,
the minimum, met or short by N, last submission and its own deadline — one query for all
units — and the totals by topic (a second query).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import aliased

from eventapp.clock import now
from eventapp.events.models import DeadlineExtension, Event, EventUnit
from eventapp.events.rules import effective_deadline, is_open, progress_percent, shortfall
from eventapp.extensions import db
from eventapp.units.models import Unit
from eventapp.units.rules import group_by_parent

from . import settings
from .models import COUNTED, Question, QuestionStatus
from .rules import sort_rows

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
    #: The unit's parent (đơn vị cấp trên), for the board grouped by parent.
    parent_code: str | None = None
    parent_name: str | None = None

    short_by: int = field(init=False)
    percent: int = field(init=False)

    def __post_init__(self) -> None:
        self.short_by = shortfall(self.submitted, self.minimum)
        self.percent = progress_percent(self.submitted, self.minimum)

    @property
    def met(self) -> bool:
        return self.short_by == 0


def compliance(event: Event) -> list[BoardRow]:
    """Every participating unit with its numbers, in one round trip to the database."""
    counts = (sa.select(Question.unit_id, sa.func.count(Question.id).label("n"),
                        sa.func.max(Question.created_at).label("last"))
              .where(Question.event_id == event.id, Question.status.in_(_COUNTED))
              .group_by(Question.unit_id).subquery())
    ext, parent = aliased(DeadlineExtension), aliased(Unit)
    # EventUnit.name: the unit's name at this event (a past event keeps the name of its time).
    stmt = (sa.select(Unit.id, Unit.code, EventUnit.name, Unit.kind,
                      sa.func.coalesce(counts.c.n, 0), counts.c.last, ext.deadline, ext.reason,
                      parent.code, parent.name)
            .select_from(EventUnit)
            .join(Unit, Unit.id == EventUnit.unit_id)
            .outerjoin(parent, parent.id == Unit.parent_id)
            .outerjoin(counts, counts.c.unit_id == EventUnit.unit_id)
            .outerjoin(ext, sa.and_(ext.event_id == event.id, ext.unit_id == EventUnit.unit_id,
                                    ext.kind == settings.DEADLINE))
            .where(EventUnit.event_id == event.id))  # callers sort (Vietnamese order)
    quotas = settings.of(event)
    base, minimum, at = quotas.deadline, quotas.min_per_unit or 0, now()
    rows = []
    for (unit_id, code, name, kind, n, last, ext_deadline, reason, parent_code,
         parent_name) in db.session.execute(stmt):
        deadline = effective_deadline(base, ext_deadline)
        rows.append(BoardRow(unit_id, code, name, kind, n, minimum, last, deadline,
                             ext_deadline is not None, reason, is_open(at, deadline),
                             parent_code, parent_name))
    return rows


@dataclass
class BoardGroup:
    """The board's rows under one parent unit, with that group's own totals."""

    code: str | None
    name: str
    rows: list[BoardRow]
    totals: BoardTotals
    #: This page holds the rest of a group that began on the page before.
    continued: bool = False


def grouped(rows: list[BoardRow]) -> list[BoardGroup]:
    """The board grouped by parent (nhóm theo đơn vị cấp trên), rows keeping their order."""
    return [BoardGroup(g.code, g.name, g.rows, totals(g.rows)) for g in group_by_parent(
        rows, lambda r: (r.parent_code, r.parent_name), lambda r: r.code)]


#: Units on one page of the board. A national event's 3,000 would make a 2 MB page that takes
#: Jinja longer to write than the whole aggregate takes to compute; the totals, the groups'
#: totals and the Excel export still count every unit.
PAGE_ROWS = 500


def page_of(sections: list[BoardGroup], page: int, size: int) -> list[BoardGroup]:
    """The sections' rows on page ``page`` (from 1) of ``size`` rows each, in order. A group
    cut by a page break keeps its header and its whole-group totals on both pages; the later
    part is marked ``continued``."""
    start, stop, at, out = (page - 1) * size, page * size, 0, []
    for section in sections:
        low, high = max(start - at, 0), min(stop - at, len(section.rows))
        if low < high:
            out.append(replace(section, rows=section.rows[low:high], continued=low > 0))
        at += len(section.rows)
    return out


class BoardPage(Pagination):
    """One page of the board in the shape the one pager takes (Flask-SQLAlchemy's
    ``Pagination``, as every paged list): ``items`` are the page's sections and ``total``
    counts rows. Made with ``sections=`` and ``page=``; ``per_page`` is ``PAGE_ROWS``."""

    def __init__(self, sections: list[BoardGroup], page: int):
        rows = sum(len(section.rows) for section in sections)
        last = max(1, -(-rows // PAGE_ROWS))
        super().__init__(page=min(max(page, 1), last), per_page=PAGE_ROWS, max_per_page=None,
                         error_out=False, sections=sections, rows=rows)

    def _query_items(self) -> list[BoardGroup]:
        return page_of(self._query_args["sections"], self.page, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["rows"]

    @property
    def last(self) -> int:
        """The number of the page's last row (``items`` are sections, not rows)."""
        return min(self.page * self.per_page, self.total or 0)


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
    quotas = settings.of(event)
    return {
        "min_per_unit": quotas.min_per_unit,
        "max_per_unit": quotas.max_per_unit,
        "deadline": iso(quotas.deadline),
        "units": [{"unit": r.code, "name": r.name, "submitted": r.submitted, "met": r.met,
                   "short_by": r.short_by, "deadline": iso(r.deadline),
                   "extended": r.extended, "last_submitted_at": iso(r.last_at)}
                  for r in sort_rows(compliance(event), "code")],
    }


def below_minimum(event: Event, _now: datetime) -> dict[int, dict]:
    """The audience ``below_question_minimum``: units short of the minimum, with their
    numbers for the reminder's placeholders (from the board's one query)."""
    return {row.unit_id: {"da_gui": row.submitted, "toi_thieu": row.minimum,
                          "con_thieu": row.short_by}
            for row in compliance(event) if row.short_by > 0}
