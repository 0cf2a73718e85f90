"""Unit kinds are data: the defaults of a fresh database, the organizer's "Loại đơn vị" page
(add, rename, delete only what nothing uses), the unit form's select, the Excel import, and
``GET /api/v1/unit-kinds``."""

from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.audit.models import AuditEntry
from eventapp.database import unit_of_work
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.nominations.models import NominationRules
from eventapp.units import kinds
from eventapp.units.models import DEFAULT_KINDS, Unit, UnitKindRow
from tests.conftest import run_concurrently
from tests.helpers import xlsx

PAGE = "/unit-kinds/"
UNITS = "/events/doi-thoai-2020/units/"


def _kind_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(UnitKindRow))


def test_a_fresh_database_has_todays_kinds_in_order(app):
    assert [(k.key, k.name) for k in kinds.all_kinds()] == list(DEFAULT_KINDS)
    assert kinds.names()["pioneer_brigade"] == "Liên đội Tiểu học, THCS"


def test_the_organizer_adds_and_renames_a_kind(client, users, login):
    login(users["organizer"])
    page = client.get(PAGE).get_data(as_text=True)
    assert "Đoàn xã, phường, đặc khu" in page and 'data-kind="district"' in page
    done = client.post_form(PAGE, {"key": "ward", "name": "Đoàn phường"})
    assert done.status_code == 302
    assert "Đã thêm loại “Đoàn phường”" in client.get(PAGE).get_data(as_text=True)
    renamed = client.post_form(PAGE + "ward/edit", {"name": "Đoàn phường, thị trấn"},
                               page=PAGE + "ward/edit")
    assert renamed.status_code == 302
    db.session.expire_all()
    assert db.session.get(UnitKindRow, "ward").name == "Đoàn phường, thị trấn"
    assert kinds.all_kinds()[-1].key == "ward"  # a new kind goes last
    actions = db.session.scalars(sa.select(AuditEntry.action).where(
        AuditEntry.action.like("unit_kind.%")).order_by(AuditEntry.id)).all()
    assert actions == ["unit_kind.add", "unit_kind.rename"]


def test_bad_or_taken_keys_and_empty_names_are_refused(client, users, login):
    login(users["organizer"])
    before = _kind_count()
    for data, message in (({"key": "Đoàn Xã", "name": "X"}, "Mã loại đơn vị phải có 1–40 ký tự"),
                          ({"key": "district", "name": "Trùng"}, "Mã loại đơn vị đã có."),
                          ({"key": "moi", "name": "   "}, "Nhập tên loại đơn vị."),
                          ({"key": "x" * 41, "name": "Dài"}, "Tối đa 40 ký tự.")):
        response = client.post_form(PAGE, data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True), data
    assert _kind_count() == before
    assert db.session.get(UnitKindRow, "district").name == "Huyện, Thành đoàn"
    empty = client.post_form(PAGE + "district/edit", {"name": ""}, page=PAGE + "district/edit")
    assert "Nhập tên loại đơn vị." in empty.get_data(as_text=True)
    assert client.get(PAGE + "khong-co/edit").status_code == 404


def test_a_kind_in_use_is_not_deleted_and_the_page_says_why(client, users, login):
    login(users["organizer"])
    # district: 9 of the seed's units, the seed's cap and its submitting kinds use it.
    response = client.post_form(PAGE + "district/delete", {}, page=PAGE)
    assert response.status_code == 302
    page = client.get(PAGE).get_data(as_text=True)
    assert "Không xóa được loại “Huyện, Thành đoàn”: 9 đơn vị thuộc loại này; " \
           "1 chỉ tiêu đại biểu áp dụng cho loại này; 1 sự kiện cho loại này gửi hồ sơ " \
           "vinh danh." in page
    assert db.session.get(UnitKindRow, "district") is not None
    # The default kind stays even unused: a unit that names no kind gets it.
    client.post_form(PAGE + "other/delete", {}, page=PAGE)
    assert "đây là loại mặc định của đơn vị không ghi loại" in client.get(PAGE).get_data(
        as_text=True)
    assert db.session.get(UnitKindRow, "other") is not None
    # An unused kind goes.
    assert client.post_form(PAGE + "agency_union/delete", {}, page=PAGE).status_code == 302
    assert "Đã xóa loại “Đoàn khối, Đoàn cơ quan”" in client.get(PAGE).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(UnitKindRow, "agency_union") is None


def test_unit_accounts_do_not_manage_kinds(client, users, login):
    login(users["unit_a"])
    assert client.get(PAGE).status_code == 403
    assert client.post_form(PAGE, {"key": "moi", "name": "Mới"}, page="/login").status_code \
        == 403
    assert db.session.get(UnitKindRow, "moi") is None


def test_the_unit_form_offers_the_tables_kinds(client, users, login):
    login(users["organizer"])
    with unit_of_work():
        kinds.add_kind("ward", "Đoàn phường", None)
    form = client.get(UNITS + "new").get_data(as_text=True)
    assert '<option value="ward">Đoàn phường</option>' in form
    assert '<option value="commune">Đoàn xã, phường, đặc khu</option>' in form
    saved = client.post_form(UNITS + "new", {"code": "PHUONG1", "name": "Đoàn phường 1",
                                             "kind": "ward"}, page=UNITS + "new")
    assert saved.status_code == 302
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == "PHUONG1"))
    assert (unit.kind, unit.kind_name) == ("ward", "Đoàn phường")
    assert "Đoàn phường" in client.get(UNITS).get_data(as_text=True)
    refused = client.post_form(UNITS + "new", {"code": "PHUONG2", "name": "Đoàn phường 2",
                                               "kind": "tinh_doan"}, page=UNITS + "new")
    assert "Lựa chọn không hợp lệ." in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(Unit).where(Unit.code == "PHUONG2")) is None


def test_the_import_reads_kinds_by_name_and_its_template_lists_them(client, users, login):
    login(users["organizer"])
    with unit_of_work():
        kinds.add_kind("ward", "Đoàn phường", None)
    template = load_workbook(io.BytesIO(client.get(UNITS + "template.xlsx").data))
    notes = " ".join(str(c.value) for ws in template.worksheets for row in ws.iter_rows()
                     for c in row if c.value)
    assert "Đoàn phường" in notes and "Liên đội Tiểu học, THCS" in notes
    data = xlsx([["PHUONG1", "Đoàn phường 1", "Đoàn phường"],
                 ["LD-1", "Liên đội THCS 1", "lien doi"]],
                ["Mã đơn vị", "Tên đơn vị", "Loại đơn vị"])
    response = client.post_form(UNITS + "import", {"file": (io.BytesIO(data), "don-vi.xlsx")},
                                page=UNITS, content_type="multipart/form-data")
    assert response.status_code == 302
    found = dict(db.session.execute(sa.select(Unit.code, Unit.kind).where(
        Unit.code.in_(["PHUONG1", "LD-1"]))).all())
    assert found == {"PHUONG1": "ward", "LD-1": "pioneer_brigade"}


def test_the_api_lists_the_kinds(client, users, token_for):
    response = client.get("/api/v1/unit-kinds", headers=token_for(users["unit_a"]))
    assert response.status_code == 200
    assert response.json["unit_kinds"][0] == {"key": "commune",
                                              "name": "Đoàn xã, phường, đặc khu"}
    assert len(response.json["unit_kinds"]) == len(DEFAULT_KINDS)
    assert client.get("/api/v1/unit-kinds").status_code == 401


def test_two_organizers_adding_one_key_at_once_make_one_kind(app):
    def add(i):
        with app.app_context():
            try:
                with unit_of_work():
                    kinds.add_kind("ward", f"Đoàn phường {i}", None)
            except Invalid as error:
                return error.fields["key"]
            return "added"

    assert sorted(run_concurrently(add, 2)) == ["Mã loại đơn vị đã có.", "added"]
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitKindRow).where(
        UnitKindRow.key == "ward")) == 1


def test_the_event_form_offers_the_tables_kinds_for_dossiers(client, users, login, event):
    from tests.events.test_views import EDIT, _form

    login(users["organizer"])
    with unit_of_work():
        kinds.add_kind("ward", "Đoàn phường", None)
    assert '<option value="ward">Đoàn phường</option>' in client.get(EDIT).get_data(
        as_text=True)
    refused = client.post_form(EDIT, _form(event, nomination_unit_kinds=["tinh_doan"]),
                               page=EDIT)
    assert "&#39;tinh_doan&#39; không phải lựa chọn hợp lệ." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(NominationRules, event.id).unit_kinds == ["district"]
    done = client.post_form(EDIT, _form(event, nomination_unit_kinds=["commune", "ward"]),
                            page=EDIT)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(NominationRules, event.id).unit_kinds == ["commune", "ward"]
