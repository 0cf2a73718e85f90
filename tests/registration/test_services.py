"""Registration services against a real database: caps, capacity, duplicates, deadlines,
guests, cancelling and re-issuing codes, the audit trail."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.errors import Conflict, DeadlinePassed, Forbidden, Invalid, NotFound
from eventapp.events.services import grant_extension
from eventapp.extensions import db
from eventapp.registration import codes, services
from eventapp.registration.models import Attendee
from eventapp.units.models import Unit
from tests.registration.conftest import AFTER_DEADLINE, NO_RESERVATION, VN

pytestmark = pytest.mark.usefixtures("open_registration")


def clb(add, user, name, **fields):
    return add(user, name, category="clb-tpt", sessions=["so-ket"], **fields)


def test_register_gives_an_unguessable_code(add, users, event):
    attendee = add(users["unit_a"], "  Nguyễn   Văn  An ", phone="0912 345 678",
                   position="Giáo viên Tổng phụ trách Đội", email="An@Example.com")
    assert attendee.full_name == "Nguyễn Văn An"
    assert attendee.name_key == "nguyen van an"
    assert attendee.email == "an@example.com"
    assert attendee.unit.code == "BATRI" and attendee.created_by_id == users["unit_a"].id
    code = codes.attendee_code(attendee)
    nonce, _, mac = code.partition(".")
    assert len(nonce) == len(mac) == 26 and str(attendee.id) not in code
    assert codes.parse_code(codes.code_key(), event.id, code) == attendee.code_nonce
    other = add(users["unit_a"], "Trần Thị Bình")
    assert codes.attendee_code(other) != code


def test_cap_of_five_per_district(add, users):
    for i in range(5):
        clb(add, users["unit_a"], f"Thành viên {i}")
    with pytest.raises(Conflict) as caught:
        clb(add, users["unit_a"], "Người thứ sáu")
    assert caught.value.code == "cap_reached"
    assert "5/5 chỗ đã đăng ký" in caught.value.message
    assert caught.value.extra == {"session": "so-ket", "category": "clb-tpt", "limit": 5,
                                  "registered": 5}
    # Another district has its own five; a high school has no such cap.
    clb(add, users["unit_b"], "Người của Bình Đại")
    for i in range(7):
        clb(add, users["school"], f"Học sinh {i}")
    # The cap counts only that session and category.
    add(users["unit_a"], "Giáo viên TPT", category="tpt-doi", sessions=["doi-thoai"])
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 5 + 1 + 7 + 1


def test_cancelling_frees_a_place(add, users):
    people = [clb(add, users["unit_a"], f"Thành viên {i}") for i in range(5)]
    services.cancel(people[0], users["unit_a"])
    clb(add, users["unit_a"], "Người thay thế")


def test_session_capacity_counts_every_unit_and_guests(add, users, event, limits):
    limits(reserved=NO_RESERVATION)
    session = event.session_by_key("so-ket")
    session.capacity = 3
    db.session.commit()
    add(users["unit_a"], "A", category="tpt-doi", sessions=["so-ket"])
    add(users["unit_b"], "B", category="tpt-doi", sessions=["so-ket"])
    add(users["organizer"], "Khách", category="lanh-dao", sessions=["so-ket"])
    with pytest.raises(Conflict) as caught:
        add(users["school"], "D", category="tpt-doi", sessions=["doi-thoai", "so-ket"])
    assert caught.value.code == "capacity_reached"
    assert "3/3 chỗ đã đăng ký" in caught.value.message
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 3


def test_duplicate_within_a_unit_names_the_existing_entry(add, users):
    first = add(users["unit_a"], "Nguyễn Văn An", phone="0912 345 678")
    with pytest.raises(Conflict) as caught:
        add(users["unit_a"], "nguyen van an", phone="+84 912.345.678")
    assert caught.value.code == "duplicate"
    assert "Nguyễn Văn An" in caught.value.message and "0912 345 678" in caught.value.message
    assert caught.value.extra["existing"]["id"] == first.id
    # Same name, other phone: another person. Same person in another unit: allowed.
    add(users["unit_a"], "Nguyễn Văn An", phone="0987 000 111")
    add(users["unit_b"], "Nguyễn Văn An", phone="0912 345 678")
    # A cancelled entry does not block registering the person again.
    services.cancel(first, users["unit_a"])
    add(users["unit_a"], "Nguyễn Văn An", phone="0912345678")


def test_invalid_input_lists_every_field(add, users):
    with pytest.raises(Invalid) as caught:
        add(users["unit_a"], "  ", category="khong-co", sessions=["phien-9"], phone="12ab",
            email="not-an-email")
    assert set(caught.value.fields) == {"full_name", "category", "sessions", "phone", "email"}
    with pytest.raises(Invalid) as caught:
        add(users["unit_a"], "Người không phiên", sessions=[])
    assert caught.value.fields == {"sessions": "Chọn ít nhất một phiên tham dự."}
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 0


def test_sessions_and_categories_by_number_or_name(add, users):
    attendee = add(users["unit_a"], "Lê Văn Cường", category="Giáo viên Tổng phụ trách Đội",
                   sessions="Phiên 2, 1")
    assert [s.key for s in attendee.sessions] == ["doi-thoai", "so-ket"]
    assert attendee.category.key == "tpt-doi"


def test_deadline_for_units_not_for_organizers(add, users, set_now, event):
    attendee = add(users["unit_a"], "Trước hạn")
    set_now(AFTER_DEADLINE)
    with pytest.raises(DeadlinePassed):
        add(users["unit_a"], "Sau hạn")
    with pytest.raises(DeadlinePassed):
        services.cancel(attendee, users["unit_a"])
    with pytest.raises(DeadlinePassed):
        services.update(attendee, users["unit_a"], {"full_name": "Đổi tên", "category": "tpt-doi",
                                                    "sessions": ["doi-thoai"]})
    assert attendee.is_active
    add(users["organizer"], "Ban tổ chức thêm", unit="BATRI")
    services.cancel(attendee, users["organizer"])
    assert not attendee.is_active
    # An extension reopens registration for that unit only.
    grant_extension(event, db.session.get(Unit, users["unit_a"].unit_id), "registration",
                    datetime(2020, 2, 12, tzinfo=VN), "Bổ sung đại biểu", users["organizer"])
    add(users["unit_a"], "Sau hạn, có gia hạn")
    with pytest.raises(DeadlinePassed):
        add(users["unit_b"], "Đơn vị khác vẫn hết hạn")


def test_guests_and_units_chosen_by_organizers_only(add, users):
    guest = add(users["organizer"], "Lãnh đạo tỉnh", category="lanh-dao")
    assert guest.unit_id is None and guest.unit_name == "Khách mời"
    placed = add(users["organizer"], "Đại biểu Bình Đại", unit="binhdai", seat="B-12")
    assert placed.unit.code == "BINHDAI" and placed.seat == "B-12"
    with pytest.raises(Invalid) as caught:
        add(users["organizer"], "Đơn vị lạ", unit="KHONGCO")
    assert "unit" in caught.value.fields
    with pytest.raises(Forbidden):
        add(users["unit_a"], "Cho đơn vị khác", unit="BINHDAI")
    own = add(users["unit_a"], "Chỗ ngồi bị bỏ qua", unit="BATRI", seat="VIP")
    assert own.seat == ""  # units cannot assign seats
    with pytest.raises(Forbidden):
        add(users["checkin"], "Tổ đón tiếp")


def test_update_checks_caps_and_duplicates_excluding_itself(add, users):
    people = [clb(add, users["unit_a"], f"Thành viên {i}", phone=f"090000000{i}")
              for i in range(5)]
    other = add(users["unit_a"], "Giáo viên khác", category="tpt-doi", sessions=["doi-thoai"])
    edited = services.update(people[0], users["unit_a"], {
        "full_name": "Thành viên 0 (sửa)", "category": "clb-tpt", "sessions": ["so-ket"],
        "phone": "0900000000", "position": "Chủ nhiệm CLB"})
    assert edited.position == "Chủ nhiệm CLB"
    with pytest.raises(Conflict) as caught:
        services.update(other, users["unit_a"], {"full_name": other.full_name,
                                                 "category": "clb-tpt", "sessions": ["so-ket"]})
    assert caught.value.code == "cap_reached"
    with pytest.raises(Conflict) as caught:
        services.update(other, users["unit_a"], {"full_name": "Thành viên 1",
                                                 "phone": "0900000001", "category": "tpt-doi",
                                                 "sessions": ["doi-thoai"]})
    assert caught.value.code == "duplicate"
    db.session.refresh(other)
    assert other.category.key == "tpt-doi" and other.full_name == "Giáo viên khác"
    with pytest.raises(NotFound):  # another unit's delegate is not found, as an unknown id
        services.update(other, users["unit_b"], {"full_name": "X", "category": "tpt-doi",
                                                 "sessions": ["doi-thoai"]})


def test_reissue_replaces_the_code(add, users, event):
    attendee = add(users["unit_a"], "Phạm Thị Dung")
    old_code, old_nonce = codes.attendee_code(attendee), attendee.code_nonce
    with pytest.raises(Forbidden):
        services.reissue_code(attendee, users["unit_a"])
    new_code = services.reissue_code(attendee, users["organizer"])
    assert new_code != old_code and attendee.code_nonce != old_nonce
    # The old code still carries a valid signature but no attendee has its nonce any more.
    assert codes.parse_code(codes.code_key(), event.id, old_code) == old_nonce
    assert db.session.scalar(sa.select(Attendee).where(Attendee.code_nonce == old_nonce)) is None
    services.cancel(attendee, users["organizer"])
    with pytest.raises(Conflict):
        services.reissue_code(attendee, users["organizer"])


def test_every_change_is_audited(add, users):
    attendee = add(users["unit_a"], "Võ Văn Em")
    services.update(attendee, users["unit_a"], {"full_name": "Võ Văn Em", "phone": "0911222333",
                                                "category": "tpt-doi", "sessions": ["doi-thoai"]})
    services.reissue_code(attendee, users["organizer"])
    services.cancel(attendee, users["unit_a"])
    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.object_type == "Attendee").order_by(AuditEntry.id)).all()
    assert [e.action for e in entries] == ["attendee.register", "attendee.update",
                                           "attendee.reissue_code", "attendee.cancel"]
    assert entries[1].before == {"phone": ""} and entries[1].after == {"phone": "0911222333"}
    assert entries[2].user_id == users["organizer"].id
    assert all(attendee.code_nonce not in str(e.after) for e in entries)
