"""Registration pages: forms, search, filters, and who may see or change what."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.registration.models import Attendee
from tests.registration.conftest import AFTER_DEADLINE

pytestmark = pytest.mark.usefixtures("open_registration")
BASE = "/events/doi-thoai-2020/registration"


def test_unit_registers_with_the_form(client, users, login):
    login(users["unit_a"])
    page = client.get(f"{BASE}/")
    assert "0/5 chỗ đã đăng ký" in page.get_data(as_text=True)
    response = client.post_form(f"{BASE}/new", {
        "full_name": "Nguyễn Thị Lan", "position": "Giáo viên TPT Đội",
        "workplace": "Trường Tiểu học Tân Xuân", "category": "clb-tpt",
        "sessions": ["so-ket", "doi-thoai"], "phone": "0909 123 456", "email": ""},
        page=f"{BASE}/new")
    assert response.status_code == 302
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Đã đăng ký Nguyễn Thị Lan (Huyện đoàn Ba Tri)." in html
    assert "1/5 chỗ đã đăng ký" in html
    attendee = db.session.scalar(sa.select(Attendee))
    assert [s.key for s in attendee.sessions] == ["doi-thoai", "so-ket"]


def test_form_shows_field_errors_and_refusals(client, users, login, add):
    add(users["unit_a"], "Trần Văn Hùng", phone="0901 000 000")
    login(users["unit_a"])
    html = client.post_form(f"{BASE}/new", {"full_name": "", "category": "",
                                            "phone": "abc"}, page=f"{BASE}/new"
                            ).get_data(as_text=True)
    assert "Họ và tên không được để trống." in html
    assert "Chọn thành phần đại biểu." in html and "Chọn ít nhất một phiên tham dự." in html
    html = client.post_form(f"{BASE}/new", {"full_name": "tran van hung", "category": "tpt-doi",
                                            "sessions": ["doi-thoai"], "phone": "0901000000"},
                            page=f"{BASE}/new").get_data(as_text=True)
    assert "Trùng đại biểu đã đăng ký: Trần Văn Hùng" in html
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1


def test_search_ignores_diacritics_and_filters_combine(client, users, login, add):
    add(users["unit_a"], "Nguyễn Văn A", phone="0912 000 111")
    add(users["unit_a"], "Nguyễn Văn Anh", category="clb-tpt", sessions=["so-ket"])
    add(users["unit_b"], "Đặng Thị Đào")
    add(users["organizer"], "Khách Mời Một", category="lanh-dao")
    login(users["organizer"])

    def names(query):
        html = client.get(f"{BASE}/?{query}").get_data(as_text=True)
        return {n for n in ("Nguyễn Văn A<", "Nguyễn Văn Anh", "Đặng Thị Đào", "Khách Mời Một")
                if n in html}

    assert names("q=nguyen+van+a") == {"Nguyễn Văn A<", "Nguyễn Văn Anh"}
    assert names("q=NGUYEN VAN ANH") == {"Nguyễn Văn Anh"}
    assert names("q=dang+thi+dao") == {"Đặng Thị Đào"}
    assert names("q=0912") == {"Nguyễn Văn A<"}
    assert names("q=50%25") == set()  # LIKE wildcards are taken literally
    assert names("session=so-ket") == {"Nguyễn Văn Anh"}
    assert names("unit=BINHDAI") == {"Đặng Thị Đào"}
    assert names("unit=khach-moi") == {"Khách Mời Một"}
    assert names("category=tpt-doi&unit=BATRI") == {"Nguyễn Văn A<"}


def test_a_unit_cannot_see_export_print_or_cancel_another_units_delegates(client, users,
                                                                         login, add):
    theirs = add(users["unit_a"], "Người của Ba Tri")
    add(users["unit_b"], "Người của Bình Đại")
    login(users["unit_b"])
    html = client.get(f"{BASE}/?unit=BATRI").get_data(as_text=True)
    assert "Người của Bình Đại" in html and "Người của Ba Tri" not in html
    for path in (f"/{theirs.id}/edit", f"/{theirs.id}/qr.png", f"/{theirs.id}/qr.svg",
                 f"/{theirs.id}/invitation", f"/{theirs.id}/badge"):
        assert client.get(BASE + path).status_code == 404, path
    badges = client.get(f"{BASE}/badges?unit=BATRI").get_data(as_text=True)
    assert "Người của Bình Đại" in badges and "Người của Ba Tri" not in badges
    response = client.post_form(f"{BASE}/{theirs.id}/cancel", page=f"{BASE}/")
    assert response.status_code == 404
    response = client.post_form(f"{BASE}/{theirs.id}/edit", {
        "full_name": "Đổi tên", "category": "tpt-doi", "sessions": ["doi-thoai"]},
        page=f"{BASE}/")
    assert response.status_code == 404
    db.session.refresh(theirs)
    assert theirs.is_active and theirs.full_name == "Người của Ba Tri"
    assert client.post_form(f"{BASE}/{theirs.id}/reissue", page=f"{BASE}/").status_code == 403
    assert client.get(f"{BASE}/settings").status_code == 403


def test_checkin_staff_and_strangers_stay_out(client, users, login, add):
    attendee = add(users["unit_a"], "Ai đó")
    assert client.get(f"{BASE}/").status_code == 302  # to the login page
    login(users["checkin"])
    for path in ("/", "/new", "/export.xlsx", "/badges", f"/{attendee.id}/qr.png"):
        assert client.get(BASE + path).status_code == 403, path


def test_a_unit_outside_the_event_stays_out(client, login, event, make_user):
    stranger = make_user("ngoai@test.vn", "unit", "CD-BENTRE")
    db.session.execute(sa.text("DELETE FROM event_unit WHERE unit_id = :u"),
                       {"u": stranger.unit_id})
    db.session.commit()
    login(stranger)
    assert client.get(f"{BASE}/").status_code == 404


def test_cancel_needs_csrf_and_the_deadline(client, users, login, add, set_now):
    attendee = add(users["unit_a"], "Lê Thị Mai")
    login(users["unit_a"])
    assert client.post(f"{BASE}/{attendee.id}/cancel").status_code == 400  # no CSRF token
    db.session.refresh(attendee)
    assert attendee.is_active
    set_now(AFTER_DEADLINE)
    login(users["unit_a"])  # a week later: a new login (a login lasts 12 h)
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Đã hết hạn lúc 00:00 10/02/2020" in html and "Thêm đại biểu" not in html
    assert ">Hủy<" not in html
    client.post_form(f"{BASE}/{attendee.id}/cancel", page=f"{BASE}/")
    db.session.refresh(attendee)
    assert attendee.is_active
    assert "Đã hết hạn" in client.get(f"{BASE}/").get_data(as_text=True)
    assert client.get(f"{BASE}/new").status_code == 302
    # Reading and printing still work after the deadline.
    assert client.get(f"{BASE}/{attendee.id}/invitation").status_code == 200
    assert client.get(f"{BASE}/export.xlsx").status_code == 200


def test_organizer_edits_reissues_and_cancels(client, users, login, add):
    attendee = add(users["unit_a"], "Hồ Văn Nam")
    old = attendee.code_nonce
    login(users["organizer"])
    edit = f"{BASE}/{attendee.id}/edit"
    response = client.post_form(edit, {"full_name": "Hồ Văn Nam", "category": "tpt-doi",
                                       "sessions": ["doi-thoai"], "seat": "B-07"}, page=edit)
    assert response.status_code == 302
    client.post_form(f"{BASE}/{attendee.id}/reissue", page=edit)
    client.post_form(f"{BASE}/{attendee.id}/cancel", page=edit)
    db.session.refresh(attendee)
    assert attendee.seat == "B-07" and attendee.code_nonce != old and not attendee.is_active
    assert client.get(f"{BASE}/{attendee.id}/qr.png").status_code == 409  # revoked
    html = client.get(f"{BASE}/?status=cancelled").get_data(as_text=True)
    assert "Hồ Văn Nam" in html and "Đã hủy" in html


def test_unit_home_page_shows_the_seats(client, users, login, add):
    for i in range(3):
        add(users["unit_a"], f"Thành viên {i}", category="clb-tpt", sessions=["so-ket"])
    login(users["unit_a"])
    html = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "Đăng ký đại biểu" in html and "3 đại biểu đã đăng ký" in html
    assert "Phiên 2 — Thành viên BCN CLB Tổng phụ trách Đội: 3/5 chỗ đã đăng ký" in html


def test_settings_are_organizer_only_and_printed(client, users, login, add):
    attendee = add(users["unit_a"], "Phan Văn Tâm")
    login(users["organizer"])
    response = client.post_form(f"{BASE}/settings", {
        "issuer_parent": "ĐOÀN TNCS HỒ CHÍ MINH", "issuer": "BCH TỈNH ĐOÀN BẾN TRE",
        "number": "07-GM/TĐTN", "place": "Bến Tre", "issued_on": "2020-02-06",
        "inviter": "Ban Thường vụ Tỉnh đoàn trân trọng kính mời", "signer_name": "Lâm Như Quỳnh",
        "signer_capacity": "TM. BAN THƯỜNG VỤ", "signer_title": "PHÓ BÍ THƯ",
        "short_title": "Đối thoại 2020", "note": "Trang phục: áo sơ mi trắng."},
        page=f"{BASE}/settings")
    assert response.status_code == 302
    html = client.get(f"{BASE}/{attendee.id}/invitation").get_data(as_text=True)
    for text in ("Số: 07-GM/TĐTN", "Bến Tre, ngày 06 tháng 02 năm 2020", "Lâm Như Quỳnh",
                 "Trang phục: áo sơ mi trắng.", "Phan Văn Tâm", "Huyện đoàn Ba Tri",
                 "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập – Tự do – Hạnh phúc",
                 "08 giờ 00 – 11 giờ 00"):
        assert text in html, text
    assert "Đối thoại 2020" in client.get(f"{BASE}/{attendee.id}/badge").get_data(as_text=True)
