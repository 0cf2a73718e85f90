"""Attendance as offices record it, through the API: substitutes (cử người dự thay) and
excused absences (vắng có lý do), and what the door and the stats then answer."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.registration.models import Attendee, Substitution
from tests.registration.conftest import AFTER_DEADLINE, BEFORE_DEADLINE, VN

BASE = "/api/v1/events/doi-thoai-2020"
#: The morning session (doi-thoai) starts 2020-02-14 08:00 in Vietnam.
BEFORE_SESSION = datetime(2020, 2, 14, 7, 0, tzinfo=VN)
AFTER_START = datetime(2020, 2, 14, 8, 5, tzinfo=VN)


@pytest.fixture
def delegate(users, add, set_now):
    set_now(BEFORE_DEADLINE)
    person = add(users["unit_a"], "Nguyễn Văn Ấn", phone="0912345678",
                 sessions=["doi-thoai", "so-ket"])
    return person


def _scan(client, headers, code, session="doi-thoai"):
    return client.post(f"{BASE}/checkin", headers=headers,
                       json={"code": code, "session": session, "device": "Cửa 1"})


def test_a_unit_sends_a_substitute_after_the_deadline_and_the_old_code_names_them(
        client, users, token_for, delegate, set_now, app, login):
    from eventapp.registration.codes import attendee_code

    old_code = attendee_code(delegate)
    set_now(AFTER_DEADLINE)  # registration closed; the session has not started
    response = client.post(f"{BASE}/attendees/{delegate.id}/substitute",
                           headers=token_for(users["unit_a"]),
                           json={"full_name": "Trần Thị Thay", "position": "Phó Bí thư",
                                 "phone": "0987 654 321", "email": ""})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["replaces"] == delegate.id and body["code"] != old_code
    db.session.rollback()
    new = db.session.get(Attendee, body["id"])
    old = db.session.get(Attendee, delegate.id)
    assert old.status == "substituted"
    assert (new.unit_id, new.category_id, [s.key for s in new.sessions]) == \
        (old.unit_id, old.category_id, ["doi-thoai", "so-ket"])
    history = db.session.scalars(sa.select(Substitution)).one()
    assert (history.replaced_id, history.replacement_id, history.by_id) == \
        (old.id, new.id, users["unit_a"].id)
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "attendee.substitute")) == 1

    staff = token_for(users["checkin"])
    refused = _scan(client, staff, old_code)
    assert refused.status_code == 409
    assert refused.get_json()["result"] == "substituted"
    assert refused.get_json()["replacement"] == {"full_name": "Trần Thị Thay"}
    admitted = _scan(client, staff, body["code"])
    assert admitted.status_code == 200 and admitted.get_json()["result"] == "checked_in"
    assert admitted.get_json()["attendee"]["full_name"] == "Trần Thị Thay"

    # The door's name search and its offline table say "substituted", not "cancelled",
    # and the offline table names the substitute as the online answer does.
    door = login(users["checkin"], app.test_client())
    found = door.get("/checkin/doi-thoai-2020/scan/doi-thoai/search?q=Nguyễn").get_json()
    assert {r["full_name"]: r["status"] for r in found["results"]} == {
        "Nguyễn Văn Ấn": "substituted"}
    table = door.get("/checkin/doi-thoai-2020/scan/doi-thoai/codes.json").get_json()
    assert {e[2]: e[1:2] + e[8:] for e in table["entries"]} == {
        "Nguyễn Văn Ấn": [5, "Trần Thị Thay"], "Trần Thị Thay": [1]}


def test_a_substitute_takes_the_place_even_when_the_cap_is_full(
        client, users, token_for, add, set_now, limits):
    """No cap is re-checked: the place changes hands, the count does not move."""
    set_now(BEFORE_DEADLINE)
    limits(default_max=1)
    person = add(users["unit_a"], "Người Duy Nhất")
    with pytest.raises(Exception, match="đủ"):
        add(users["unit_a"], "Người Thứ Hai")
    response = client.post(f"{BASE}/attendees/{person.id}/substitute",
                           headers=token_for(users["unit_a"]), json={"full_name": "Người Thay"})
    assert response.status_code == 201, response.get_json()


def test_after_the_session_starts_only_the_organizer_may_substitute(
        client, users, token_for, delegate, set_now):
    set_now(AFTER_START)
    url = f"{BASE}/attendees/{delegate.id}/substitute"
    late = client.post(url, headers=token_for(users["unit_a"]), json={"full_name": "Muộn"})
    assert late.status_code == 403 and late.get_json()["error"] == "deadline_passed"
    other = client.post(url, headers=token_for(users["unit_b"]), json={"full_name": "Lạ"})
    assert other.status_code == 404
    by_organizer = client.post(url, headers=token_for(users["organizer"]),
                               json={"full_name": "Ban Tổ Chức Cử"})
    assert by_organizer.status_code == 201
    again = client.post(url, headers=token_for(users["organizer"]), json={"full_name": "Lần Hai"})
    assert again.status_code == 409


def test_a_substitute_needs_a_name_and_a_delegate_not_yet_arrived(
        client, users, token_for, delegate, set_now):
    from eventapp.registration.codes import attendee_code

    set_now(BEFORE_SESSION)
    url = f"{BASE}/attendees/{delegate.id}/substitute"
    headers = token_for(users["unit_a"])
    blank = client.post(url, headers=headers, json={"full_name": "  "})
    assert blank.status_code == 422
    bad_phone = client.post(url, headers=headers, json={"full_name": "A B", "phone": "abc"})
    assert bad_phone.status_code == 422 and "phone" in bad_phone.get_json()["fields"]
    assert _scan(client, token_for(users["checkin"]), attendee_code(delegate)).status_code == 200
    arrived = client.post(url, headers=headers, json={"full_name": "Quá Muộn"})
    assert arrived.status_code == 409 and arrived.get_json()["error"] == "already_checked_in"
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Attendee.id))) == 1


def test_excused_absence_is_counted_in_the_stats(client, users, token_for, delegate, add,
                                                 set_now):
    set_now(BEFORE_DEADLINE)
    add(users["unit_a"], "Người Thứ Hai")
    set_now(BEFORE_SESSION)
    url = f"{BASE}/attendees/{delegate.id}/attendance"
    headers = token_for(users["unit_a"])
    no_reason = client.put(url, headers=headers, json={"session": "doi-thoai",
                                                       "status": "excused"})
    assert no_reason.status_code == 422 and "reason" in no_reason.get_json()["fields"]
    ok = client.put(url, headers=headers, json={"session": "doi-thoai", "status": "excused",
                                                "reason": "Ốm, có giấy nghỉ"})
    assert ok.status_code == 200, ok.get_json()
    assert ok.get_json() == {"id": delegate.id, "session": "doi-thoai", "status": "excused",
                             "reason": "Ốm, có giấy nghỉ"}
    stats = client.get(f"{BASE}/checkin/stats?session=doi-thoai",
                       headers=token_for(users["organizer"])).get_json()
    assert (stats["expected"], stats["excused"], stats["checked_in"]) == (2, 1, 0)
    batri = next(u for u in stats["units"] if u["unit"] == "BATRI")
    # Before the session: the one not excused has not come yet, is not absent.
    assert (batri["expected"], batri["excused"], batri["not_yet_arrived"],
            batri["absent"]) == (2, 1, 1, 0)
    # The afternoon is not touched.
    afternoon = client.get(f"{BASE}/checkin/stats?session=so-ket",
                           headers=token_for(users["organizer"])).get_json()
    assert afternoon["excused"] == 0

    back = client.put(url, headers=headers, json={"session": "doi-thoai", "status": "expected"})
    assert back.status_code == 200
    stats = client.get(f"{BASE}/checkin/stats?session=doi-thoai",
                       headers=token_for(users["organizer"])).get_json()
    assert stats["excused"] == 0


def test_excuses_close_for_the_unit_when_the_session_starts(client, users, token_for,
                                                            delegate, set_now):
    set_now(AFTER_START)
    url = f"{BASE}/attendees/{delegate.id}/attendance"
    body = {"session": "doi-thoai", "status": "excused", "reason": "Bận công tác"}
    late = client.put(url, headers=token_for(users["unit_a"]), json=body)
    assert late.status_code == 403 and late.get_json()["error"] == "deadline_passed"
    # The afternoon session has not started yet: still the unit's to record.
    afternoon = client.put(url, headers=token_for(users["unit_a"]),
                           json=dict(body, session="so-ket"))
    assert afternoon.status_code == 200
    assert client.put(url, headers=token_for(users["unit_b"]), json=body).status_code == 404
    assert client.put(url, headers=token_for(users["organizer"]), json=body).status_code == 200
    unknown = client.put(url, headers=token_for(users["organizer"]),
                         json=dict(body, session="khong-co"))
    assert unknown.status_code == 422
