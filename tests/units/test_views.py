"""Organizer unit management: add, edit, Excel import (all-or-nothing) and its template."""

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.events.models import EventUnit
from eventapp.extensions import db
from eventapp.units.models import Unit
from tests.helpers import xlsx

UNITS = "/events/doi-thoai-2020/units/"


def _xlsx(rows) -> io.BytesIO:
    return io.BytesIO(xlsx(rows, ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"]))


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_template_downloads_with_headers(client, users, login):
    login(users["organizer"])
    response = client.get(UNITS + "template.xlsx")
    assert response.status_code == 200
    ws = load_workbook(io.BytesIO(response.data)).worksheets[0]
    assert [c.value for c in ws[1]] == ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị",
                                        "Đơn vị cấp trên", "Người liên hệ", "Chức vụ",
                                        "Email liên hệ", "Điện thoại liên hệ"]


def test_import_adds_units_to_the_event(client, users, login):
    login(users["organizer"])
    response = client.post_form(UNITS + "import", {"file": (_xlsx([
        ["thpt-ttdat", "Đoàn trường THPT Trương Vĩnh Ký", "Đoàn trường THPT"],
        ["BATRI", "Huyện đoàn Ba Tri (mới)", "district"]]), "don-vi.xlsx")}, page=UNITS,
        content_type="multipart/form-data")
    assert response.status_code == 302
    new = db.session.scalar(sa.select(Unit).where(Unit.code == "THPT-TTDAT"))
    assert new.kind == "high_school"
    assert db.session.scalar(sa.select(Unit.name).where(Unit.code == "BATRI")) == \
        "Huyện đoàn Ba Tri (mới)"
    assert _count(EventUnit) == 18


def test_import_with_bad_rows_changes_nothing_and_lists_every_row(client, users, login):
    login(users["organizer"])
    before_units, before_links = _count(Unit), _count(EventUnit)
    response = client.post_form(UNITS + "import", {"file": (_xlsx([
        ["MOI1", "Đơn vị mới 1", "district"],
        ["", "Thiếu mã", "district"],
        ["MOI2", "", "district"],
        ["MOI3", "Sai loại", "tinh doan"],
        ["MOI1", "Trùng mã", "district"]]), "don-vi.xlsx")}, page=UNITS,
        content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "chưa có dữ liệu nào được nhập" in html
    for row in ("<td>3</td>", "<td>4</td>", "<td>5</td>", "<td>6</td>"):
        assert row in html
    assert "trùng với dòng 2" in html
    assert (_count(Unit), _count(EventUnit)) == (before_units, before_links)


def test_import_of_a_non_excel_file_is_refused(client, users, login):
    login(users["organizer"])
    response = client.post_form(UNITS + "import", {"file": (io.BytesIO(b"%PDF-1.7"), "x.xlsx")},
                                page=UNITS, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "không phải Excel" in response.get_data(as_text=True)


def test_add_and_edit_unit(client, users, login):
    login(users["organizer"])
    response = client.post_form(UNITS + "new", {"code": "cd-ktkt", "name": "Đoàn trường CĐ",
                                                "kind": "college"}, page=UNITS + "new")
    assert response.status_code == 302
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "CD-KTKT"))
    response = client.post_form(f"{UNITS}{unit.id}/edit", {"code": "CD-KTKT",
                                "name": "Đoàn trường Cao đẳng Kinh tế", "kind": "college"},
                                page=UNITS + "new")
    assert response.status_code == 302
    db.session.refresh(unit)
    assert unit.name == "Đoàn trường Cao đẳng Kinh tế"


def test_edit_to_a_taken_code_is_refused(client, users, login):
    login(users["organizer"])
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "BINHDAI"))
    response = client.post_form(f"{UNITS}{unit.id}/edit", {"code": "BATRI", "name": "X",
                                "kind": "district"}, page=UNITS + "new")
    assert response.status_code == 200
    assert "đã dùng cho Huyện đoàn Ba Tri" in response.get_data(as_text=True)
    db.session.refresh(unit)
    assert unit.code == "BINHDAI"


def test_the_template_uploaded_unchanged_imports_nothing_and_has_a_kind_list(
        client, users, login):
    login(users["organizer"])
    data = client.get(UNITS + "template.xlsx").data
    wb = load_workbook(io.BytesIO(data))
    (rule,) = wb.worksheets[0].data_validations.dataValidation
    assert (rule.type, str(rule.sqref), rule.showErrorMessage) == ("list", "C2:C5001", True)
    kinds = [r[0] for r in wb["Danh mục"].iter_rows(min_row=2, values_only=True)]
    assert "Đoàn trường THPT" in kinds
    before = _count(Unit)
    response = client.post_form(UNITS + "import", {"file": (io.BytesIO(data), "mau.xlsx")},
                                page=UNITS, content_type="multipart/form-data")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Tệp chỉ có dòng ví dụ của tệp mẫu" in html
    assert "<td>3</td><td>Dòng ví dụ của tệp mẫu (ô “Mã đơn vị”" in html
    assert _count(Unit) == before
