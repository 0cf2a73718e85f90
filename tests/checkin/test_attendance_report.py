"""The arrivals board, the check-in report and the attendee export show, per unit, attendance
as offices record it: present, excused, substituted, absent without reason."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = "/api/v1/events/doi-thoai-2020"


@pytest.fixture
def recorded(client, users, token_for, make_attendee, set_now, code_of):
    """BATRI: four delegates — one arrives, one excused, one replaced (the substitute has not
    arrived), one absent without reason. BINHDAI: one absent."""
    set_now(datetime(2020, 2, 14, 7, 0, tzinfo=VN))
    an, binh, cuong, dung = (make_attendee(name) for name in
                             ("Nguyễn Văn Ấn", "Trần Thị Bình", "Lê Văn Cường", "Phạm Dũng"))
    make_attendee("Võ Bình Đại", unit="BINHDAI")
    unit = token_for(users["unit_a"])
    assert client.put(f"{BASE}/attendees/{binh.id}/attendance", headers=unit, json={
        "session": "doi-thoai", "status": "excused", "reason": "Ốm"}).status_code == 200
    assert client.post(f"{BASE}/attendees/{cuong.id}/substitute", headers=unit, json={
        "full_name": "Người Thay Cường"}).status_code == 201
    assert client.post(f"{BASE}/checkin", headers=token_for(users["checkin"]), json={
        "code": code_of(an), "session": "doi-thoai"}).get_json()["result"] == "checked_in"
    return {"an": an, "binh": binh, "cuong": cuong, "dung": dung}


#: After session 1 (08:00–11:00 on 14/02/2020): those not arrived are absent.
AFTER = datetime(2020, 2, 14, 11, 0, tzinfo=VN)


def test_before_the_session_ends_nobody_is_absent_only_not_here_yet(
        client, login, users, recorded, set_now):
    """At 07:00, and at 10:59 while it runs, the delegates who have not come are "chưa
    đến"; from 11:00, its end, they are "vắng không lý do"."""
    login(users["organizer"])
    for moment in (datetime(2020, 2, 14, 7, 0, tzinfo=VN), AFTER - timedelta(minutes=1)):
        set_now(moment)
        data = client.get("/checkin/doi-thoai-2020/board.json?session=doi-thoai").get_json()
        batri = next(u for u in data["units"] if u["unit"] == "BATRI")
        assert (batri["not_yet_arrived"], batri["absent"]) == (2, 0)
        assert (data["session_over"], data["not_yet_arrived"], data["absent"]) == (False, 3, 0)
        html = client.get("/checkin/doi-thoai-2020/board?session=doi-thoai").get_data(
            as_text=True)
        assert 'chưa đến, chưa báo lý do</span>: <strong id="b-absent">3<' in html
        assert ">Chưa đến</th>" in html and ">Không lý do</th>" not in html
        assert "Phiên chưa kết thúc" in html
        export = openpyxl.load_workbook(io.BytesIO(client.get(
            "/events/doi-thoai-2020/registration/export.xlsx?session=doi-thoai").data))
        sheet = list(export["Điểm danh theo đơn vị"].iter_rows(values_only=True))
        assert ("Phiên 1", "Huyện đoàn Ba Tri", 4, 1, 2, 1, 0, 1) in sheet
    set_now(AFTER)
    data = client.get("/checkin/doi-thoai-2020/board.json?session=doi-thoai").get_json()
    assert (data["session_over"], data["not_yet_arrived"], data["absent"]) == (True, 0, 3)
    html = client.get("/checkin/doi-thoai-2020/board?session=doi-thoai").get_data(as_text=True)
    assert 'vắng không lý do</span>: <strong id="b-absent">3<' in html
    assert ">Không lý do</th>" in html


def test_board_shows_attendance_per_unit(client, login, users, recorded, set_now):
    set_now(AFTER)
    login(users["organizer"])
    data = client.get("/checkin/doi-thoai-2020/board.json?session=doi-thoai").get_json()
    batri = next(u for u in data["units"] if u["unit"] == "BATRI")
    assert {k: batri[k] for k in ("expected", "checked_in", "excused", "substituted",
                                  "absent")} == \
        {"expected": 4, "checked_in": 1, "excused": 1, "substituted": 1, "absent": 2}
    assert (data["excused"], data["substituted"], data["absent"]) == (1, 1, 3)
    html = client.get("/checkin/doi-thoai-2020/board?session=doi-thoai").get_data(as_text=True)
    assert 'id="b-excused">1<' in html and 'id="b-absent">3<' in html
    assert 'id="b-substituted">1<' in html


def test_check_in_report_and_attendee_export_count_the_same(client, login, users, recorded,
                                                            set_now):
    set_now(AFTER)
    login(users["organizer"])
    report = openpyxl.load_workbook(io.BytesIO(client.get(
        "/checkin/doi-thoai-2020/export.xlsx?session=doi-thoai").data))
    rows = list(report["Tổng hợp theo đơn vị"].iter_rows(values_only=True))
    batri = next(r for r in rows if r[2] == "BATRI")
    # Dự kiến, đã đến, chưa đến, vắng có lý do, vắng không lý do, cử người thay, tỉ lệ
    assert batri[3:] == (4, 1, 3, 1, 2, 1, 25)
    missing = list(report["Chưa đến"].iter_rows(values_only=True))
    assert ("Trần Thị Bình", "Ốm") in {(r[2], r[8]) for r in missing}

    export = openpyxl.load_workbook(io.BytesIO(client.get(
        "/events/doi-thoai-2020/registration/export.xlsx?session=doi-thoai").data))
    people = list(export["Đại biểu"].iter_rows(values_only=True))
    assert people[0][-1] == "Vắng có lý do"
    assert {r[1]: r[-1] for r in people[1:]}["Trần Thị Bình"] == "Ốm"
    sheet = list(export["Điểm danh theo đơn vị"].iter_rows(values_only=True))
    assert sheet[0] == ("Phiên", "Đơn vị", "Dự kiến", "Đã đến", "Chưa đến", "Vắng có lý do",
                        "Vắng không lý do", "Cử người dự thay")
    assert ("Phiên 1", "Huyện đoàn Ba Tri", 4, 1, 0, 1, 2, 1) in sheet
    assert ("Phiên 1", "Huyện đoàn Bình Đại", 1, 0, 0, 0, 1, 0) in sheet


def test_a_units_export_counts_its_own_unit_only(client, login, users, recorded):
    login(users["unit_a"])
    export = openpyxl.load_workbook(io.BytesIO(client.get(
        "/events/doi-thoai-2020/registration/export.xlsx").data))
    sheet = list(export["Điểm danh theo đơn vị"].iter_rows(values_only=True))
    assert [r[1] for r in sheet[1:]] == ["Huyện đoàn Ba Tri"]
