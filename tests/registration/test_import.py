"""Excel import of delegates: template round trip, all-or-nothing, caps for the whole file."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.extensions import db
from eventapp.registration.imports import HEADERS
from eventapp.registration.models import Attendee
from tests.registration.conftest import AFTER_DEADLINE, NO_RESERVATION
from tests.registration.helpers import upload, workbook

pytestmark = pytest.mark.usefixtures("open_registration")
BASE = "/events/doi-thoai-2020/registration"




def count() -> int:
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(Attendee.id)))


def test_template_lists_the_events_choices(client, users, login):
    login(users["unit_a"])
    response = client.get(f"{BASE}/template.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.data))
    first = wb.worksheets[0]
    assert [c.value for c in first[1]] == list(HEADERS)
    notes = " ".join(str(r[0]) for r in wb["Hướng dẫn"].iter_rows(values_only=True))
    assert "Thành viên BCN CLB Tổng phụ trách Đội" in notes
    assert "Phiên 2: Hội nghị sơ kết" in notes
    # Drop-down lists for the categories a unit may choose and the sessions, read from the
    # hidden "Danh mục" sheet; Excel refuses another category, a session list may be typed.
    lists = wb["Danh mục"]
    assert lists.sheet_state == "hidden"
    values = {lists.cell(1, c).value: [r[c - 1] for r in lists.iter_rows(min_row=2,
                                                                          values_only=True)
                                        if r[c - 1] is not None]
              for c in range(1, lists.max_column + 1)}
    assert values["Phiên"] == ["Phiên 1", "Phiên 2"]
    assert "Thành viên BCN CLB Tổng phụ trách Đội" in values["Thành phần"]
    assert "Lãnh đạo, khách mời" not in values["Thành phần"]  # the organizer's only
    rules = {str(v.sqref): v for v in first.data_validations.dataValidation}
    assert rules["D2:D5001"].type == "list" and rules["D2:D5001"].showErrorMessage
    assert rules["D2:D5001"].formula1.startswith("'Danh mục'!$A$2:$A$")
    assert rules["E2:E5001"].formula1 == "'Danh mục'!$B$2:$B$3"
    assert not rules["E2:E5001"].showErrorMessage


def test_the_template_uploaded_unchanged_imports_nothing_and_says_why(client, users, login):
    login(users["unit_a"])
    data = client.get(f"{BASE}/template.xlsx").data
    response = upload(client, data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tệp chỉ có dòng ví dụ của tệp mẫu; chưa có dữ liệu nào được nhập." in html
    for number in (2, 3):
        assert (f"<td>{number}</td><td>Dòng ví dụ của tệp mẫu (ô “Họ và tên” bắt đầu bằng "
                "“Ví dụ:”)") in html
    assert count() == 0


def test_one_example_left_among_real_rows_refuses_the_file(client, users, login):
    login(users["unit_a"])
    wb = load_workbook(io.BytesIO(client.get(f"{BASE}/template.xlsx").data))
    ws = wb.worksheets[0]
    ws.delete_rows(3)  # the second example goes, the first stays (row 2)
    ws.append(["Lê Thị Cúc", "Phó Bí thư Đoàn trường", "Trường THPT Lê Quý Đôn",
               "Giáo viên Tổng phụ trách Đội", "Phiên 1", "", ""])
    ws["A2"] = "  ví DỤ: Nguyễn Văn An"  # retyped by hand: the same rule
    buffer = io.BytesIO()
    wb.save(buffer)
    html = upload(client, buffer.getvalue()).get_data(as_text=True)
    assert "Tệp còn dòng ví dụ của tệp mẫu; chưa có dữ liệu nào được nhập." in html
    assert "<td>2</td><td>Dòng ví dụ của tệp mẫu" in html
    assert "<td>3</td>" not in html
    assert count() == 0


def test_the_template_with_real_rows_imports_them_position_and_workplace_apart(
        client, users, login):
    login(users["unit_a"])
    wb = load_workbook(io.BytesIO(client.get(f"{BASE}/template.xlsx").data))
    ws = wb.worksheets[0]
    ws.delete_rows(2, 2)
    ws.append(["Lê Thị Cúc", "Phó Bí thư Đoàn trường", "Trường THPT Lê Quý Đôn",
               "Giáo viên Tổng phụ trách Đội", "Phiên 1", "0913 000 111", ""])
    ws.append(["Phan Văn Đạt", "Giáo viên", "Trường Tiểu học Ví Dụ",
               "Giáo viên Tổng phụ trách Đội", "1, 2", "", ""])
    buffer = io.BytesIO()
    wb.save(buffer)
    assert upload(client, buffer.getvalue()).status_code == 302
    attendees = db.session.scalars(sa.select(Attendee).order_by(Attendee.id)).all()
    assert [(a.full_name, a.position, a.workplace) for a in attendees] == [
        ("Lê Thị Cúc", "Phó Bí thư Đoàn trường", "Trường THPT Lê Quý Đôn"),
        ("Phan Văn Đạt", "Giáo viên", "Trường Tiểu học Ví Dụ")]
    assert [len(a.sessions) for a in attendees] == [1, 2]


def test_good_file_imports_every_row(client, users, login):
    login(users["unit_a"])
    rows = [["Nguyễn Văn An", "Giáo viên TPT Đội", "Trường THCS An Đức",
             "Giáo viên Tổng phụ trách Đội", "1", 912345678, "an@example.com"],
            ["Trần Thị Bích", "", "", "clb-tpt", "Phiên 2", "0987 654 321", None],
            ["Lê Văn Cường", None, None, "Thành viên BCN CLB Tổng phụ trách Đội", "1, 2",
             None, None]]
    response = upload(client, workbook(rows))
    assert response.status_code == 302
    client.get(f"{BASE}/")  # consume the flash
    attendees = db.session.scalars(sa.select(Attendee).order_by(Attendee.id)).all()
    assert [a.full_name for a in attendees] == ["Nguyễn Văn An", "Trần Thị Bích", "Lê Văn Cường"]
    assert attendees[0].phone == "0912345678"  # Excel dropped the leading zero
    assert [s.key for s in attendees[2].sessions] == ["doi-thoai", "so-ket"]
    assert {a.unit.code for a in attendees} == {"BATRI"}
    assert len({a.code_nonce for a in attendees}) == 3


def test_a_bad_row_changes_nothing_and_every_bad_row_is_reported(client, users, login, add):
    add(users["unit_a"], "Phạm Văn Dũng", phone="0911 111 111")
    login(users["unit_a"])
    rows = [["Người hợp lệ", "", "", "tpt-doi", "1", "", ""],                  # row 2
            ["", "", "", "tpt-doi", "1", "", ""],                              # 3: no name
            ["Ngô Thị E", "", "", "Thành phần lạ", "1", "", ""],               # 4
            ["Đỗ Văn F", "", "", "tpt-doi", "7", "", ""],                      # 5
            ["Vũ Thị G", "", "", "tpt-doi", "1", "12ab", "khong-phai-email"],  # 6
            ["pham van dung", "", "", "tpt-doi", "1", "+84 911 111 111", ""],  # 7: in the list
            ["Người hợp lệ", "", "", "tpt-doi", "2", "", ""]]                  # 8: same as 2
    response = upload(client, workbook(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tệp có 6 dòng lỗi; chưa có dữ liệu nào được nhập." in html
    for number, reason in [(3, "Họ và tên không được để trống"),
                           (4, "Thành phần &#39;Thành phần lạ&#39; không có"),
                           (5, "Không có phiên: 7"), (6, "Số điện thoại"),
                           (6, "Địa chỉ email không hợp lệ"),
                           (7, "Trùng đại biểu đã đăng ký: Phạm Văn Dũng"),
                           (8, "trùng người với dòng 2")]:
        assert f"<td>{number}</td><td>" in html and reason in html, (number, reason)
    assert "<td>2</td>" not in html
    assert count() == 1


def test_caps_are_checked_for_the_whole_file(client, users, login, add):
    for i in range(3):
        add(users["unit_a"], f"Đã có {i}", category="clb-tpt", sessions=["so-ket"])
    login(users["unit_a"])
    rows = [[f"Thành viên mới {i}", "", "", "clb-tpt", "2", "", ""] for i in range(4)]
    response = upload(client, workbook(rows))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    message = ("vượt chỉ tiêu Thành viên BCN CLB Tổng phụ trách Đội ở Phiên 2: tối đa 5/đơn vị, "
               "đơn vị đã đăng ký 3, tệp thêm 4")
    assert html.count(message) == 2  # rows 4 and 5; rows 2 and 3 would fit
    assert "<td>4</td>" in html and "<td>5</td>" in html and "<td>3</td>" not in html
    assert count() == 3
    assert upload(client, workbook(rows[:2])).status_code == 302
    assert count() == 5


def test_session_capacity_for_the_whole_file(client, users, login, event, limits):
    limits(reserved=NO_RESERVATION)
    event.session_by_key("so-ket").capacity = 2
    db.session.commit()
    login(users["school"])
    rows = [[f"Giáo viên {i}", "", "", "tpt-doi", "1, 2", "", ""] for i in range(3)]
    html = upload(client, workbook(rows)).get_data(as_text=True)
    assert "Phiên 2 không đủ chỗ: sức chứa 2, đã đăng ký 0, tệp thêm 3" in html
    assert count() == 0


def test_organizer_imports_for_a_unit_or_as_guests(client, users, login):
    login(users["organizer"])
    rows = [["Lãnh đạo A", "Phó Chủ tịch UBND tỉnh", "", "lanh-dao", "1", "", ""]]
    assert upload(client, workbook(rows), unit="").status_code == 302
    rows = [["Đại biểu B", "", "", "tpt-doi", "1", "", ""]]
    assert upload(client, workbook(rows), unit="BINHDAI").status_code == 302
    units = dict(db.session.execute(sa.select(Attendee.full_name, Attendee.unit_id)).all())
    assert units["Lãnh đạo A"] is None and units["Đại biểu B"] == users["unit_b"].unit_id


def test_unit_cannot_import_for_another_unit_or_after_the_deadline(client, users, login,
                                                                   set_now):
    login(users["unit_a"])
    rows = [["Đại biểu C", "", "", "tpt-doi", "1", "", ""]]
    assert upload(client, workbook(rows), unit="BINHDAI").status_code == 302
    assert db.session.scalar(sa.select(Attendee.unit_id)) == users["unit_a"].unit_id
    set_now(AFTER_DEADLINE)
    login(users["unit_a"])  # a week later: a new login (a login lasts 12 h)
    response = upload(client, workbook([["Trễ hạn", "", "", "tpt-doi", "1", "", ""]]))
    assert response.status_code == 422 and "Đã hết hạn" in response.get_data(as_text=True)
    assert count() == 1


def test_files_that_are_not_the_template(client, users, login):
    login(users["unit_a"])
    response = upload(client, b"PK\x03\x04 not really a zip")
    assert response.status_code == 422
    assert "không phải Excel" in response.get_data(as_text=True)
    response = upload(client, workbook([["x"]], headers=["Tên"]))
    assert "Tệp thiếu cột: Họ và tên" in response.get_data(as_text=True)
    response = upload(client, workbook([]))
    assert "Tệp không có dòng dữ liệu nào" in response.get_data(as_text=True)
    assert count() == 0


def test_the_organizers_template_offers_every_category(client, users, login):
    login(users["organizer"])
    wb = load_workbook(io.BytesIO(client.get(f"{BASE}/template.xlsx").data))
    categories = [r[0] for r in wb["Danh mục"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert "Lãnh đạo, khách mời" in categories
