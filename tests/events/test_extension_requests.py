"""Extension requests (đơn xin gia hạn): a unit asks from its page or the API, the organizer
grants in one click or refuses, the unit reads the answer; duplicates refused, audited."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.events.models import DeadlineExtension, ExtensionRequest, RequestStatus
from eventapp.extensions import db
from tests.conftest import run_concurrently

SLUG = "doi-thoai-2020"
OVERVIEW = f"/events/{SLUG}/"
EXTENSIONS = f"/events/{SLUG}/extensions"
API = f"/api/v1/events/{SLUG}/extension-requests"
#: A day after the question deadline (00:00 05/02/2020 in Vietnam).
AFTER_DEADLINE = datetime(2020, 2, 5, 3, 0, tzinfo=UTC)


def _ask(client, **values):
    data = {"deadline": "questions", "reason": "Đơn vị họp chi đoàn muộn.", "until": ""}
    data.update(values)
    return client.post_form(f"/events/{SLUG}/extension-requests", data, page=OVERVIEW)


def _question(client, headers, event):
    return client.post(f"/api/v1/events/{SLUG}/questions", headers=headers, json={
        "topic": event.topics[0].name, "content": "Xin tăng phụ cấp cho Tổng phụ trách Đội?"})


def _request_id() -> int:
    return db.session.scalar(sa.select(sa.func.max(ExtensionRequest.id)))


def test_request_granted_in_one_click_lets_the_unit_submit_late(
        app, client, users, login, event, set_now, token_for):
    set_now(AFTER_DEADLINE)
    unit_headers = token_for(users["unit_a"])
    assert _question(client, unit_headers, event).status_code == 403  # deadline passed
    login(users["unit_a"])
    page = client.get(OVERVIEW).get_data(as_text=True)
    assert "Xin gia hạn" in page and 'value="questions"' in page
    sent = _ask(client, until="2020-02-08")
    assert sent.status_code == 302
    page = client.get(OVERVIEW).get_data(as_text=True)
    assert "Đã gửi đơn xin gia hạn" in page and "Chờ Ban tổ chức trả lời" in page
    assert "xin đến hết ngày 08/02/2020" in page

    organizer = app.test_client()
    login(users["organizer"], organizer)
    listing = organizer.get(EXTENSIONS).get_data(as_text=True)
    assert "Đơn vị họp chi đoàn muộn." in listing
    # Through day 08/02 in Vietnam: the proposed deadline is 00:00 09/02, pre-filled.
    assert 'value="09/02/2020 00:00"' in listing
    request_id = _request_id()
    granted = organizer.post_form(f"/events/{SLUG}/extension-requests/{request_id}/grant",
                                  {"until": "2020-02-09T00:00"}, page=EXTENSIONS)
    assert granted.status_code == 302
    assert "Đã gia hạn cho Huyện đoàn Ba Tri" in organizer.get(EXTENSIONS).get_data(as_text=True)

    db.session.expire_all()
    ext = db.session.scalar(sa.select(DeadlineExtension))
    assert ext.deadline == datetime(2020, 2, 8, 17, 0, tzinfo=UTC)
    assert ext.unit_id == users["unit_a"].unit_id and "họp chi đoàn" in ext.reason
    row = db.session.get(ExtensionRequest, request_id)
    assert row.status == RequestStatus.granted and row.answered_by_id == users["organizer"].id
    page = client.get(OVERVIEW).get_data(as_text=True)
    assert "Đã được gia hạn" in page and "Hạn mới của đơn vị: 00:00 09/02/2020" in page
    assert _question(client, unit_headers, event).status_code == 201
    actions = set(db.session.scalars(sa.select(AuditEntry.action)))
    assert {"extension_request.create", "extension_request.granted",
            "extension.grant"} <= actions


def test_default_grant_is_the_deadline_plus_three_days(app, client, users, login, event,
                                                      set_now):
    set_now(datetime(2020, 2, 4, 3, 0, tzinfo=UTC))  # before the deadline: it is kept
    login(users["unit_a"])
    assert _ask(client).status_code == 302
    organizer = login(users["organizer"], app.test_client())
    assert 'value="08/02/2020 00:00"' in organizer.get(EXTENSIONS).get_data(as_text=True)


def test_refusal_with_a_note_is_shown_to_the_unit(app, client, users, login, event, set_now,
                                                   token_for):
    set_now(AFTER_DEADLINE)
    login(users["unit_a"])
    _ask(client)
    organizer = login(users["organizer"], app.test_client())
    refused = organizer.post_form(f"/events/{SLUG}/extension-requests/{_request_id()}/refuse",
                                  {"note": "Đã quá thời gian tổng hợp."}, page=EXTENSIONS)
    assert refused.status_code == 302
    page = client.get(OVERVIEW).get_data(as_text=True)
    assert "Không được gia hạn" in page and "Ban tổ chức ghi: Đã quá thời gian tổng hợp." in page
    assert db.session.scalar(sa.select(sa.func.count(DeadlineExtension.id))) == 0
    assert _question(client, token_for(users["unit_a"]), event).status_code == 403
    # Answered: a second click (another tab) changes nothing and says so.
    again = organizer.post_form(f"/events/{SLUG}/extension-requests/{_request_id()}/grant",
                                {"until": "2020-02-09T00:00"}, page=EXTENSIONS)
    assert again.status_code == 302
    assert "vừa được trả lời" in organizer.get(EXTENSIONS).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(DeadlineExtension.id))) == 0
    # Once answered, the unit may ask again.
    assert _ask(client, reason="Xin thêm lần nữa.").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count(ExtensionRequest.id))) == 2


def test_second_pending_request_for_the_same_deadline_is_refused(client, users, login, event,
                                                                 set_now, token_for):
    set_now(AFTER_DEADLINE)
    login(users["unit_a"])
    assert _ask(client).status_code == 302
    _ask(client, reason="Lần hai")
    page = client.get(OVERVIEW).get_data(as_text=True)
    assert "đang chờ Ban tổ chức trả lời" in page
    response = client.post(API, headers=token_for(users["unit_a"]),
                           json={"deadline": "questions", "reason": "Lần ba"})
    assert response.status_code == 409 and response.get_json()["error"] == "duplicate"
    # Another deadline is another request.
    other = client.post(API, headers=token_for(users["unit_a"]),
                        json={"deadline": "registration", "reason": "Chưa chọn được người."})
    assert other.status_code == 201
    assert db.session.scalar(sa.select(sa.func.count(ExtensionRequest.id))) == 2


def test_requests_sent_at_once_leave_one_pending(app, users, event, set_now, token_for):
    set_now(AFTER_DEADLINE)
    headers = token_for(users["unit_a"])

    def send(i):
        return app.test_client().post(API, headers=headers, json={
            "deadline": "questions", "reason": f"Lý do {i}"}).status_code

    codes = run_concurrently(send, 6)
    assert sorted(codes) == [201] + [409] * 5
    assert db.session.scalar(sa.select(sa.func.count(ExtensionRequest.id))) == 1


def test_api_shapes_and_bad_input(client, users, event, set_now, token_for):
    set_now(AFTER_DEADLINE)
    unit = token_for(users["unit_a"])
    created = client.post(API, headers=unit, json={
        "deadline": "questions", "reason": "  Họp muộn  ", "until": "2020-02-08"})
    assert created.status_code == 201
    body = created.get_json()
    assert {k: body[k] for k in ("unit", "deadline", "reason", "until", "status")} == {
        "unit": "BATRI", "deadline": "questions", "reason": "Họp muộn", "until": "2020-02-08",
        "status": "pending"}
    assert body["answered_at"] is None and body["granted_until"] is None
    for bad, field in (({"deadline": "khac", "reason": "x"}, "deadline"),
                       ({"deadline": "registration", "reason": "   "}, "reason"),
                       ({"deadline": "registration", "reason": "x", "until": "2020-02-01"},
                        "until"),
                       ({"deadline": "registration", "reason": "x", "until": "01/03/2020"},
                        "until")):
        refused = client.post(API, headers=unit, json=bad)
        assert refused.status_code == 422, bad
        assert field in refused.get_json()["fields"], refused.get_json()
    # A school does not file dossiers: the nominations deadline is not one it may ask about.
    school = client.post(API, headers=token_for(users["school"]),
                         json={"deadline": "nominations", "reason": "x"})
    assert school.status_code == 422 and "deadline" in school.get_json()["fields"]
    organizer = token_for(users["organizer"])
    assert client.post(API, headers=organizer, json={"deadline": "questions", "reason": "x"}
                       ).status_code == 403
    assert [r["unit"] for r in client.get(API, headers=organizer).get_json()["requests"]] == [
        "BATRI"]


def test_a_unit_sees_only_its_own_requests(app, client, users, login, event, set_now,
                                           token_for):
    set_now(AFTER_DEADLINE)
    assert client.post(API, headers=token_for(users["unit_a"]), json={
        "deadline": "questions", "reason": "Bí mật của Ba Tri"}).status_code == 201
    other = token_for(users["unit_b"])
    assert client.get(API, headers=other).get_json() == {"requests": []}
    login(users["unit_b"])
    assert "Bí mật của Ba Tri" not in client.get(OVERVIEW).get_data(as_text=True)
    # Unit B cannot answer it either (not its role) and learns nothing from the attempt.
    grant = client.post_form(f"/events/{SLUG}/extension-requests/{_request_id()}/grant",
                             {"until": "2020-02-09T00:00"}, page=OVERVIEW)
    assert grant.status_code == 403
    assert client.get(API, headers=token_for(users["checkin"])).status_code == 403


def test_the_unit_page_offers_only_deadlines_that_concern_it(client, users, login, event,
                                                             set_now):
    set_now(AFTER_DEADLINE)
    login(users["school"])
    page = client.get(OVERVIEW).get_data(as_text=True)
    form = re.search(r'<select[^>]*name="deadline".*?</select>', page, re.S).group(0)
    assert 'value="questions"' in form and 'value="registration"' in form
    assert 'value="nominations"' not in form


def test_the_organizers_are_told_of_a_request_once_and_not_of_a_refused_one(
        client, users, login, event, set_now):
    from eventapp.messages.models import Message

    set_now(AFTER_DEADLINE)
    login(users["unit_a"])
    assert _ask(client).status_code == 302
    _ask(client, reason="Lần hai")  # refused: one is pending
    told = db.session.scalars(sa.select(Message).where(
        Message.cause == "notice.extension_requested")).all()
    assert {(m.user_id, m.channel.value) for m in told} == {
        (users["organizer"].id, "inapp"), (users["organizer"].id, "email")}
    assert all("Ba Tri" in m.subject and "Gửi câu hỏi" in m.subject for m in told)
    assert "Đơn vị họp chi đoàn muộn." in told[0].body_text
