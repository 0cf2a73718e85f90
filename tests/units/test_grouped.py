"""Grouped by parent (nhóm theo đơn vị cấp trên): the compliance board and the Excel exports
of questions, delegates and dossiers, read back. Ba Tri is the parent of Châu Thành and
Chợ Lách; every other unit has no parent and falls in the last group."""

from __future__ import annotations

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.questions import services as questions
from eventapp.registration import services as registration
from eventapp.units.models import Unit
from eventapp.units.rules import NO_PARENT

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EVENT = "/events/doi-thoai-2020"
BA_TRI = "Huyện đoàn Ba Tri"


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


@pytest.fixture
def grouped_event(event, users, set_now, login):
    set_now(datetime(2020, 2, 3, 9, tzinfo=VN))
    for child in ("CHAUTHANH", "CHOLACH"):
        unit(child).parent_id = unit("BATRI").id
    db.session.commit()
    with unit_of_work():
        for code, count in [("CHAUTHANH", 2), ("BINHDAI", 1), ("BATRI", 1)]:
            drafts = [questions.draft_or_invalid(event, content=f"Câu {i} của {code}", topic=1)
                      for i in range(count)]
            questions.submit(event, questions.unit_by_code(event, code), drafts,
                             user=users["organizer"])
        for code, name in [("CHOLACH", "Đại biểu Chợ Lách"), ("BINHDAI", "Đại biểu Bình Đại"),
                           ("BATRI", "Đại biểu Ba Tri")]:
            registration.register(event, users["organizer"], {
                "full_name": name, "category": "tpt-doi", "sessions": ["doi-thoai"],
                "unit": code})
    login(users["organizer"])
    return event


def sheet_rows(response, index=0) -> list[tuple]:
    assert response.status_code == 200, response.data[:300]
    ws = load_workbook(io.BytesIO(response.data)).worksheets[index]
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def test_board_grouped_by_parent(client, grouped_event):
    html = client.get(f"{EVENT}/questions/board?group=parent").get_data(as_text=True)
    groups = html.split('class="table-secondary parent-group"')[1:]
    assert [g.split("</th>")[0].split(">", 2)[-1].split(" <")[0] for g in groups] == [
        BA_TRI, NO_PARENT]
    ba_tri = groups[0]
    assert ba_tri.index('data-unit="BATRI"') < ba_tri.index('data-unit="CHAUTHANH"')
    assert 'data-unit="CHOLACH"' in ba_tri and 'data-unit="BINHDAI"' not in ba_tri
    assert "3 đơn vị · đủ 0 · thiếu 3 · 3 câu hỏi" in ba_tri  # the group's own totals
    assert 'data-unit="BINHDAI"' in groups[1]
    # Ungrouped, the board is as before.
    plain = client.get(f"{EVENT}/questions/board").get_data(as_text=True)
    assert "parent-group" not in plain and 'id="group-parent"' in plain


def test_board_export_grouped_by_parent(client, grouped_event):
    rows = sheet_rows(client.get(f"{EVENT}/questions/board.xlsx?group=parent"))
    assert rows[0][:3] == ("STT", "Đơn vị cấp trên", "Mã đơn vị")
    by_unit = {r[2]: r[1] for r in rows[1:]}
    assert by_unit["BATRI"] == by_unit["CHAUTHANH"] == by_unit["CHOLACH"] == BA_TRI
    assert by_unit["BINHDAI"] == NO_PARENT
    codes = [r[2] for r in rows[1:]]
    assert codes[:3] == ["BATRI", "CHAUTHANH", "CHOLACH"]  # the head, then its children


def test_questions_export_grouped_by_parent(client, grouped_event):
    rows = sheet_rows(client.get(f"{EVENT}/questions/export.xlsx?group=parent"))
    assert rows[0][:3] == ("STT", "Đơn vị cấp trên", "Chủ đề")
    groups = [(r[1], r[6]) for r in rows[1:]]  # (group, sending unit)
    assert groups == [(BA_TRI, "Huyện đoàn Ba Tri"), (BA_TRI, "Huyện đoàn Châu Thành"),
                      (BA_TRI, "Huyện đoàn Châu Thành"), (NO_PARENT, "Huyện đoàn Bình Đại")]
    plain = sheet_rows(client.get(f"{EVENT}/questions/export.xlsx"))
    assert plain[0][1] == "Chủ đề" and len(plain) == len(rows)


def test_delegates_export_grouped_by_parent(client, grouped_event):
    rows = sheet_rows(client.get(f"{EVENT}/registration/export.xlsx?group=parent"))
    assert rows[0][:3] == ("STT", "Đơn vị cấp trên", "Họ và tên")
    assert [(r[1], r[2]) for r in rows[1:]] == [
        (BA_TRI, "Đại biểu Ba Tri"), (BA_TRI, "Đại biểu Chợ Lách"),
        (NO_PARENT, "Đại biểu Bình Đại")]
    assert 'id="export-by-parent"' in client.get(f"{EVENT}/registration/").get_data(
        as_text=True)


def test_dossiers_export_grouped_by_parent(client, grouped_event, users):
    from eventapp.nominations import services as nominations

    with unit_of_work():
        for code, name in [("BINHDAI", "Hồ sơ Bình Đại"), ("CHAUTHANH", "Hồ sơ Châu Thành")]:
            dossier = nominations.save_dossier(grouped_event, unit(code), None, {
                "full_name": name, "gender": "nu", "birth_date": "1968-05-19",
                "school": "Trường Tiểu học An Thủy", "position": "Tổng phụ trách Đội",
                "status": "serving", "service_periods": [{"start": "1989-09-05", "end": None}],
                "titles": [{"year": 2019, "title": "lao_dong_tien_tien"}],
                "disciplines": []}, users["organizer"])
            nominations.submit(dossier, users["organizer"])
    rows = sheet_rows(client.get(f"{EVENT}/nominations/export.xlsx?group=parent"), 1)
    assert rows[0][:3] == ("STT", "Đơn vị cấp trên", "Họ và tên")
    assert [(r[1], r[2]) for r in rows[1:]] == [(BA_TRI, "Hồ sơ Châu Thành"),
                                               (NO_PARENT, "Hồ sơ Bình Đại")]
