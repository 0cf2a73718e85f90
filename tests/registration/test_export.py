"""Attendee lists in Excel, read back with openpyxl: columns, safety, filters, check-in."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.checkin.models import CheckIn
from eventapp.extensions import db
from eventapp.registration.codes import attendee_code

pytestmark = pytest.mark.usefixtures("open_registration")
BASE = "/events/doi-thoai-2020/registration"
HEADERS = ["STT", "Họ và tên", "Chức vụ", "Nơi công tác", "Đơn vị", "Thành phần", "Phiên",
           "Điện thoại", "Email", "Check-in", "Vắng có lý do"]


def sheet(response):
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(io.BytesIO(response.data)).worksheets[0]


def test_columns_rows_and_formula_injection(client, users, login, add, limits):
    limits(default_max=None)  # 25 delegates of one unit in one session
    add(users["unit_a"], '=HYPERLINK("x")', position="+SUM(1,2)", workplace="Trường @A",
        phone="0912 345 678", email="-a@b.vn", sessions=["doi-thoai", "so-ket"])
    for i in range(24):
        add(users["unit_a"], f"Đại biểu {i:02d}")
    add(users["unit_b"], "Của đơn vị khác")
    login(users["organizer"])
    ws = sheet(client.get(f"{BASE}/export.xlsx?unit=BATRI"))
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.max_row == 1 + 25 and ws.freeze_panes == "A2" and ws.auto_filter.ref
    row = [c for c in ws[2]]
    assert row[0].value == 1
    assert row[1].value == '=HYPERLINK("x")' and row[1].data_type == "s"
    assert row[2].value == "+SUM(1,2)" and row[2].data_type == "s"
    assert row[3].value == "Trường @A" and row[3].data_type == "s"
    assert row[4].value == "Huyện đoàn Ba Tri"
    assert row[5].value == "Giáo viên Tổng phụ trách Đội"
    assert row[6].value == "Phiên 1; Phiên 2"
    assert row[7].value == "0912 345 678" and row[8].value == "-a@b.vn"
    assert row[9].value is None  # not checked in
    assert [ws.cell(r, 1).value for r in range(2, 27)] == list(range(1, 26))
    sessions = load_workbook(io.BytesIO(client.get(f"{BASE}/export.xlsx").data))["Các phiên"]
    assert sessions["A2"].value == "Phiên 1" and sessions["C2"].value == "08:00–11:00 14/02/2020"
    assert sessions["E3"].value == 150 and sessions["F3"].value == 1


def test_unit_exports_only_its_own(client, users, login, add):
    add(users["unit_a"], "Của Ba Tri")
    add(users["unit_b"], "Của Bình Đại")
    add(users["organizer"], "Khách mời", category="lanh-dao")
    login(users["unit_b"])
    for query in ("", "?unit=BATRI", "?unit=khach-moi"):
        ws = sheet(client.get(f"{BASE}/export.xlsx{query}"))
        assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == ["Của Bình Đại"]


def test_filters_and_checkin_time(client, users, login, add, event):
    arrived = add(users["unit_a"], "Đã đến", sessions=["doi-thoai", "so-ket"])
    add(users["unit_a"], "Chưa đến", sessions=["doi-thoai"])
    add(users["unit_a"], "Phiên hai", category="clb-tpt", sessions=["so-ket"])
    session = event.session_by_key("doi-thoai")
    db.session.execute(sa.insert(CheckIn).values(
        event_id=event.id, attendee_id=arrived.id, session_id=session.id,
        checked_in_at=datetime(2020, 2, 14, 1, 3, tzinfo=UTC),
        recorded_at=datetime(2020, 2, 14, 1, 3, tzinfo=UTC)))
    db.session.commit()
    login(users["organizer"])

    def names(query):
        ws = sheet(client.get(f"{BASE}/export.xlsx{query}"))
        return {r[1]: r[9] for r in ws.iter_rows(min_row=2, values_only=True)}

    checked = names("?checkin=yes")
    assert checked == {"Đã đến": datetime(2020, 2, 14, 8, 3)}  # local time, real Excel date
    assert set(names("?checkin=no")) == {"Chưa đến", "Phiên hai"}
    assert set(names("?session=so-ket&checkin=no")) == {"Đã đến", "Phiên hai"}
    assert set(names("?category=clb-tpt")) == {"Phiên hai"}
    ws = sheet(client.get(f"{BASE}/export.xlsx?checkin=yes"))
    assert ws["J2"].number_format == "dd/mm/yyyy hh:mm"
    page = client.get(f"{BASE}/?checkin=yes").get_data(as_text=True)
    assert "08:03 14/02/2020" in page and "Chưa đến" not in page


def test_an_undone_checkin_is_not_shown_as_arrived(client, users, login, add, token_for):
    """Scanned, then undone on the organizer's log (a wrong card): registration's list and
    export show the person as not arrived, beside one whose check-in stands."""
    mistaken = add(users["unit_a"], "Quét nhầm thẻ")
    arrived = add(users["unit_a"], "Đến thật")
    db.session.commit()
    headers = token_for(users["checkin"])
    scans = {}
    for person in (mistaken, arrived):
        response = client.post("/api/v1/events/doi-thoai-2020/checkin", headers=headers,
                                json={"code": attendee_code(person), "session": "doi-thoai"})
        assert response.get_json()["result"] == "checked_in"
        scans[person.full_name] = response.get_json()["checkin_id"]
    login(users["organizer"])
    log = "/checkin/doi-thoai-2020/log?session=doi-thoai"
    undone = client.post_form(f"/checkin/doi-thoai-2020/checkins/{scans['Quét nhầm thẻ']}/undo",
                              {"reason": "Quét nhầm thẻ của người khác", "back": log}, page=log)
    assert "Đã hủy check-in của Quét nhầm thẻ" in client.get(
        undone.headers["Location"]).get_data(as_text=True)

    def names(query):
        ws = sheet(client.get(f"{BASE}/export.xlsx{query}"))
        return {r[1]: r[9] for r in ws.iter_rows(min_row=2, values_only=True)}

    everyone = names("")
    assert everyone["Quét nhầm thẻ"] is None and isinstance(everyone["Đến thật"], datetime)
    assert set(names("?checkin=yes")) == {"Đến thật"}
    assert set(names("?session=doi-thoai&checkin=no")) == {"Quét nhầm thẻ"}
    page = client.get(f"{BASE}/?checkin=yes").get_data(as_text=True)
    assert "Đến thật" in page and "Quét nhầm thẻ" not in page
    page = client.get(f"{BASE}/?checkin=no").get_data(as_text=True)
    assert "Quét nhầm thẻ" in page and "Đến thật" not in page
