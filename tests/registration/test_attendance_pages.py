"""The unit's pages: "Báo vắng" and "Cử người thay" from the registration list."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.registration.models import Attendee, Excuse
from tests.registration.conftest import AFTER_DEADLINE, BEFORE_DEADLINE, VN

BASE = "/events/doi-thoai-2020/registration"
AFTER_START = datetime(2020, 2, 14, 13, 35, tzinfo=VN)  # both sessions under way


def test_a_unit_reports_an_absence_and_sends_a_substitute_from_its_list(
        client, login, users, add, set_now):
    set_now(BEFORE_DEADLINE)
    an = add(users["unit_a"], "Nguyễn Văn Ấn", sessions=["doi-thoai", "so-ket"])
    binh = add(users["unit_a"], "Trần Thị Bình")
    set_now(AFTER_DEADLINE)  # registration closed, sessions not started
    login(users["unit_a"])
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert html.count("Báo vắng") == 2 and html.count("Cử người thay") == 2

    page = f"{BASE}/{an.id}/absence"
    refused = client.post_form(page, {"session": "so-ket", "status": "excused", "reason": ""},
                               page=page)
    assert "Vui lòng ghi lý do vắng." in refused.get_data(as_text=True)
    done = client.post_form(page, {"session": "so-ket", "status": "excused",
                                   "reason": "Đi công tác huyện"}, page=page)
    assert done.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "Đi công tác huyện" in html and 'data-status="excused"' in html
    listing = client.get(f"{BASE}/").get_data(as_text=True)
    assert "vắng có lý do: Đi công tác huyện" in listing

    page = f"{BASE}/{binh.id}/substitute"
    sent = client.post_form(page, {"full_name": "Lê Văn Thay", "position": "Giáo viên",
                                   "workplace": "", "phone": "", "email": ""}, page=page)
    assert sent.status_code == 302
    new_id = int(sent.headers["Location"].rstrip("/").split("/")[-2])
    db.session.rollback()
    assert db.session.get(Attendee, new_id).full_name == "Lê Văn Thay"
    assert "Dự thay cho Trần Thị Bình" in client.get(sent.headers["Location"]).get_data(
        as_text=True)
    cancelled = client.get(f"{BASE}/?status=cancelled").get_data(as_text=True)
    assert "Đã cử Lê Văn Thay dự thay" in cancelled
    html = client.get(page).get_data(as_text=True)
    assert 'id="substituted"' in html and "Lê Văn Thay" in html and "substitute-form" not in html


def test_once_the_sessions_have_started_the_unit_can_only_look(app, client, login, users, add,
                                                               set_now):
    set_now(BEFORE_DEADLINE)
    an = add(users["unit_a"], "Nguyễn Văn Ấn")
    set_now(AFTER_START)
    login(users["unit_a"])
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Báo vắng" not in html and "Cử người thay" not in html
    page = f"{BASE}/{an.id}/absence"
    response = client.post_form(page, {"session": "doi-thoai", "status": "excused",
                                       "reason": "Ốm"}, page=page)
    assert "đơn vị không còn báo vắng được" in response.get_data(as_text=True)
    page = f"{BASE}/{an.id}/substitute"
    response = client.post_form(page, {"full_name": "Muộn Quá"}, page=page)
    assert "không còn cử người thay được" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Excuse.attendee_id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1
    # Another unit's delegate is not found at all.
    other = login(users["unit_b"], app.test_client())
    assert other.get(f"{BASE}/{an.id}/absence").status_code == 404
