"""Excel exports of the questions domain, all through ``eventapp.spreadsheets``: the
questions grouped by topic (with units, status, answer and follow-up) and the compliance
board. Views only send the file these functions build.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa

from eventapp.events.models import Event, Topic
from eventapp.extensions import db
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.units import kinds
from eventapp.units.models import Unit
from eventapp.units.tree import PARENT_COLUMN, parent_group

from .board import BoardGroup, compliance, grouped, topic_totals, totals
from .models import Question, QuestionStatus
from .rules import sort_rows

S = QuestionStatus
_RANK = sa.case({S.selected.value: 0, S.submitted.value: 1, S.rejected.value: 2,
                 S.merged.value: 3}, value=Question.status, else_=4)
FOLLOWUP_LABELS = {"open": "Đang theo dõi", "done": "Đã hoàn thành", None: ""}

QUESTION_COLUMNS = [
    Column("Chủ đề", 30, wrap=True), Column("Mã câu", 9, "number"),
    Column("Nội dung câu hỏi (nguyên văn)", 60, wrap=True),
    Column("Nội dung đọc tại hội nghị", 45, wrap=True), Column("Đơn vị gửi", 28),
    Column("Các đơn vị cùng hỏi", 36, wrap=True), Column("Người hỏi", 20),
    Column("Chức vụ", 22), Column("Trạng thái", 14), Column("Thứ tự đối thoại", 10, "number"),
    Column("Thời điểm gửi", 18, "datetime"), Column("Đã trả lời lúc", 18, "datetime"),
    Column("Trả lời, cam kết của chủ trì", 50, wrap=True), Column("Cơ quan theo dõi", 28),
    Column("Hạn xử lý", 12, "date"), Column("Tình trạng theo dõi", 16),
]
UNIT_COLUMNS = [
    Column("Chủ đề", 30, wrap=True), Column("Mã câu", 9, "number"),
    Column("Nội dung câu hỏi", 70, wrap=True), Column("Người hỏi", 20), Column("Chức vụ", 22),
    Column("Tình trạng", 26), Column("Thời điểm gửi", 18, "datetime"),
]


def _ordered(event: Event, unit_id: int | None, by_parent: bool = False):
    """(question, its parent group's name or None) in export order; ``by_parent`` puts
    the groups of ``units.tree.parent_group`` first, then the usual order in each."""
    group = parent_group() if by_parent else None
    stmt = (sa.select(Question, group.label if group else sa.null())
            .outerjoin(Topic, Topic.id == Question.topic_id)
            .join(Unit, Unit.id == Question.unit_id)
            .where(Question.event_id == event.id, Question.status != S.withdrawn.value)
            .order_by(*(group.order if group else ()),
                      sa.func.coalesce(Topic.position, 10_000), _RANK,
                      sa.func.coalesce(Question.position, 0), Unit.name, Question.id))
    if group is not None:
        stmt = group.join(stmt)
    if unit_id is not None:
        stmt = stmt.where(Question.unit_id == unit_id)
    return db.session.execute(stmt.execution_options(yield_per=500))


def questions_workbook(event: Event, by_parent: bool = False):
    """Every question (withdrawn ones aside), grouped by topic; selected ones first, in
    dialogue order; a merged question names the one it joined. ``by_parent``: grouped by
    the units' parent first, named in a leading "Đơn vị cấp trên" column."""
    names = event.unit_names  # each unit's name at this event, not today's
    joined: dict[int, list[str]] = defaultdict(list)
    for target, unit_id in db.session.execute(
            sa.select(Question.merged_into_id, Question.unit_id)
            .where(Question.event_id == event.id, Question.status == S.merged.value)
            .order_by(Question.id)):
        name = names.get(unit_id, "")
        if name not in joined[target]:
            joined[target].append(name)

    def rows():
        for q, group in _ordered(event, None, by_parent):
            name = names.get(q.unit_id, q.unit.name)
            if q.status == S.merged.value:
                together = f"Đã gộp vào câu #{q.merged_into_id}"
            else:
                others = [n for n in joined.get(q.id, []) if n != name]
                together = "; ".join([name] + others) if others else ""
            yield [group] * by_parent + [
                   q.topic.name if q.topic else "Chưa phân chủ đề", q.id, q.content,
                   q.reading_text or "", name, together, q.asker_name,
                   q.asker_position, q.status.label, q.position, q.created_at,
                   q.answered_at, q.answer, q.followup_agency, q.followup_due,
                   FOLLOWUP_LABELS[q.followup_status]]

    builder = XlsxBuilder(event.timezone)
    builder.add_sheet("Câu hỏi theo chủ đề", [PARENT_COLUMN] * by_parent + QUESTION_COLUMNS,
                      rows())
    return spooled_xlsx(builder)


def unit_workbook(event: Event, unit_id: int):
    """A unit's own questions, with the status it is told."""
    def rows():
        for q, _ in _ordered(event, unit_id):
            yield [q.topic.name if q.topic else "", q.id, q.content, q.asker_name,
                   q.asker_position, q.status.unit_label, q.created_at]

    builder = XlsxBuilder(event.timezone)
    builder.add_sheet("Câu hỏi của đơn vị", UNIT_COLUMNS, rows())
    return spooled_xlsx(builder)


BOARD_COLUMNS = [
    Column("Mã đơn vị", 16), Column("Đơn vị", 40), Column("Loại đơn vị", 22),
    Column("Số câu đã gửi", 12, "number"), Column("Chỉ tiêu tối thiểu", 12, "number"),
    Column("Kết quả", 14), Column("Còn thiếu", 10, "number"),
    Column("Gửi gần nhất", 18, "datetime"), Column("Hạn của đơn vị", 18, "datetime"),
    Column("Lý do gia hạn", 36, wrap=True),
]


def board_workbook(event: Event, sort: str = "name", descending: bool = False,
                   by_parent: bool = False):
    """The compliance board as the organizer sees it, plus the totals by topic;
    ``by_parent``: grouped as the board's "Nhóm theo đơn vị cấp trên", the group named in
    a leading column."""
    rows = sort_rows(compliance(event), sort, descending)
    kind_names = kinds.names()
    groups = grouped(rows) if by_parent else [BoardGroup(None, "", rows, totals(rows))]
    builder = XlsxBuilder(event.timezone)
    builder.add_sheet("Tiến độ gửi câu hỏi", [PARENT_COLUMN] * by_parent + BOARD_COLUMNS, (
        [g.name] * by_parent + [
            r.code, r.name, kind_names.get(r.kind, r.kind), r.submitted, r.minimum,
            "Đạt" if r.met else f"Thiếu {r.short_by}", r.short_by, r.last_at, r.deadline,
            r.reason or ""] for g in groups for r in g.rows))
    builder.add_sheet("Theo chủ đề", [Column("Chủ đề", 60, wrap=True),
                                      Column("Số câu hỏi", 12, "number"),
                                      Column("Được chọn", 12, "number")],
                      ([t.name, t.submitted, t.selected] for t in topic_totals(event)))
    return spooled_xlsx(builder)
