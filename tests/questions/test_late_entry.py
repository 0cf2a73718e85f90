"""After a unit's deadline the organizer's page for that unit says what it may do: enter
the questions for the unit with a reason, which the audit log keeps and every page shows
beside each question; the unit itself, and an organizer without a reason, are refused."""

from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa
from openpyxl import load_workbook

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.questions.models import Question

from .conftest import BASE, DEADLINE, topic_id

UNIT_A = f"{BASE}unit/BATRI"
REASON = "Đơn vị gửi danh sách bằng văn bản ngày 03/02/2020"


def _questions() -> list[Question]:
    db.session.rollback()  # a fresh read: the requests committed in their own sessions
    return list(db.session.scalars(sa.select(Question).order_by(Question.id)))


def test_after_the_deadline_the_organizer_enters_questions_with_a_reason(
        client, login, login_as, users, event, set_now):
    set_now(DEADLINE + timedelta(hours=9))
    login(users["organizer"])
    page = client.get(UNIT_A).get_data(as_text=True)
    assert 'id="late-entry-note"' in page and 'id="closed-note"' not in page
    assert "Ban tổ chức vẫn nhập hộ được" in page and "ghi lý do" in page
    assert 'id="add-form"' in page and 'id="late-reason-one"' in page
    assert 'id="late-reason-paste"' in page and 'id="late-reason-excel"' in page

    data = {"topic": topic_id(event), "content": "Câu hỏi nhận bằng văn bản giấy"}
    refused = client.post_form(f"{UNIT_A}/add", data, page=UNIT_A)
    assert refused.status_code == 422
    assert "cần ghi lý do Ban tổ chức nhập hộ sau hạn" in refused.get_data(as_text=True)
    assert _questions() == []

    done = client.post_form(f"{UNIT_A}/add", {**data, "late_reason": REASON}, page=UNIT_A)
    assert done.status_code == 302
    pasted = client.post_form(f"{UNIT_A}/paste", {
        "topic": topic_id(event), "text": "Câu dán thứ nhất\nCâu dán thứ hai",
        "late_reason": "  Gọi điện báo ngày 04/02  "}, page=UNIT_A)
    assert pasted.status_code == 302
    questions = _questions()
    assert len(questions) == 3

    entries = db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.action == "question.late_entry").order_by(AuditEntry.id)).all()
    assert [(e.object_id, e.after["reason"], e.user_id) for e in entries] == [
        (str(questions[0].id), REASON, users["organizer"].id),
        (str(questions[1].id), "Gọi điện báo ngày 04/02", users["organizer"].id),
        (str(questions[2].id), "Gọi điện báo ngày 04/02", users["organizer"].id)]
    assert "sau hạn — lý do: " + REASON in entries[0].summary

    note = "Ban tổ chức nhập hộ sau hạn — lý do: "
    page = client.get(UNIT_A).get_data(as_text=True)
    assert page.count(note) == 3 and note + REASON in page
    assert note + REASON in client.get(f"{BASE}{questions[0].id}").get_data(as_text=True)

    client = login_as(users["unit_a"])  # the unit reads the same note, cannot send
    assert note + REASON in client.get(BASE).get_data(as_text=True)
    assert note + REASON in client.get(f"{BASE}{questions[0].id}").get_data(as_text=True)
    unit_page = client.get(BASE).get_data(as_text=True)
    assert 'id="closed-note"' in unit_page and 'id="add-form"' not in unit_page
    own = client.post_form(f"{UNIT_A}/add", {**data, "content": "Đơn vị gửi muộn",
                                              "late_reason": "Đơn vị tự ghi lý do"},
                           page=BASE)
    assert own.status_code == 403 and len(_questions()) == 3


def test_before_the_deadline_nothing_asks_for_a_reason(client, login, users, event, set_now):
    set_now(DEADLINE - timedelta(days=1))
    login(users["organizer"])
    page = client.get(UNIT_A).get_data(as_text=True)
    assert "late-reason" not in page and 'id="late-entry-note"' not in page
    assert client.post_form(f"{UNIT_A}/add", {"topic": topic_id(event),
                                              "content": "Câu hỏi đúng hạn"},
                            page=UNIT_A).status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "question.late_entry")) == 0
    assert "nhập hộ sau hạn" not in client.get(UNIT_A).get_data(as_text=True)


def test_an_excel_upload_after_the_deadline_needs_the_reason_too(
        client, login, users, event, set_now):
    set_now(DEADLINE + timedelta(days=2))
    login(users["organizer"])
    template = load_workbook(io.BytesIO(client.get(f"{BASE}template.xlsx").data))
    sheet = template.worksheets[0]
    sheet.delete_rows(2)  # the example row
    sheet.append(["Giáo dục khởi nghiệp cho học sinh", "Câu hỏi trong tệp gửi muộn", None, None])
    buffer = io.BytesIO()
    template.save(buffer)

    def upload(**extra):
        return client.post_form(f"{UNIT_A}/upload", {
            "file": (io.BytesIO(buffer.getvalue()), "cau-hoi.xlsx"), **extra}, page=UNIT_A,
            content_type="multipart/form-data")

    refused = upload()
    assert refused.status_code == 422
    assert "cần ghi lý do Ban tổ chức nhập hộ sau hạn" in refused.get_data(as_text=True)
    assert _questions() == []
    assert upload(late_reason="Tệp gửi qua thư điện tử ngày 04/02/2020").status_code == 302
    questions = _questions()
    assert [q.content for q in questions] == ["Câu hỏi trong tệp gửi muộn"]
    assert "sau hạn — lý do: Tệp gửi qua thư điện tử ngày 04/02/2020" in \
        client.get(f"{BASE}{questions[0].id}").get_data(as_text=True)
