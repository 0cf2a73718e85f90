"""Excel export of the honoree list and of every dossier with its eligibility details.

Built with the one xlsx writer (``eventapp.spreadsheets``): STT, bold frozen header, filter,
real dates, formula-injection safe.
"""

from __future__ import annotations

from eventapp.events.models import Event
from eventapp.nominations import eligibility as el
from eventapp.nominations.models import NominationStatus
from eventapp.nominations.review import honoree_rows
from eventapp.nominations.services import assess, sent_nominations
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.units.rules import ParentGroup, group_by_parent
from eventapp.units.tree import PARENT_COLUMN

HONOREE_COLUMNS = [
    Column("Thứ tự đọc", 10, "number"), Column("Họ và tên", 28), Column("Ngày sinh", 12, "date"),
    Column("Trường / đơn vị công tác", 36, wrap=True), Column("Chức vụ", 26, wrap=True),
    Column("Huyện, Thành đoàn", 24), Column("Tình trạng", 14),
    Column("Thâm niên công tác Đội", 22), Column("Số ngày công tác Đội", 12, "number"),
]
CRITERIA_COLUMNS = [Column(el.CRITERIA_LABELS[c], 40, wrap=True) for c in el.CRITERIA_LABELS]
DOSSIER_COLUMNS = [
    Column("Họ và tên", 28), Column("Huyện, Thành đoàn", 24),
    Column("Trường / đơn vị công tác", 36, wrap=True), Column("Tình trạng", 14),
    Column("Ngày nghỉ hưu", 12, "date"), Column("Thâm niên", 22),
    Column("Đủ điều kiện từ ngày", 14, "date"), Column("Kết quả tự động", 16),
    *CRITERIA_COLUMNS,
    *[Column(label, 18, wrap=True) for label in el.MANUAL_CRITERIA.values()],
    Column("Trạng thái hồ sơ", 20), Column("Lý do / ghi chú xét duyệt", 40, wrap=True),
    Column("Gửi lúc", 18, "datetime"), Column("Quyết định lúc", 18, "datetime"),
]


def _criteria_cells(result: el.Assessment) -> list[str]:
    cells = []
    for code in el.CRITERIA_LABELS:
        c = result.criterion(code)
        cells.append("" if c is None else f"{'Đạt' if c.passed else 'Không đạt'}: {c.message}")
    return cells


def _honoree_rows(event: Event):
    names = event.unit_names  # each unit's name at this event, not today's
    for row in honoree_rows(event):
        n, r = row.nomination, row.result
        yield [row.number, n.full_name, n.birth_date, n.school, n.position,
               names.get(n.unit_id, n.unit.name), n.service_status.label,
               r.seniority.span.text(),
               r.seniority.days]


def _parent(nomination) -> tuple[str | None, str | None]:
    parent = nomination.unit.parent
    return (parent.code, parent.name) if parent else (None, None)


def _dossier_rows(event: Event, by_parent: bool = False):
    names = event.unit_names
    nominations = sent_nominations(event)
    groups = group_by_parent(nominations, _parent, lambda n: n.unit.code) if by_parent \
        else [ParentGroup(None, "", nominations)]
    for group, n in ((g, n) for g in groups for n in g.rows):
        r = assess(n)
        checks = n.manual_checks or {}
        yield [group.name] * by_parent + [
               n.full_name, names.get(n.unit_id, n.unit.name), n.school,
               n.service_status.label, n.retired_on,
               r.seniority.span.text(), r.eligible_from,
               "Đủ điều kiện" if r.eligible else "Chưa đủ điều kiện", *_criteria_cells(r),
               *["Đạt" if checks.get(code) else "Chưa xác nhận" for code in el.MANUAL_CRITERIA],
               NominationStatus(n.status).label, n.review_reason, n.submitted_at, n.decided_at]


def workbook(event: Event, by_parent: bool = False):
    """The two sheets: "Danh sách vinh danh" (reading order) and "Tất cả hồ sơ" (with
    ``by_parent``: grouped by the units' parent, named in a leading column)."""
    builder = XlsxBuilder(event.timezone)
    builder.add_sheet("Danh sách vinh danh", HONOREE_COLUMNS, _honoree_rows(event))
    builder.add_sheet("Tất cả hồ sơ", [PARENT_COLUMN] * by_parent + DOSSIER_COLUMNS,
                      _dossier_rows(event, by_parent))
    return spooled_xlsx(builder)
