"""Fixtures of the security sweeps."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest


@pytest.fixture
def users(users, make_user):
    """The common accounts, and ``parent``: an account of Đoàn xã An Đức (XA-ANDUC), the
    parent (đơn vị cấp trên) of unit A, not itself taking part in the event — it acts for
    unit A wherever unit A may (``units.access.acts_for``)."""
    from eventapp.extensions import db
    from eventapp.units.models import Unit

    parent = Unit(code="XA-ANDUC", name="Đoàn xã An Đức", kind="other")
    db.session.add(parent)
    db.session.flush()
    users["unit_a"].unit.parent_id = parent.id
    db.session.commit()
    return {**users, "parent": make_user("anduc@test.vn", "unit", "XA-ANDUC")}


@pytest.fixture
def owned(app, users, login, token_for, set_now):
    """Objects of unit A (BATRI): a question, a sent nomination with a file, an attendee with
    a check-in, a deadline extension and a pending extension request. Returns the URL
    parameters that address them."""
    from eventapp.events.services import get_event, grant_extension

    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))
    event = get_event("doi-thoai-2020")
    headers = token_for(users["unit_a"])
    client = app.test_client()
    question = client.post("/api/v1/events/doi-thoai-2020/questions", headers=headers, json={
        "topic": event.topics[0].name, "content": "Đề xuất giảm tiết dạy cho TPT Đội?"})
    assert question.status_code == 201, question.get_json()
    attendee = client.post("/api/v1/events/doi-thoai-2020/attendees", headers=headers, json={
        "full_name": "Nguyễn Văn Ấn", "position": "Giáo viên", "category": "tpt-doi",
        "sessions": ["doi-thoai"], "phone": "0912345678", "email": ""})
    assert attendee.status_code == 201, attendee.get_json()
    checkin = client.post("/api/v1/events/doi-thoai-2020/checkin",
                          headers=token_for(users["checkin"]),
                          json={"code": attendee.get_json()["code"], "session": "doi-thoai"})
    assert checkin.get_json()["result"] == "checked_in"

    from tests.nominations.helpers import PDF, dossier_form

    login(users["unit_a"], client)
    base = "/events/doi-thoai-2020/nominations"
    created = client.post_form(f"{base}/new", dossier_form(), page=f"{base}/new")
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    nomination_id = int(re.search(r"/nominations/(\d+)", created.headers["Location"]).group(1))
    uploaded = client.post_form(f"{base}/{nomination_id}/files",
                                {"file": (io.BytesIO(PDF), "bao-cao.pdf"),
                                 "kinds": ["bao_cao_thanh_tich"]},
                                page=f"{base}/{nomination_id}", content_type="multipart/form-data")
    assert uploaded.status_code in (200, 302)
    # Sent, so that organizers see it (a draft stays private to its unit: 404 to them).
    sent = client.post_form(f"{base}/{nomination_id}/submit", page=f"{base}/{nomination_id}")
    assert sent.status_code == 302

    from eventapp.accounts.models import ApiToken
    from eventapp.checkin.models import CheckIn
    from eventapp.extensions import db
    from eventapp.nominations.models import NominationFile
    from eventapp.registration import invitations
    from eventapp.registration.models import Attendee

    ext = grant_extension(event, users["unit_a"].unit, "questions",
                          datetime(2020, 2, 8, tzinfo=UTC), "Lý do", users["organizer"])
    from eventapp.events.requests import ask

    extension_request = ask(event, users["unit_a"].unit, "registration", "Lý do", None,
                            users["unit_a"])
    from eventapp.venue import tls

    # The venue's local CA, as `flask serve` makes it: its certificate is a public download.
    tls.ensure_certificates(tls.tls_folder(app.instance_path), ["localhost"])

    # Check-in staff may register walk-ins here, so that the route admits them as declared.
    from eventapp.checkin.walkins import set_staff_walk_ins

    set_staff_walk_ins(event, True, users["organizer"])
    # A reminder rule, and a message in unit A's account's in-app inbox (its own, not its
    # unit's) that is also one of the event's messages on the organizer's pages.
    from eventapp.messages import outbox, reminders
    from eventapp.units.models import UnitContact

    rule = reminders.create_rule(event, {
        "deadline": "questions", "offset_days": -3, "audience": "all_units", "subject": "S",
        "body": "B", "approval": True}, users["organizer"])
    message = outbox.enqueue([outbox.for_user(users["unit_a"])], subject="Thông báo",
                             body="Nội dung", cause="manual", event_id=event.id,
                             channels=[outbox.Channel.inapp])[0]
    contact = UnitContact(name="Đầu mối", email="daumoi@batri.vn")
    users["unit_a"].unit.contacts.append(contact)
    db.session.commit()
    return {
        "slug": "doi-thoai-2020", "code": "BATRI", "session_key": "doi-thoai",
        "question_id": question.get_json()["id"], "attendee_id": attendee.get_json()["id"],
        "nomination_id": nomination_id,
        "file_id": db.session.scalar(db.select(NominationFile.id)),
        "checkin_id": db.session.scalar(db.select(CheckIn.id)),
        "extension_id": ext.id, "request_id": extension_request.id,
        "session_id": event.sessions[0].id,
        "unit_id": users["unit_a"].unit_id, "user_id": users["unit_a"].id,
        "token_id": db.session.scalar(db.select(ApiToken.id).where(
            ApiToken.user_id == users["unit_a"].id)),
        "filename": "css/app.css", "rule_id": rule.id, "message_id": message.id,
        "kind_key": "district",
        "token": "lien-ket-khong-co",  # a set-password link that does not exist
        "contact_id": contact.id,
        "role": "don-vi",  # a guide (/huong-dan/<role>)
        # The signed link of the e-mailed invitation (public: it opens for anyone holding it).
        "invitation_token": invitations.token(db.session.get(Attendee,
                                                             attendee.get_json()["id"])),
    }
