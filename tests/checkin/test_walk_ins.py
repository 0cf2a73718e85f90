"""Walk-ins: a person not on the list, registered at the door from the scanner page in at
most three fields and checked in at once, within the session's capacity."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.checkin.models import CheckIn
from eventapp.extensions import db
from eventapp.registration.models import Attendee

SCANNER = "/checkin/doi-thoai-2020/scan/so-ket"
WALK_IN = f"{SCANNER}/walk-in"


def test_the_organizer_registers_a_walk_in_who_is_checked_in_at_once(client, login, users):
    login(users["organizer"])
    html = client.get(SCANNER).get_data(as_text=True)
    assert "đăng ký tại cửa" in html
    response = client.post_form(WALK_IN, {"full_name": "Hồ Văn Đến Muộn",
                                          "unit": "huyện đoàn ba tri", "position": "Phó Bí thư"},
                                page=SCANNER)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    shown = client.get(SCANNER).get_data(as_text=True)
    assert "Đã đăng ký tại cửa và check-in: Hồ Văn Đến Muộn." in shown
    db.session.rollback()
    person = db.session.scalars(sa.select(Attendee)).one()
    assert person.unit is not None and person.unit.code == "BATRI"
    assert person.category.key == "lanh-dao" and [s.key for s in person.sessions] == ["so-ket"]
    checkin = db.session.scalars(sa.select(CheckIn)).one()
    assert (checkin.attendee_id, checkin.method, checkin.staff_id) == \
        (person.id, "walk_in", users["organizer"].id)
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"attendee.walk_in", "checkin.walk_in"} <= actions


def test_an_unknown_unit_is_kept_as_the_guests_workplace_and_a_name_is_required(
        client, login, users):
    login(users["organizer"])
    blank = client.post_form(WALK_IN, {"full_name": "", "unit": "", "position": ""},
                             page=SCANNER)
    assert blank.status_code == 422
    assert "Vui lòng nhập họ và tên." in blank.get_data(as_text=True)
    ok = client.post_form(WALK_IN, {"full_name": "Khách Báo Chí", "unit": "Báo Đồng Khởi"},
                          page=SCANNER)
    assert ok.status_code == 302
    db.session.rollback()
    person = db.session.scalars(sa.select(Attendee)).one()
    assert person.unit_id is None and person.workplace == "Báo Đồng Khởi"


def test_check_in_staff_register_walk_ins_only_where_the_event_allows_it(
        app, client, login, users):
    staff = login(users["checkin"], app.test_client())
    assert "đăng ký tại cửa" not in staff.get(SCANNER).get_data(as_text=True)
    refused = staff.post_form(WALK_IN, {"full_name": "Người Lạ"}, page=SCANNER)
    assert refused.status_code == 403
    # Only an organizer changes the setting.
    assert staff.post_form("/checkin/doi-thoai-2020/checkin-settings",
                           {"staff_walk_ins": "y"}, page=SCANNER).status_code == 403

    login(users["organizer"])
    assert client.post_form("/checkin/doi-thoai-2020/checkin-settings",
                            {"staff_walk_ins": "y", "back": SCANNER},
                            page=SCANNER).status_code == 302
    assert "đăng ký tại cửa" in staff.get(SCANNER).get_data(as_text=True)
    admitted = staff.post_form(WALK_IN, {"full_name": "Người Lạ"}, page=SCANNER)
    assert admitted.status_code == 302
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_a_walk_in_never_goes_over_the_sessions_capacity(client, login, users, event,
                                                         make_attendee):
    session = event.session_by_key("so-ket")
    session.capacity = 2
    db.session.commit()
    make_attendee("Đã Đăng Ký Một", sessions=("so-ket",))
    login(users["organizer"])
    first = client.post_form(WALK_IN, {"full_name": "Vừa Đủ Chỗ"}, page=SCANNER)
    assert first.status_code == 302
    full = client.post_form(WALK_IN, {"full_name": "Hết Chỗ Rồi"}, page=SCANNER)
    assert full.status_code == 422
    assert "đã đủ chỗ: 2/2" in full.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 2
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
