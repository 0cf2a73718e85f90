"""The organizer's messages pages: a rule's preview before saving, the default rules, a
notice, the outbox with its filters, delivery log, resend, approval and cancel, the units
that have not read a notice, and the Excel export read back with openpyxl."""

from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.audit.models import AuditEntry
from eventapp.database import unit_of_work
from eventapp.events.services import get_event
from eventapp.extensions import db
from eventapp.messages import reminders
from eventapp.messages.models import (
    AttemptOutcome,
    Channel,
    Message,
    MessageAttempt,
    MessageStatus,
    ReminderRule,
)

VN = timezone(timedelta(hours=7))
BASE = "/events/doi-thoai-2020"
RULE_FORM = {"deadline": "questions", "offset_days": "-3", "audience": "below_question_minimum",
             "subject": "Nhắc {don_vi}", "body": "Còn thiếu {con_thieu} câu; hạn {han_chot}."}


def test_the_preview_shows_who_would_receive_the_rule_now_and_saves_nothing(
        client, users, login, set_now):
    login(users["organizer"])
    set_now(datetime(2020, 2, 3, tzinfo=VN))
    response = client.post_form(f"{BASE}/reminders", {**RULE_FORM, "preview": "1"},
                                page=f"{BASE}/reminders")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "lúc này nhóm có 17 đơn vị, 3 đơn vị có người nhận" in html
    assert "Còn thiếu 15 câu; hạn 05/02/2020 00:00." in html
    assert 'data-unit="BATRI"' in html and "batri@test.vn" in html
    assert "Chưa có tài khoản hay người liên hệ có email" in html  # units nobody can reach
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ReminderRule)) == 0
    saved = client.post_form(f"{BASE}/reminders", RULE_FORM, page=f"{BASE}/reminders")
    assert saved.status_code == 302
    assert ReminderRule.query.one().subject == "Nhắc {don_vi}"


def test_an_unknown_placeholder_is_shown_under_the_field(client, users, login):
    login(users["organizer"])
    response = client.post_form(f"{BASE}/reminders", {**RULE_FORM, "body": "Thiếu {so_cau}"},
                                page=f"{BASE}/reminders")
    assert response.status_code == 422
    assert "Biến {so_cau} không tồn tại" in response.get_data(as_text=True)
    assert ReminderRule.query.count() == 0


def test_one_click_adds_the_default_rules(client, users, login):
    login(users["organizer"])
    page = client.get(f"{BASE}/reminders").get_data(as_text=True)
    assert "Thêm các nhắc việc mặc định" in page
    client.post_form(f"{BASE}/reminders/defaults", page=f"{BASE}/reminders")
    assert ReminderRule.query.count() == 6
    page = client.get(f"{BASE}/reminders").get_data(as_text=True)
    assert "3 ngày trước hạn chót gửi câu hỏi" in page
    rule = ReminderRule.query.first()
    client.post_form(f"{BASE}/reminders/{rule.id}/toggle", page=f"{BASE}/reminders")
    assert db.session.get(ReminderRule, rule.id).active is False


def test_a_notice_from_the_form(client, users, login):
    login(users["organizer"])
    response = client.post_form(f"{BASE}/messages/new", {
        "audience": "all_units", "subject": "Thông báo", "body": "Kính gửi {don_vi}",
        "channels": ["inapp"]}, page=f"{BASE}/messages/new")
    assert response.status_code == 302
    assert {(m.channel, m.body_text) for m in Message.query} == {
        (Channel.inapp, "Kính gửi Huyện đoàn Ba Tri"),
        (Channel.inapp, "Kính gửi Huyện đoàn Bình Đại"),
        (Channel.inapp, "Kính gửi Đoàn trường THPT Nguyễn Đình Chiểu")}


def _approved_rule_messages(users) -> ReminderRule:
    with unit_of_work():
        rule = reminders.create_rule(get_event("doi-thoai-2020"),
                                     {**RULE_FORM, "offset_days": -3, "approval": True},
                                     users["organizer"])
        reminders.evaluate_due(datetime(2020, 2, 5, tzinfo=VN))
    return rule


def test_approve_cancel_resend_and_the_delivery_log(client, users, login):
    rule = _approved_rule_messages(users)
    login(users["organizer"])
    page = client.get(f"{BASE}/messages?rule={rule.id}").get_data(as_text=True)
    assert page.count("Duyệt</button>") == 6
    first, second, *rest = Message.query.order_by(Message.id).all()
    client.post_form(f"{BASE}/messages/{first.id}/approve", page=f"{BASE}/messages")
    client.post_form(f"{BASE}/messages/{second.id}/cancel", page=f"{BASE}/messages")
    again = client.post_form(f"{BASE}/messages/{second.id}/approve", page=f"{BASE}/messages",
                             follow_redirects=True)
    assert "Chỉ duyệt được thư đang chờ duyệt." in again.get_data(as_text=True)
    client.post_form(f"{BASE}/messages/approve-all?rule={rule.id}", page=f"{BASE}/messages")
    db.session.expire_all()
    statuses = [m.status for m in Message.query.order_by(Message.id)]
    assert statuses == [MessageStatus.queued, MessageStatus.cancelled] + [MessageStatus.queued] * 4
    # A failed message goes back to the queue; its attempts and log are kept.
    failed = db.session.get(Message, rest[0].id)
    failed.status, failed.attempts, failed.last_error = MessageStatus.failed, 3, "550 hộp thư đầy"
    db.session.add(MessageAttempt(message_id=failed.id, outcome=AttemptOutcome.failed,
                                  detail="550 hộp thư đầy", worker="w1"))
    db.session.commit()
    page = client.get(f"{BASE}/messages?status=failed").get_data(as_text=True)
    assert "550 hộp thư đầy" in page and "Nhật ký" in page and "Gửi lại</button>" in page
    assert "— Không gửi được: 550 hộp thư đầy" in page  # the outcome by its name, not "failed"
    client.post_form(f"{BASE}/messages/resend-failed", page=f"{BASE}/messages")
    db.session.expire_all()
    failed = db.session.get(Message, rest[0].id)
    assert (failed.status, failed.attempts, len(failed.attempts_log)) == (
        MessageStatus.queued, 3, 1)


def test_units_that_have_not_read_a_notice(client, users, login, token_for):
    headers = token_for(users["organizer"])
    client.post("/api/v1/events/doi-thoai-2020/messages", headers=headers, json={
        "audience": "all_units", "subject": "Đọc nhé", "body": "B", "channels": ["inapp"]})
    for m in Message.query:  # delivered; Ba Tri reads it
        m.status = MessageStatus.sent
        if m.user_id == users["unit_a"].id:
            m.read_at = datetime(2020, 2, 1, tzinfo=VN)
    db.session.commit()
    ref = Message.query.first().cause_ref
    login(users["organizer"])
    page = client.get(f"{BASE}/messages?ref={ref}").get_data(as_text=True)
    assert "Đơn vị chưa đọc thông báo này trong ứng dụng (2)" in page
    assert 'data-unread="BINHDAI"' in page and 'data-unread="BATRI"' not in page


def test_the_export_is_read_back_formula_safe(client, users, login, token_for):
    client.post("/api/v1/events/doi-thoai-2020/messages", headers=token_for(users["organizer"]),
                json={"audience": {"units": ["BATRI"]}, "subject": "=HYPERLINK(\"x\")",
                      "body": "Dòng 1\nDòng 2", "channels": ["email"]})
    login(users["organizer"])
    response = client.get(f"{BASE}/messages/export.xlsx?unit=BATRI")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:8] == ("STT", "Mã thư", "Đơn vị", "Người nhận", "Địa chỉ", "Kênh",
                           "Trạng thái", "Tiêu đề")
    assert rows[1][2:9] == ("Huyện đoàn Ba Tri", "batri", "batri@test.vn", "Thư điện tử",
                            "Chờ gửi", '=HYPERLINK("x")', "Dòng 1\nDòng 2")
    assert sheet.cell(row=2, column=8).data_type == "s"  # text, never a formula
    empty = client.get(f"{BASE}/messages/export.xlsx?unit=BINHDAI")
    assert len(list(load_workbook(io.BytesIO(empty.data)).active.iter_rows())) == 1


def test_a_rule_that_wrote_messages_is_paused_not_deleted(client, users, login):
    rule = _approved_rule_messages(users)
    unused = reminders.create_rule(get_event("doi-thoai-2020"),
                                   {**RULE_FORM, "offset_days": -1, "approval": False},
                                   users["organizer"])
    db.session.commit()
    login(users["organizer"])
    refused = client.post_form(f"{BASE}/reminders/{rule.id}/delete", page=f"{BASE}/reminders",
                               follow_redirects=True)
    assert "đã tạo thư nên không xóa được; hãy tạm dừng nó." in refused.get_data(as_text=True)
    client.post_form(f"{BASE}/reminders/{unused.id}/delete", page=f"{BASE}/reminders")
    assert [r.id for r in ReminderRule.query] == [rule.id]
    assert [e.action for e in AuditEntry.query.order_by(AuditEntry.id)
            if e.action.startswith("reminder.")] == ["reminder.create", "reminder.create",
                                                     "reminder.delete"]
