"""Optional approval of delegate registrations (issue #17 item 6): with the event's switch on,
a unit's delegates wait (chờ duyệt) and hold their places; the organizer approves or rejects
many at once; codes, invitations and check-in only after approval; the unit reads why it was
refused, edits and sends it again, or cancels it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from eventapp.checkin import services as checkin
from eventapp.checkin.rules import Outcome
from eventapp.database import unit_of_work
from eventapp.errors import Conflict, Invalid
from eventapp.extensions import db
from eventapp.messages.models import Message
from eventapp.registration import approval, codes, services, settings
from eventapp.registration.models import Attendee
from tests.registration.conftest import NO_RESERVATION

pytestmark = pytest.mark.usefixtures("open_registration")
SLUG = "doi-thoai-2020"
BASE = f"/events/{SLUG}/registration"
API = f"/api/v1/events/{SLUG}"


@pytest.fixture
def approval_on(event):
    settings.store_approval(event, True)
    db.session.commit()


def clb(add, user, name, **fields):
    return add(user, name, category="clb-tpt", sessions=["so-ket"], **fields)


def decide(event, ids, user, reason=None):
    with unit_of_work():
        if reason is None:
            return approval.approve(event, ids, user)
        return approval.reject(event, ids, reason, user)


def notices(kind: str) -> list[Message]:
    return db.session.scalars(sa.select(Message).where(
        Message.cause == f"notice.{kind}").order_by(Message.id)).all()


def test_without_the_switch_units_register_as_before(add, users):
    assert add(users["unit_a"], "Nguyễn Văn An").status == "active"


@pytest.mark.usefixtures("approval_on")
def test_a_units_delegate_waits_and_holds_its_place_an_organizers_guest_does_not(
        add, users, client, token_for):
    waiting = [clb(add, users["unit_a"], f"Thành viên {i}") for i in range(5)]
    assert {a.status for a in waiting} == {"pending"}
    # Waiting ones count against the cap of five: no over-registering while undecided.
    with pytest.raises(Conflict) as caught:
        clb(add, users["unit_a"], "Người thứ sáu")
    assert caught.value.code == "cap_reached"
    # The same person again is a duplicate even while waiting.
    with pytest.raises(Conflict) as caught:
        add(users["unit_a"], "Thành viên 0", category="clb-tpt", sessions=["so-ket"])
    assert caught.value.code == "duplicate"
    guest = add(users["organizer"], "Khách mời", category="lanh-dao", unit=None)
    assert guest.status == "active"
    # The API shows the status and no code; a unit token's registration waits too.
    body = client.get(f"{API}/attendees?status=pending",
                      headers=token_for(users["organizer"])).json
    assert body["total"] == 5 and {i["code"] for i in body["items"]} == {None}
    made = client.post(f"{API}/attendees", headers=token_for(users["unit_b"]), json={
        "full_name": "Lê Văn Ba", "category": "tpt-doi", "sessions": ["doi-thoai"]})
    assert made.status_code == 201
    assert made.json["status"] == "pending" and made.json["code"] is None


@pytest.mark.usefixtures("approval_on")
def test_approving_in_bulk_makes_the_codes_and_tells_the_unit_once(add, users, event):
    a, b = add(users["unit_a"], "Nguyễn Văn An"), add(users["unit_a"], "Trần Thị Bình")
    c = add(users["unit_b"], "Lê Văn Cường")
    before = {x.id: codes.attendee_code(x) for x in (a, b, c)}
    decided = decide(event, [a.id, b.id, c.id], users["organizer"])
    assert [x.id for x in decided.done] == [a.id, b.id, c.id] and decided.skipped == 0
    for person in (a, b, c):
        db.session.refresh(person)
        assert person.status == "active"
        # The code is made at approval: nothing handed out before it can work.
        assert codes.attendee_code(person) != before[person.id]
    sent = notices("attendees_approved")
    assert {m.unit_id for m in sent} >= {a.unit_id, c.unit_id}
    batri = [m for m in sent if m.unit_id == a.unit_id and m.user_id == users["unit_a"].id]
    assert len(batri) == 2  # in the app and by mail: one notice for both names
    assert "Nguyễn Văn An" in batri[0].body_text and "Trần Thị Bình" in batri[0].body_text
    # Approving them again changes nothing and is no error.
    again = decide(event, [a.id, b.id], users["organizer"])
    assert again.done == [] and again.skipped == 2


@pytest.mark.usefixtures("approval_on")
def test_rejecting_needs_a_reason_frees_the_place_and_the_unit_may_send_it_again(
        add, users, event, app, login):
    people = [clb(add, users["unit_a"], f"Thành viên {i}") for i in range(5)]
    with pytest.raises(Invalid) as caught:
        decide(event, [people[0].id], users["organizer"], reason="  ")
    assert "lý do" in caught.value.fields["reason"]
    decide(event, [people[0].id], users["organizer"], reason="Không phải thành viên CLB")
    db.session.refresh(people[0])
    assert people[0].status == "rejected"
    assert people[0].rejection_reason == "Không phải thành viên CLB"
    assert "Không phải thành viên CLB" in notices("attendees_rejected")[0].body_text
    # A refused registration holds no place: another member fits under the cap...
    sixth = clb(add, users["unit_a"], "Thành viên thay")
    # ...so the refused one, edited, no longer fits until a place is freed.
    with pytest.raises(Conflict), unit_of_work():
        services.update(people[0], users["unit_a"], {
            "full_name": "Thành viên 0", "category": "clb-tpt", "sessions": ["so-ket"]})
    with unit_of_work():
        services.cancel(sixth, users["unit_a"])
    with unit_of_work():
        services.update(people[0], users["unit_a"], {
            "full_name": "Thành viên số 0", "category": "clb-tpt", "sessions": ["so-ket"]})
    db.session.refresh(people[0])
    assert people[0].status == "pending" and people[0].rejection_reason == ""
    decide(event, [people[1].id], users["organizer"], reason="Trùng người")
    with unit_of_work():
        services.cancel(db.session.get(Attendee, people[1].id), users["unit_a"])
    assert db.session.get(Attendee, people[1].id).status == "cancelled"
    db.session.commit()
    # The audit log tells it in words: refused with its reason, sent again.
    log = login(users["organizer"], app.test_client()).get("/audit/").get_data(as_text=True)
    assert "đã từ chối đăng ký đại biểu" in log and "Không phải thành viên CLB" in log
    assert "đã gửi lại đăng ký đại biểu để duyệt" in log
    shown = re.sub(r"<[^>]+>", " ", log)  # what a reader sees (codes stay in option values)
    assert "attendee." not in shown and "rejected" not in shown and "pending" not in shown


@pytest.mark.usefixtures("approval_on")
def test_check_in_refuses_a_registration_not_approved(add, users, event, client, token_for,
                                                        app, login):
    waiting = add(users["unit_a"], "Nguyễn Văn Chờ")
    refused = add(users["unit_a"], "Trần Thị Từ Chối")
    decide(event, [refused.id], users["organizer"], reason="Sai đối tượng")
    session = event.session_by_key("doi-thoai")
    staff = token_for(users["checkin"])
    for person in (waiting, db.session.get(Attendee, refused.id)):
        answer = client.post(f"{API}/checkin", headers=staff, json={
            "code": codes.attendee_code(person), "session": "doi-thoai"})
        assert answer.status_code == 409 and answer.json["result"] == "not_approved"
        assert "chưa được Ban tổ chức duyệt" in answer.json["message"]
        found = checkin.check_in_attendee(event, session, person.id, staff=users["checkin"])
        assert found.outcome == Outcome.not_approved
        db.session.rollback()
    # The door's name search and its offline table say "not approved", not "cancelled".
    door = login(users["checkin"], app.test_client())
    found = door.get("/checkin/doi-thoai-2020/scan/doi-thoai/search?q=Chờ").get_json()
    assert {r["full_name"]: r["status"] for r in found["results"]} == {
        "Nguyễn Văn Chờ": "not_approved", "Trần Thị Từ Chối": "not_approved"}
    table = door.get("/checkin/doi-thoai-2020/scan/doi-thoai/codes.json").get_json()
    assert {e[2]: e[1] for e in table["entries"]} == {"Nguyễn Văn Chờ": 4,
                                                        "Trần Thị Từ Chối": 4}
    old = codes.attendee_code(waiting)
    decide(event, [waiting.id], users["organizer"])
    db.session.refresh(waiting)
    assert client.post(f"{API}/checkin", headers=staff, json={
        "code": old, "session": "doi-thoai"}).json["result"] == "unknown_code"
    assert client.post(f"{API}/checkin", headers=staff, json={
        "code": codes.attendee_code(waiting), "session": "doi-thoai"}).json["result"] == \
        "checked_in"


@pytest.mark.usefixtures("approval_on")
def test_no_invitation_or_badge_before_approval(add, users, event, client, login):
    waiting = add(users["unit_a"], "Nguyễn Văn Chờ")
    login(users["organizer"])
    answer = client.get(f"{BASE}/{waiting.id}/invitation")
    assert answer.status_code == 409
    assert "chưa được Ban tổ chức duyệt" in answer.get_data(as_text=True)
    assert client.get(f"{BASE}/{waiting.id}/badge").status_code == 409
    # A print-out of the whole list leaves the waiting one out.
    printed = client.get(f"{BASE}/invitations?unit=BATRI").get_data(as_text=True)
    assert "Nguyễn Văn Chờ" not in printed
    assert client.get(f"{BASE}/badges?status=pending").status_code == 302


def test_the_switch_cannot_go_off_while_registrations_wait(add, users, event, approval_on):
    waiting = add(users["unit_a"], "Nguyễn Văn Chờ")
    with pytest.raises(Invalid) as caught:
        settings.store_approval(event, False)
    assert "1 đăng ký đại biểu chờ duyệt" in caught.value.fields["approval_required"]
    db.session.rollback()
    decide(event, [waiting.id], users["organizer"])
    settings.store_approval(event, False)
    db.session.commit()
    assert add(users["unit_a"], "Người mới").status == "active"


@pytest.mark.usefixtures("approval_on")
def test_the_event_form_switch_refuses_with_a_message(add, users, client, login):
    add(users["unit_a"], "Nguyễn Văn Chờ")
    login(users["organizer"])
    form = client.get(f"/events/{SLUG}/edit").get_data(as_text=True)
    assert "Ban tổ chức duyệt đăng ký đại biểu" in form and 'name="approval_required"' in form


@pytest.mark.usefixtures("approval_on")
def test_bulk_form_approves_the_ticked_rows_and_needs_its_token(add, users, event, client,
                                                                 login, limits):
    limits(reserved=NO_RESERVATION)
    a, b = add(users["unit_a"], "Nguyễn Văn An"), add(users["unit_a"], "Trần Thị Bình")
    c = add(users["unit_b"], "Lê Văn Cường")
    login(users["organizer"])
    listed = client.get(f"{BASE}/?status=pending").get_data(as_text=True)
    assert "3 đăng ký chờ duyệt" in listed and 'id="review"' in listed
    # Without the CSRF token nothing happens.
    assert client.post(f"{BASE}/review", data={"attendee": [a.id], "decision": "approve"}
                       ).status_code == 400
    assert db.session.get(Attendee, a.id).status == "pending"
    done = client.post_form(f"{BASE}/review", {"attendee": [a.id, b.id],
                                               "decision": "approve"}, page=f"{BASE}/",
                            follow_redirects=True).get_data(as_text=True)
    assert "Đã duyệt 2 đại biểu" in done
    refused = client.post_form(f"{BASE}/review", {"attendee": [c.id], "decision": "reject",
                                                  "reason": "Đơn vị đã đủ người"},
                               page=f"{BASE}/", follow_redirects=True).get_data(as_text=True)
    assert "Đã từ chối 1 đăng ký" in refused
    db.session.expire_all()
    assert [db.session.get(Attendee, x.id).status for x in (a, b, c)] == \
        ["active", "active", "rejected"]
    again = client.post_form(f"{BASE}/review", {"attendee": [a.id], "decision": "approve"},
                             page=f"{BASE}/", follow_redirects=True).get_data(as_text=True)
    assert "1 đăng ký không còn chờ duyệt" in again


@pytest.mark.usefixtures("approval_on")
def test_the_unit_sees_why_and_cannot_approve(add, users, event, client, login):
    refused = add(users["unit_a"], "Nguyễn Văn An")
    add(users["unit_a"], "Trần Thị Bình")
    decide(event, [refused.id], users["organizer"], reason="Không đúng đối tượng")
    login(users["unit_a"])
    page = client.get(f"{BASE}/").get_data(as_text=True)
    assert "Bị từ chối:</strong> Không đúng đối tượng" in page
    assert "Chờ duyệt" in page and 'id="review"' not in page
    edit = client.get(f"{BASE}/{refused.id}/edit").get_data(as_text=True)
    assert "Không đúng đối tượng" in edit and "Lưu và gửi lại để duyệt" in edit
    assert client.post_form(f"{BASE}/review", {"attendee": [refused.id],
                                               "decision": "approve"},
                            page=f"{BASE}/").status_code == 403
    home = client.get(f"/events/{SLUG}/").get_data(as_text=True)
    assert "1 chờ Ban tổ chức duyệt" in home
