"""Session capacity that units cannot grab (issue #12 item 5): organizer-only categories,
the default per-unit limit per session, seats reserved for the organizer's guests — through
the API, the pages, the Excel import and the event definition, and under concurrency."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from eventapp.errors import Invalid
from eventapp.events.services import import_event
from eventapp.extensions import db
from eventapp.registration import rules, settings
from eventapp.registration.models import Attendee, attendee_session
from tests.conftest import demo_definition, run_concurrently
from tests.registration.helpers import upload, workbook

pytestmark = pytest.mark.usefixtures("open_registration")
URL = "/api/v1/events/doi-thoai-2020/attendees"
BASE = "/events/doi-thoai-2020/registration"


def person(i, category="tpt-doi", sessions=("doi-thoai",), **fields):
    return {"full_name": f"Đại biểu số {i}", "category": category, "sessions": list(sessions),
            "phone": f"0913{i:06d}", **fields}


def count(**where) -> int:
    db.session.rollback()
    stmt = sa.select(sa.func.count(Attendee.id)).where(Attendee.status == "active")
    for name, value in where.items():
        stmt = stmt.where(getattr(Attendee, name) == value)
    return db.session.scalar(stmt)


# --- The definition --------------------------------------------------------------------------

def test_the_demo_definition_marks_leaders_organizer_only_and_reserves_seats(event):
    closed = {c.key for c in event.categories if c.id in settings.organizer_only(event)}
    assert closed == {"lanh-dao"}
    reserved = {s.key: settings.reserved(event).get(s.id) for s in event.sessions}
    assert reserved == {"doi-thoai": 40, "so-ket": 10}
    assert settings.default_max_per_unit(event) == 10


def test_a_reimport_changes_the_limits_and_a_bad_one_changes_nothing(event):
    data = demo_definition()
    data["registration"]["default_max_per_unit"] = 3
    data["registration"]["categories"][0]["organizer_only"] = False
    data["registration"]["categories"][3]["organizer_only"] = True  # vinh-danh
    data["sessions"][1]["reserved"] = 0
    import_event(data)
    db.session.commit()
    assert settings.default_max_per_unit(event) == 3
    assert {c.key for c in event.categories
            if c.id in settings.organizer_only(event)} == {"vinh-danh"}
    assert {s.key: n for s in event.sessions
            if (n := settings.reserved(event).get(s.id))} == {"doi-thoai": 40}

    for session_change, field, message in [
            ({"reserved": 151}, "sessions.1.reserved", "không được vượt sức chứa"),
            ({"reserved": 5, "capacity": None}, "sessions.1.reserved", "có sức chứa"),
            ({"reserved": -1}, "sessions.1.reserved", "Phải từ 0")]:
        bad = demo_definition()
        bad["sessions"][1].update(session_change)
        with pytest.raises(Invalid) as caught:
            import_event(bad)
        assert message in caught.value.fields[field]
    bad = demo_definition()
    bad["registration"]["default_max_per_unit"] = "mười"
    with pytest.raises(Invalid) as caught:
        import_event(bad)
    assert "registration.default_max_per_unit" in caught.value.fields
    db.session.rollback()
    assert settings.default_max_per_unit(event) == 3  # unchanged


def test_no_default_limit_when_the_definition_says_null(client, users, token_for, limits):
    limits(default_max=None, reserved={"doi-thoai": 0})
    headers = token_for(users["unit_a"])
    statuses = [client.post(URL, json=person(i), headers=headers).status_code
                for i in range(12)]
    assert statuses == [201] * 12


# --- Organizer-only categories ------------------------------------------------------------------

def test_a_unit_cannot_choose_an_organizer_only_category(client, users, token_for, login):
    refused = client.post(URL, json=person(1, "lanh-dao"), headers=token_for(users["unit_a"]))
    assert refused.status_code == 422
    assert refused.json["fields"]["category"] == (
        "Thành phần 'Lãnh đạo, khách mời' do Ban tổ chức đăng ký (lãnh đạo, khách mời); "
        "đơn vị không chọn thành phần này.")
    assert count() == 0

    login(users["unit_a"])
    form = client.get(f"{BASE}/new").get_data(as_text=True)
    assert 'value="tpt-doi"' in form and 'value="lanh-dao"' not in form
    page = client.post_form(f"{BASE}/new", person(2, "lanh-dao"), page=f"{BASE}/new")
    assert page.status_code == 200
    assert "do Ban tổ chức đăng ký" in page.get_data(as_text=True)
    assert count() == 0


def test_the_organizer_registers_guests_and_unit_leaders_in_it(client, users, token_for):
    headers = token_for(users["organizer"])
    guest = client.post(URL, json=person(1, "lanh-dao"), headers=headers)
    leader = client.post(URL, json=person(2, "lanh-dao", unit="BATRI"), headers=headers)
    assert guest.status_code == 201 and leader.status_code == 201
    assert guest.json["unit"] is None and leader.json["unit"] == "BATRI"


def test_a_unit_may_still_edit_a_delegate_the_organizer_put_in_it(client, users, token_for,
                                                                   login):
    created = client.post(URL, json=person(1, "lanh-dao", unit="BATRI"),
                          headers=token_for(users["organizer"])).json
    login(users["unit_a"])
    edit = f"{BASE}/{created['id']}/edit"
    assert 'value="lanh-dao"' in client.get(edit).get_data(as_text=True)
    saved = client.post_form(edit, person(1, "lanh-dao", position="Phó Bí thư"), page=edit)
    assert saved.status_code == 302
    db.session.rollback()
    assert db.session.get(Attendee, created["id"]).position == "Phó Bí thư"




def test_the_import_refuses_organizer_only_rows_for_a_unit_not_for_the_organizer(
        app, client, users, login):
    login(users["unit_a"])
    rows = [["Người một", "", "", "Giáo viên Tổng phụ trách Đội", "1", "", ""],
            ["Người hai", "", "", "Lãnh đạo, khách mời", "1", "", ""]]
    html = upload(client, workbook(rows)).get_data(as_text=True)
    assert "Thành phần: Thành phần &#39;Lãnh đạo, khách mời&#39; do Ban tổ chức đăng ký" in html
    assert count() == 0
    template = client.get(f"{BASE}/template.xlsx")
    assert template.status_code == 200

    organizer = login(users["organizer"], app.test_client())
    assert upload(organizer, workbook(rows), unit="").status_code == 302
    assert count(unit_id=None) == 2


# --- The default per-unit limit -----------------------------------------------------------------

def test_ten_per_unit_and_session_across_the_categories_without_a_cap(client, users,
                                                                     token_for):
    headers = token_for(users["unit_a"])
    for i in range(10):
        category = ["tpt-doi", "tro-ly-thanh-nien", "hoi-dong-doi"][i % 3]
        assert client.post(URL, json=person(i, category), headers=headers).status_code == 201
    refused = client.post(URL, json=person(10, "vinh-danh"), headers=headers)
    assert refused.status_code == 409
    assert refused.json["error"] == "cap_reached"
    assert refused.json["limit"] == 10 and refused.json["registered"] == 10
    assert refused.json["session"] == "doi-thoai"
    assert "Đơn vị đã đăng ký đủ 10 đại biểu ở Phiên 1" in refused.json["message"]
    assert "không có chỉ tiêu riêng" in refused.json["message"]
    # The limit is per session, per unit, and a cap replaces it where one applies.
    assert client.post(URL, json=person(11, sessions=["so-ket"]),
                       headers=headers).status_code == 201
    assert client.post(URL, json=person(12, "clb-tpt", sessions=["so-ket"]),
                       headers=headers).status_code == 201
    assert client.post(URL, json=person(13), headers=token_for(users["unit_b"])
                       ).status_code == 201
    # Both sessions at once: refused whole, nothing saved.
    both = client.post(URL, json=person(14, sessions=["so-ket", "doi-thoai"]), headers=headers)
    assert both.status_code == 409 and both.json["session"] == "doi-thoai"
    assert count(unit_id=users["unit_a"].unit_id) == 12


def test_the_unit_sees_what_is_left_to_it(client, users, add, login):
    for i in range(3):
        add(users["unit_a"], f"Người {i}", phone=f"09140000{i:02d}")
    db.session.commit()
    login(users["unit_a"])
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Phiên 1 — các thành phần khác" in html
    assert "3/10 chỗ đã đăng ký" in html and 'data-left="7"' in html
    # 500 seats, 40 kept for guests, 3 taken by units: 457 left to units.
    assert 'data-units-left="457"' in html
    assert "Còn 457 chỗ cho các đơn vị (40 chỗ Ban tổ chức giữ cho khách mời)." in html
    assert "Giữ 40 chỗ" not in html
    form = client.get(f"{BASE}/new").get_data(as_text=True)
    assert "3/10 chỗ đã đăng ký · còn 7" in form


# --- Seats reserved for the organizer's guests --------------------------------------------------

def test_units_cannot_take_the_reserved_seats(client, users, event, token_for, login, limits):
    event.session_by_key("so-ket").capacity = 5
    db.session.commit()
    limits(reserved={"so-ket": 2})
    units = [token_for(users[k]) for k in ("unit_a", "unit_b", "school")]
    organizer = token_for(users["organizer"])
    for i in range(3):
        created = client.post(URL, json=person(i, sessions=["so-ket"]), headers=units[i])
        assert created.status_code == 201
    refused = client.post(URL, json=person(3, sessions=["so-ket"]), headers=units[0])
    assert refused.status_code == 409 and refused.json["error"] == "capacity_reached"
    assert refused.json["reserved"] == 2 and refused.json["limit"] == 3
    assert "đã hết chỗ dành cho các đơn vị: 3/3 chỗ đã đăng ký; 2 chỗ còn lại Ban tổ chức " \
           "giữ cho khách mời." in refused.json["message"]
    # The organizer's guests, and a unit's leader in an organizer-only category, take them.
    assert client.post(URL, json=person(4, "lanh-dao", sessions=["so-ket"]),
                       headers=organizer).status_code == 201
    assert client.post(URL, json=person(5, "lanh-dao", sessions=["so-ket"], unit="BATRI"),
                       headers=organizer).status_code == 201
    full = client.post(URL, json=person(6, "lanh-dao", sessions=["so-ket"]), headers=organizer)
    assert full.status_code == 409 and full.json["error"] == "capacity_reached"
    assert "reserved" not in full.json  # the hall itself is full

    login(users["organizer"])
    html = client.get(f"{BASE}/").get_data(as_text=True)
    assert ("Giữ 2 chỗ cho khách mời của Ban tổ chức (khách mời đã đăng ký: 2); các đơn vị "
            "đã đăng ký 3/3 chỗ dành cho đơn vị.") in html


def test_guests_beyond_the_reservation_leave_units_what_the_hall_has(users, add, event,
                                                                     limits):
    event.session_by_key("so-ket").capacity = 6
    db.session.commit()
    limits(reserved={"so-ket": 2})
    for i in range(4):
        add(users["organizer"], f"Khách {i}", category="lanh-dao", sessions=["so-ket"])
    add(users["unit_a"], "Một", sessions=["so-ket"])
    add(users["unit_b"], "Hai", sessions=["so-ket"])
    with pytest.raises(Exception) as caught:
        add(users["school"], "Ba", sessions=["so-ket"])
    assert caught.value.code == "capacity_reached"
    assert "đã đủ chỗ: 6/6" in caught.value.message


@pytest.mark.concurrency
def test_reserved_seats_hold_when_units_register_at_once(app, event, users, make_user,
                                                         token_for, limits):
    event.session_by_key("so-ket").capacity = 10
    db.session.commit()
    limits(reserved={"so-ket": 4})
    accounts = [users["unit_a"], users["unit_b"], users["school"],
                make_user("chauthanh@test.vn", "unit", "CHAUTHANH")]
    headers = [token_for(user) for user in accounts]
    organizer = token_for(users["organizer"])
    db.session.commit()

    def register(i):
        if i % 4 == 3:  # the organizer's guests, at the same time
            response = app.test_client().post(
                URL, json=person(i, "lanh-dao", sessions=["so-ket"]), headers=organizer)
        else:
            response = app.test_client().post(
                URL, json=person(i, sessions=["so-ket", "doi-thoai"]),
                headers=headers[i % len(headers)])
        return i % 4 == 3, response.status_code

    results = Counter(run_concurrently(register, 24))
    units, guests = results[(False, 201)], results[(True, 201)]
    # Units never take the 4 kept seats; the hall (10) is always filled, never overfilled.
    assert units <= 6 and units + guests == 10, results
    assert results[(False, 409)] == 18 - units and results[(True, 409)] == 6 - guests
    session_id = event.session_by_key("so-ket").id
    db.session.rollback()
    taken = db.session.execute(
        sa.select(Attendee.unit_id.is_(None), sa.func.count())
        .join(attendee_session, attendee_session.c.attendee_id == Attendee.id)
        .where(attendee_session.c.session_id == session_id, Attendee.status == "active")
        .group_by(Attendee.unit_id.is_(None))).all()
    assert dict(taken) == {False: units, True: guests}


# --- The pure rules -------------------------------------------------------------------------------

def test_rules_keys_and_counts():
    limits = {rules.capacity_key(1): 10, rules.cap_key(1, 7): 2, rules.default_key(1): 3,
              rules.units_key(1): 8}
    assert rules.keys_for([1], 7, limits) == [("capacity", 1), ("cap", 1, 7), ("units", 1)]
    assert rules.keys_for([1], 5, limits) == [("capacity", 1), ("default", 1), ("units", 1)]
    assert rules.keys_for([1], 5, limits, {5}) == [("capacity", 1)]
    assert rules.unit_used({(1, 7): 2, (1, 5): 1, (1, 6): 2, (1, 9): 4}, limits, {9}) == {
        ("cap", 1, 7): 2, ("default", 1): 3}
    assert rules.unit_maxima({1: 10, 2: None, 3: 5}, {1: 4, 2: 3}, 10) == {
        ("default", 1): 10, ("units", 1): 6, ("default", 2): 10, ("default", 3): 10}
    assert rules.unit_maxima({1: 10}, {1: 4}, None) == {("units", 1): 6}


@given(capacity=st.integers(1, 12), reserved=st.integers(0, 12), default_max=st.integers(0, 6),
       rows=st.lists(st.sampled_from([1, 2, 3]), max_size=30))
def test_accepted_unit_rows_never_pass_a_limit(capacity, reserved, default_max, rows):
    """Rows of one unit in session 1 (category 1 capped at 2, 2 uncapped, 3 organizer-only):
    what ``over_limits`` accepts, counted back the way the
    database counts it (``unit_used``), stays within every limit."""
    reserved = min(reserved, capacity)
    limits = {rules.capacity_key(1): capacity, rules.cap_key(1, 1): 2,
              **rules.unit_maxima({1: capacity}, {1: reserved}, default_max)}
    closed = {3}
    needs = [rules.keys_for([1], category, limits, closed) for category in rows]
    refused = rules.over_limits(limits, {}, needs)
    accepted = Counter(category for i, category in enumerate(rows) if i not in refused)
    counted = rules.unit_used({(1, c): n for c, n in accepted.items()}, limits, closed)
    assert counted.get(rules.cap_key(1, 1), 0) <= 2
    assert counted.get(rules.default_key(1), 0) <= default_max
    assert accepted[1] + accepted[2] <= capacity - reserved
    assert sum(accepted.values()) <= capacity


def test_a_new_event_defined_with_no_default_limit_keeps_none(app):
    """An explicit null on a new event is stored as "no limit", not replaced by 10."""
    from eventapp.events.services import import_event
    from eventapp.extensions import db
    from eventapp.registration import settings
    from tests.conftest import demo_definition

    definition = demo_definition()
    definition["slug"] = "khong-gioi-han"
    definition["registration"]["default_max_per_unit"] = None
    event = import_event(definition)
    db.session.commit()
    db.session.expire_all()
    assert settings.default_max_per_unit(event) is None
