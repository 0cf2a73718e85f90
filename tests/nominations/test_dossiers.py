"""The unit's side: create, live preview, submit before the deadline, return and resubmit."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.nominations.models import Nomination
from tests.nominations.conftest import (
    BASE,
    complete_dossier,
    create_dossier,
    submit,
    upload,
    upload_letter,
    vn,
)
from tests.nominations.helpers import dossier_form


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Nomination))


def test_unit_creates_a_dossier(clients, before_deadline):
    unit = clients("unit_a")
    page = unit.get(f"{BASE}/new").get_data(as_text=True)
    assert "Lập hồ sơ đề nghị vinh danh" in page and "Quá trình làm Tổng phụ trách Đội" in page
    nomination_id = create_dossier(unit, **{"period-1-start": "1980-01-01",
                                            "period-1-end": "1985-12-31",
                                            "discipline-0-date": "2012-03-01",
                                            "discipline-0-level": "khien_trach"})
    n = db.session.get(Nomination, nomination_id)
    assert n.full_name == "Nguyễn Thị Lan" and n.status == "draft"
    assert n.service_periods == [{"start": "1989-01-10", "end": None},
                                 {"start": "1980-01-01", "end": "1985-12-31"}]
    assert n.disciplines == [{"date": "2012-03-01", "level": "khien_trach"}]
    assert [h.to_status for h in n.history] == ["draft"]
    assert db.session.scalar(sa.select(AuditEntry).where(
        AuditEntry.action == "nomination.create")) is not None
    detail = unit.get(f"{BASE}/{nomination_id}").get_data(as_text=True)
    assert "Thâm niên công tác Đội 37 năm 1 tháng 4 ngày, đủ 30 năm" in detail  # 6 + 31 years
    assert "Hồ sơ còn thiếu" in detail  # no files yet


def test_bad_form_shows_vietnamese_messages_and_saves_nothing(clients, before_deadline):
    unit = clients("unit_a")
    response = unit.post_form(f"{BASE}/new", dossier_form(
        full_name="  ", **{"period-0-start": "2000-05-01", "period-0-end": "1999-01-01",
                           "title-0-title": "bang_khen"}), page=f"{BASE}/new")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Không được để trống." in html
    assert "Giá trị không hợp lệ" in html
    assert count() == 0
    # The schema checks consistency once the fields are well-formed.
    response = unit.post_form(f"{BASE}/new", dossier_form(
        **{"period-0-start": "2000-05-01", "period-0-end": "1999-01-01"}), page=f"{BASE}/new")
    assert "Ngày kết thúc trước ngày bắt đầu." in response.get_data(as_text=True)
    response = unit.post_form(f"{BASE}/new", dossier_form(status="retired"), page=f"{BASE}/new")
    assert "Cần ngày nghỉ hưu" in response.get_data(as_text=True)
    assert count() == 0


def test_live_preview_needs_csrf_and_answers_per_criterion(clients, before_deadline):
    unit = clients("unit_a")
    token = unit.csrf_token(f"{BASE}/new")
    body = {"full_name": "Nguyễn Thị Lan", "school": "Trường Tiểu học An Thủy",
            "status": "serving",
            "service_periods": [{"start": "1989-09-05", "end": "2001-08-31"},
                                {"start": "2002-09-01", "end": ""}],
            "titles": [{"year": "2019", "title": "lao_dong_tien_tien"}], "disciplines": []}
    assert unit.post(f"{BASE}/preview", json=body).status_code == 400  # no CSRF header
    response = unit.post(f"{BASE}/preview", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200
    data = response.get_json()
    assert data["result"]["service"] == {"years": 29, "months": 5, "days": 9}
    assert data["result"]["eligible_from"] == "2020-09-05"
    assert "đủ điều kiện từ ngày 05/09/2020" in data["html"]
    body["service_periods"][0]["end"] = "1980-01-01"
    response = unit.post(f"{BASE}/preview", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 422
    assert "service_periods.0.end" in response.get_json()["fields"]
    assert "Giai đoạn 1 — đến ngày" in response.get_json()["html"]


def test_submit_until_one_second_before_the_deadline(clients, set_now):
    set_now(vn("2020-02-03T08:00:00"))
    unit = clients("unit_a")
    first = complete_dossier(unit)
    second = complete_dossier(unit, full_name="Trần Văn Bình")
    set_now(vn("2020-02-04T23:59:59"))
    unit = clients("unit_a")  # a login lasts 12 h: the next evening is a new login
    assert submit(unit, first).status_code == 302
    n = db.session.get(Nomination, first)
    assert n.status == "submitted" and n.submitted_at == vn("2020-02-04T23:59:59")
    set_now(vn("2020-02-05T00:00:00"))
    response = submit(unit, second)
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Nomination, second).status == "draft"
    page = unit.get(response.headers["Location"]).get_data(as_text=True)
    assert "Đã hết hạn lúc 00:00 05/02/2020" in page
    assert "Gửi hồ sơ</button>" not in page


def test_after_the_deadline_the_unit_only_reads(clients, set_now):
    set_now(vn("2020-02-03T08:00:00"))
    unit = clients("unit_a")
    nomination_id = complete_dossier(unit)
    set_now(vn("2020-02-06T08:00:00"))
    unit = clients("unit_a")  # days later: a new login
    assert unit.get(f"{BASE}/{nomination_id}").status_code == 200
    assert unit.get(f"{BASE}/{nomination_id}/edit").status_code == 302
    unit.post_form(f"{BASE}/{nomination_id}/edit", dossier_form(full_name="Đổi tên"),
                   page=f"{BASE}/{nomination_id}")
    assert upload(unit, nomination_id, kinds=("tom_tat_qua_trinh",)).status_code == 302
    unit.post_form(f"{BASE}/new", dossier_form(full_name="Mới"), page=BASE + "/")
    unit.post_form(f"{BASE}/{nomination_id}/delete", page=BASE + "/")
    db.session.expire_all()
    n = db.session.get(Nomination, nomination_id)
    assert n.full_name == "Nguyễn Thị Lan" and len(n.files) == 1 and count() == 1
    assert "+ Lập hồ sơ mới" not in unit.get(BASE + "/").get_data(as_text=True)


def test_after_the_deadline_the_form_says_so_before_the_unit_types(clients, set_now):
    """A bookmarked "new dossier" page after the deadline shows no form to fill in, only
    the deadline that passed and where to ask for an extension."""
    set_now(vn("2020-02-04T23:59:59"))
    unit = clients("unit_a")
    page = unit.get(f"{BASE}/new").get_data(as_text=True)
    assert 'id="dossier-form"' in page and 'id="closed-note"' not in page
    set_now(vn("2020-02-05T00:00:00"))
    for path in (f"{BASE}/new", BASE + "/"):
        response = unit.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 200
        assert 'id="closed-note"' in page and "Đã hết hạn gửi hồ sơ vinh danh" in page
        assert "lúc 00:00 05/02/2020" in page
        assert "/events/doi-thoai-2020/#xin-gia-han" in page
    assert 'id="dossier-form"' not in unit.get(f"{BASE}/new").get_data(as_text=True)


def test_return_fix_and_resubmit_keeps_history(clients, before_deadline, set_now):
    unit, organizer = clients("unit_a"), clients("organizer")
    nomination_id = complete_dossier(unit)
    submit(unit, nomination_id)
    page = f"{BASE}/{nomination_id}"
    response = organizer.post_form(f"{page}/return", {"return_reason": ""}, page=page)
    assert response.status_code == 422 and "Cần ghi lý do trả lại" in response.get_data(True)
    organizer.post_form(f"{page}/return",
                        {"return_reason": "Thiếu xác nhận của cấp ủy trên bản tóm tắt"},
                        page=page)
    db.session.expire_all()
    assert db.session.get(Nomination, nomination_id).status == "returned"
    home = unit.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "bị trả lại: Thiếu xác nhận của cấp ủy trên bản tóm tắt" in home
    assert "Thiếu xác nhận của cấp ủy" in unit.get(page).get_data(as_text=True)
    unit.post_form(f"{page}/edit", dossier_form(school="Trường Tiểu học An Thủy, Ba Tri"),
                   page=page)
    set_now(vn("2020-02-04T10:00:00"))
    unit = clients("unit_a")  # days later: a new login
    assert submit(unit, nomination_id).status_code == 302
    db.session.expire_all()
    n = db.session.get(Nomination, nomination_id)
    assert n.status == "submitted" and n.school == "Trường Tiểu học An Thủy, Ba Tri"
    assert n.submitted_at == vn("2020-02-04T10:00:00")
    assert [h.to_status for h in n.history] == ["draft", "submitted", "returned", "submitted"]
    assert n.history[2].reason == "Thiếu xác nhận của cấp ủy trên bản tóm tắt"
    assert n.history[2].by.email == "btc@test.vn"
    history = unit.get(page).get_data(as_text=True)
    assert "Gửi lại sau khi sửa" in history


def test_withdraw_then_edit_then_delete(clients, before_deadline):
    unit = clients("unit_a")
    nomination_id = create_dossier(unit)
    page = f"{BASE}/{nomination_id}"
    submit(unit, nomination_id)
    response = unit.post_form(f"{page}/edit", dossier_form(full_name="Khác"), page=page)
    assert response.status_code == 302  # sent: not editable, sent back to the detail page
    db.session.expire_all()
    assert db.session.get(Nomination, nomination_id).full_name == "Nguyễn Thị Lan"
    unit.post_form(f"{page}/withdraw", page=page)
    db.session.expire_all()
    assert db.session.get(Nomination, nomination_id).status == "draft"
    unit.post_form(f"{page}/delete", page=page)
    assert count() == 0


def test_extension_reopens_one_unit(clients, users, set_now, event):
    from eventapp.events.services import grant_extension
    from eventapp.units.models import Unit

    set_now(vn("2020-02-03T08:00:00"))
    unit_a, unit_b = clients("unit_a"), clients("unit_b")
    a, b = create_dossier(unit_a), create_dossier(unit_b)
    set_now(vn("2020-02-06T08:00:00"))
    unit_a, unit_b = clients("unit_a"), clients("unit_b")  # days later: new logins
    batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
    grant_extension(event, batri, "nominations", vn("2020-02-08T00:00:00"), "Bão lũ",
                    users["organizer"])
    submit(unit_a, a)
    submit(unit_b, b)
    db.session.expire_all()
    assert db.session.get(Nomination, a).status == "submitted"
    assert db.session.get(Nomination, b).status == "draft"
    organizer = clients("organizer")
    page = organizer.get(f"{BASE}/{a}").get_data(as_text=True)
    assert "trước hạn 00:00 08/02/2020" in page  # on time against the unit's own deadline


def test_unit_home_summary(clients, before_deadline):
    unit = clients("unit_a")
    home = unit.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "Hồ sơ đề nghị vinh danh Tổng phụ trách Đội" in home and "Chưa có hồ sơ" in home
    nomination_id = create_dossier(unit)
    upload_letter(unit)
    home = unit.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "0 hồ sơ đã gửi, 1 chưa gửi" in home and "Hồ sơ Nguyễn Thị Lan chưa gửi" in home
    submit(unit, nomination_id)
    assert "1 hồ sơ đã gửi" in unit.get("/events/doi-thoai-2020/").get_data(as_text=True)
    school = clients("school")
    assert "Hồ sơ đề nghị vinh danh" not in school.get("/events/doi-thoai-2020/").get_data(True)
