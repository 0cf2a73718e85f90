"""Attendee lists in Excel, read back with openpyxl: columns, safety, filters, check-in."""

from __future__ import annotations

import io
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.extensions import db
from eventapp.registration import checkins

pytestmark = pytest.mark.usefixtures("open_registration")
BASE = "/events/doi-thoai-2020/registration"
HEADERS = ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thành phần", "Phiên", "Điện thoại",
           "Email", "Check-in"]


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
    assert row[2].value == "+SUM(1,2), Trường @A" and row[2].data_type == "s"
    assert row[3].value == "Huyện đoàn Ba Tri"
    assert row[4].value == "Giáo viên Tổng phụ trách Đội"
    assert row[5].value == "Phiên 1; Phiên 2"
    assert row[6].value == "0912 345 678" and row[7].value == "-a@b.vn"
    assert row[8].value is None  # not checked in
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
    table = db.metadata.tables.get("checkin")
    if table is None:
        pytest.skip("no check-in table in this build")
    session = event.session_by_key("doi-thoai")
    db.session.execute(sa.insert(table).values(
        event_id=event.id, attendee_id=arrived.id, session_id=session.id,
        checked_in_at=datetime(2020, 2, 14, 1, 3, tzinfo=UTC),
        recorded_at=datetime(2020, 2, 14, 1, 3, tzinfo=UTC)))
    db.session.commit()
    login(users["organizer"])

    def names(query):
        ws = sheet(client.get(f"{BASE}/export.xlsx{query}"))
        return {r[1]: r[8] for r in ws.iter_rows(min_row=2, values_only=True)}

    checked = names("?checkin=yes")
    assert checked == {"Đã đến": datetime(2020, 2, 14, 8, 3)}  # local time, real Excel date
    assert set(names("?checkin=no")) == {"Chưa đến", "Phiên hai"}
    assert set(names("?session=so-ket&checkin=no")) == {"Đã đến", "Phiên hai"}
    assert set(names("?category=clb-tpt")) == {"Phiên hai"}
    ws = sheet(client.get(f"{BASE}/export.xlsx?checkin=yes"))
    assert ws["I2"].number_format == "dd/mm/yyyy hh:mm"
    page = client.get(f"{BASE}/?checkin=yes").get_data(as_text=True)
    assert "08:03 14/02/2020" in page and "Chưa đến" not in page


def test_checkin_source_can_be_wired_by_the_integrator(client, users, login, add, event):
    first = add(users["unit_a"], "Người thứ nhất")
    add(users["unit_a"], "Người thứ hai")
    at = datetime(2020, 2, 14, 0, 55, tzinfo=UTC)
    rows = sa.select(sa.literal(first.id).label("attendee_id"),
                     sa.literal(at).label("checked_in_at"))
    checkins.set_source(lambda event_id, session_id: rows)
    try:
        login(users["organizer"])
        ws = sheet(client.get(f"{BASE}/export.xlsx?checkin=yes"))
        assert [r[1] for r in ws.iter_rows(min_row=2, values_only=True)] == ["Người thứ nhất"]
        assert ws["I2"].value == datetime(2020, 2, 14, 7, 55)
    finally:
        checkins.set_source(None)
