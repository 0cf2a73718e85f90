"""The in-app inbox: the bell's unread count, the list, reading a message, and the API."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.messages import outbox
from eventapp.messages.inbox import PER_PAGE
from eventapp.messages.models import Channel, Message, MessageStatus

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
BELL = re.compile(r'id="inbox-unread">(\d+)<')


def send(user, subject: str, **kwargs) -> Message:
    with unit_of_work():
        return outbox.enqueue([outbox.for_user(user)], subject=subject,
                              body=f"Nội dung: {subject}", cause="manual",
                              channels=[Channel.inapp], **kwargs)[0]


def bell(client) -> int:
    found = BELL.search(client.get("/inbox/").get_data(as_text=True))
    return int(found.group(1)) if found else 0


def inbox_of(users, set_now):
    """Unit A's inbox: three messages a minute apart, and some that must not show."""
    set_now(T0)
    first = send(users["unit_a"], "Gia hạn nộp câu hỏi đến 10/03/2026")
    set_now(T0 + timedelta(minutes=1))
    second = send(users["unit_a"], "Hồ sơ bị trả lại: thiếu bản khai")
    set_now(T0 + timedelta(minutes=2))
    third = send(users["unit_a"], "Nhắc nộp danh sách đại biểu")
    send(users["unit_a"], "Chờ duyệt", approval=True)
    send(users["unit_a"], "Hẹn giờ", not_before=T0 + timedelta(hours=1))
    cancelled = send(users["unit_a"], "Đã hủy")
    with unit_of_work():
        db.session.execute(sa.update(Message).where(Message.id == cancelled.id)
                           .values(status=MessageStatus.cancelled))
    send(users["unit_b"], "Của đơn vị khác")
    with unit_of_work():  # the same message by e-mail is not an inbox message
        outbox.enqueue([outbox.for_user(users["unit_a"])], subject="Thư điện tử", body="x",
                       cause="manual", channels=[Channel.email])
    return first, second, third


def test_the_api_lists_only_the_callers_own_inbox_newest_first_and_marks_read(
        app, users, token_for, set_now):
    first, second, third = inbox_of(users, set_now)
    client, headers = app.test_client(), token_for(users["unit_a"])
    listed = client.get("/api/v1/inbox", headers=headers)
    assert listed.status_code == 200
    assert [(m["id"], m["subject"], m["read"]) for m in listed.get_json()["messages"]] == [
        (third.id, third.subject, False), (second.id, second.subject, False),
        (first.id, first.subject, False)]
    assert listed.get_json()["messages"][0]["body"] == "Nội dung: Nhắc nộp danh sách đại biểu"

    read = client.post(f"/api/v1/inbox/{second.id}/read", headers=headers)
    assert read.status_code == 200 and read.get_json() == {"id": second.id, "read": True}
    assert client.post(f"/api/v1/inbox/{second.id}/read", headers=headers).status_code == 200
    db.session.expire_all()
    assert db.session.get(Message, second.id).read_at == T0 + timedelta(minutes=2)
    assert [m["read"] for m in client.get("/api/v1/inbox", headers=headers)
            .get_json()["messages"]] == [False, True, False]

    # Someone else's message, of any role: 404, and its receipt untouched.
    for other in ("unit_b", "organizer"):
        refused = client.post(f"/api/v1/inbox/{first.id}/read", headers=token_for(users[other]))
        assert refused.status_code == 404 and refused.get_json()["error"] == "not_found"
    assert [m["subject"] for m in client.get("/api/v1/inbox", headers=token_for(
        users["unit_b"])).get_json()["messages"]] == ["Của đơn vị khác"]
    db.session.expire_all()
    assert db.session.get(Message, first.id).read_at is None


def test_the_bell_counts_unread_and_opening_a_message_reads_it(app, users, login, set_now):
    first, second, third = inbox_of(users, set_now)
    client = login(users["unit_a"])
    page = client.get("/inbox/").get_data(as_text=True)
    assert bell(client) == 3
    subjects = re.findall(r'href="/inbox/(\d+)"', page)
    assert subjects == [str(third.id), str(second.id), str(first.id)]  # newest first
    assert page.count(' unread"') == 3 and "Chờ duyệt" not in page and "Hẹn giờ" not in page

    opened = client.get(f"/inbox/{second.id}")
    assert opened.status_code == 200
    text = opened.get_data(as_text=True)
    assert "Hồ sơ bị trả lại: thiếu bản khai" in text and "Nội dung: Hồ sơ bị trả lại" in text
    assert bell(client) == 2
    client.get(f"/inbox/{second.id}")  # reading again changes nothing
    assert bell(client) == 2

    # A message held back for an hour reaches the inbox (and the bell) then.
    set_now(T0 + timedelta(hours=1))
    assert bell(client) == 3
    other = login(users["unit_b"], app.test_client())
    assert other.get(f"/inbox/{first.id}").status_code == 404
    assert bell(other) == 1


def test_the_inbox_pages_newest_first(app, users, login, set_now):
    set_now(T0)
    for n in range(PER_PAGE + 3):
        set_now(T0 + timedelta(minutes=n))
        send(users["unit_a"], f"Thông báo số {n}")
    client = login(users["unit_a"])
    first = client.get("/inbox/").get_data(as_text=True)
    second = client.get("/inbox/?page=2").get_data(as_text=True)
    assert f"Thông báo số {PER_PAGE + 2}<" in first and "Thông báo số 0<" not in first
    assert "Thông báo số 0<" in second and second.count("list-group-item-action") == 3
    assert client.get("/inbox/?page=abc").status_code == 200


def test_no_bell_for_anonymous_visitors(client):
    assert "inbox-bell" not in client.get("/login").get_data(as_text=True)
