"""The messages API: notices (202 with the number queued), the outbox list, reminder rules;
422 for an unknown placeholder, audience or unit code, and then nothing is written."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.messages.models import (
    AttemptOutcome,
    Message,
    MessageAttempt,
    MessageStatus,
    ReminderRule,
)

NOTICE = "/api/v1/events/doi-thoai-2020/messages"
RULES = "/api/v1/events/doi-thoai-2020/reminders"


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_notice_to_an_audience_is_queued_for_each_recipient(client, users, token_for):
    response = client.post(NOTICE, headers=token_for(users["organizer"]), json={
        "audience": "below_question_minimum", "subject": "Nhắc {don_vi}",
        "body": "Còn thiếu {con_thieu} câu, hạn {han_chot}.", "channels": ["inapp", "email"]})
    assert response.status_code == 202, response.get_json()
    assert response.get_json() == {"queued": 6}
    bodies = {m.body_text for m in Message.query}
    assert "Còn thiếu 15 câu, hạn 05/02/2020 00:00." in bodies
    assert {m.cause for m in Message.query} == {"manual"}
    assert len({m.cause_ref for m in Message.query}) == 1  # one notice, followed as one


def test_a_notice_to_units_by_code_and_one_channel(client, users, token_for):
    response = client.post(NOTICE, headers=token_for(users["organizer"]), json={
        "audience": {"units": ["BATRI", "binhdai"]}, "subject": "Họp trực tuyến",
        "body": "Kính gửi {don_vi}", "channels": ["inapp"]})
    assert response.status_code == 202 and response.get_json() == {"queued": 2}
    assert sorted(m.body_text for m in Message.query) == ["Kính gửi Huyện đoàn Ba Tri",
                                                           "Kính gửi Huyện đoàn Bình Đại"]


@pytest.mark.parametrize("change, field", [
    ({"body": "Thiếu {so_cau}"}, "body"),
    ({"audience": "units_late"}, "audience"),
    ({"audience": {"units": ["BATRI", "KHONGCO"]}}, "audience"),
    ({"audience": {"units": []}}, "audience"),
    ({"audience": 5}, "audience"),
    ({"audience": {"units": ["BATRI"]}, "body": "{da_gui}"}, "body"),
    ({"channels": ["zalo"]}, "channels.0"),
    ({"channels": []}, "channels"),
    ({"subject": "  "}, "subject"),
])
def test_a_bad_notice_is_refused_with_422_and_writes_nothing(client, users, token_for, change,
                                                             field):
    payload = {"audience": "all_units", "subject": "S", "body": "B", "channels": ["email"]}
    response = client.post(NOTICE, headers=token_for(users["organizer"]),
                           json={**payload, **change})
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "invalid" and field in body["fields"], body
    assert count(Message) == 0


def test_a_reminder_rule_is_created_with_201(client, users, token_for):
    response = client.post(RULES, headers=token_for(users["organizer"]), json={
        "deadline": "questions", "offset_days": -3, "audience": "below_question_minimum",
        "subject": "Nhắc", "body": "Còn thiếu {con_thieu}", "approval": True})
    assert response.status_code == 201, response.get_json()
    rule = db.session.get(ReminderRule, response.get_json()["id"])
    assert (rule.deadline, rule.offset_days, rule.approval, rule.created_by_id) == (
        "questions", -3, True, users["organizer"].id)


@pytest.mark.parametrize("change, field", [
    ({"body": "{khong_co}"}, "body"), ({"audience": "ai"}, "audience"),
    ({"deadline": "hop"}, "deadline"), ({"offset_days": "ba"}, "offset_days"),
    ({"offset_days": -1000}, "offset_days")])
def test_a_bad_rule_is_refused_with_422(client, users, token_for, change, field):
    payload = {"deadline": "questions", "offset_days": -1, "audience": "all_units",
               "subject": "S", "body": "B"}
    response = client.post(RULES, headers=token_for(users["organizer"]),
                           json={**payload, **change})
    assert response.status_code == 422 and field in response.get_json()["fields"]
    assert count(ReminderRule) == 0


def test_the_outbox_list_has_the_contract_shape(client, users, token_for):
    headers = token_for(users["organizer"])
    client.post(NOTICE, headers=headers, json={"audience": {"units": ["BATRI"]},
                                               "subject": "S", "body": "B"})
    failed = db.session.scalars(sa.select(Message).where(Message.address.is_not(None))).one()
    failed.status, failed.attempts, failed.last_error = MessageStatus.failed, 1, "550 no user"
    db.session.add(MessageAttempt(message_id=failed.id, outcome=AttemptOutcome.failed,
                                  detail="550"))
    db.session.commit()
    listed = client.get("/api/v1/messages?event=doi-thoai-2020", headers=headers).get_json()
    assert listed == {"messages": [
        {"id": failed.id, "unit": "BATRI", "to": "batri@test.vn", "channel": "email",
         "status": "failed", "attempts": 1, "error": "550 no user"},
        {"id": failed.id - 1, "unit": "BATRI", "to": "batri@test.vn", "channel": "inapp",
         "status": "queued", "attempts": 0, "error": None}],
        "total": 2, "page": 1, "pages": 1}
    only = client.get("/api/v1/messages?event=doi-thoai-2020&status=queued", headers=headers)
    assert [m["channel"] for m in only.get_json()["messages"]] == ["inapp"]
    assert client.get("/api/v1/messages?status=later", headers=headers).status_code == 422
    assert client.get("/api/v1/messages?page=0", headers=headers).status_code == 422
    assert client.get("/api/v1/messages?event=khong-co", headers=headers).status_code == 404


def test_units_may_not_send_notices_or_read_the_outbox(client, users, token_for):
    headers = token_for(users["unit_a"])
    assert client.post(NOTICE, headers=headers, json={
        "audience": "all_units", "subject": "S", "body": "B"}).status_code == 403
    assert client.get("/api/v1/messages", headers=headers).status_code == 403
    assert count(Message) == 0


def test_the_outbox_list_comes_in_pages_newest_first(client, users, token_for, monkeypatch):
    from eventapp.messages import api

    monkeypatch.setattr(api, "API_PAGE", 3)
    headers = token_for(users["organizer"])
    for n in range(4):  # two messages each (in-app and e-mail): 8
        client.post(NOTICE, headers=headers, json={"audience": {"units": ["BATRI"]},
                                                   "subject": f"S{n}", "body": "B"})
    ids = list(db.session.scalars(sa.select(Message.id).order_by(Message.id.desc())))
    pages = [client.get(f"/api/v1/messages?page={n}", headers=headers).get_json()
             for n in (1, 2, 3, 4)]
    assert [[m["id"] for m in p["messages"]] for p in pages] == \
        [ids[0:3], ids[3:6], ids[6:8], []]
    assert {(p["total"], p["pages"]) for p in pages} == {(8, 3)}
