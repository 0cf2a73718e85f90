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


def _units_on(html: str) -> list[str]:
    return [part.split('"', 1)[0] for part in html.split('<tr class="')[1:]
            if 'data-unit="' in part.split(">", 1)[0]
            for part in [part.split('data-unit="', 1)[1]]]


def test_a_large_board_comes_in_pages_that_keep_the_totals(client, grouped_event, monkeypatch):
    """Pages of ``PAGE_ROWS`` units (here 2, for the demo's 17): every unit is on exactly one
    page, in the board's order; the totals and a group's totals count every unit; a group cut
    by a page break keeps its header on the next page, marked "(tiếp)"."""
    from eventapp.questions import board

    monkeypatch.setattr(board, "PAGE_ROWS", 2)
    whole = client.get(f"{EVENT}/questions/board.xlsx?group=parent")
    everyone = [r[2] for r in sheet_rows(whole)[1:]]
    seen, heads = [], []
    for n in range(1, 10):
        html = client.get(f"{EVENT}/questions/board?group=parent&page={n}").get_data(
            as_text=True)
        assert 'id="total-units">17<' in html  # the cards count every unit on every page
        seen += _units_on(html)
        heads += [h.split("</th>")[0] for h in html.split('parent-group"')[1:]]
        if n == 1:
            assert "Đơn vị 1–2 trong 17" in html and 'aria-label="Trang sau"' in html
    assert seen == everyone  # 9 pages of 2: each unit once, in order
    ba_tri = [h for h in heads if BA_TRI in h]  # its 3 units: 2 on page 1, 1 on page 2
    assert len(ba_tri) == 2 and "(tiếp)" not in ba_tri[0] and f"{BA_TRI} (tiếp)" in ba_tri[1]
    assert all("3 đơn vị · đủ 0 · thiếu 3" in h for h in ba_tri)  # the whole group's totals
    # Past the last page: the last page; not a number: the first.
    last = client.get(f"{EVENT}/questions/board?group=parent&page=99").get_data(as_text=True)
    assert "Đơn vị 17–17 trong 17" in last
    first = client.get(f"{EVENT}/questions/board?page=abc").get_data(as_text=True)
    assert "Đơn vị 1–2 trong 17" in first and "parent-group" not in first


@pytest.mark.browser
def test_the_board_pager_in_a_browser_at_360_px(live_server, page, grouped_event, users,
                                                 artifacts, monkeypatch):
    from eventapp.questions import board
    from tests.conftest import browser_login

    monkeypatch.setattr(board, "PAGE_ROWS", 5)
    browser_login(page, live_server, users["organizer"])
    page.set_viewport_size({"width": 360, "height": 800})
    page.goto(f"{live_server}{EVENT}/questions/board?group=parent")
    assert "Đơn vị 1–5 trong 17" in page.inner_text("#board-pages")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.locator("#board-pages").screenshot(path=str(artifacts / "board-pager-360.png"))
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#board-pages [aria-label='Trang sau']")
    assert "Đơn vị 6–10 trong 17" in page.inner_text("#board-pages")
    assert "group=parent" in page.url and "page=2" in page.url
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts / "board-page-2-1280.png"), full_page=True)
