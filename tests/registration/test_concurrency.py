"""Caps and capacities hold under truly concurrent requests (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.registration.models import Attendee, AttendeeStatus, attendee_session
from tests.conftest import run_concurrently
from tests.registration.conftest import NO_RESERVATION

pytestmark = [pytest.mark.concurrency, pytest.mark.usefixtures("open_registration")]
URL = "/api/v1/events/doi-thoai-2020/attendees"


def _post(app, headers, payload):
    client = app.test_client()
    response = client.post(URL, json=payload, headers=headers)
    return response.status_code, (response.json or {}).get("error")


def _registered(session_key: str) -> int:
    db.session.commit()
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(attendee_session)
        .join(Attendee, Attendee.id == attendee_session.c.attendee_id)
        .where(Attendee.status == AttendeeStatus.active.value,
               attendee_session.c.session_id == sa.select(sa.text("id")).select_from(
                   sa.table("event_session")).where(sa.text("key = :k")).scalar_subquery())
        .params(k=session_key))


def test_twelve_at_once_against_a_cap_of_five(app, users, token_for):
    headers = token_for(users["unit_a"])
    db.session.commit()
    results = run_concurrently(lambda i: _post(app, headers, {
        "full_name": f"Thành viên CLB {i}", "category": "clb-tpt", "sessions": ["so-ket"],
        "phone": f"09000000{i:02d}"}), 12)
    assert Counter(results) == {(201, None): 5, (409, "cap_reached"): 7}
    assert _registered("so-ket") == 5


def test_session_capacity_when_several_units_register_at_once(app, event, users, make_user,
                                                              token_for, limits):
    limits(reserved=NO_RESERVATION)
    event.session_by_key("so-ket").capacity = 10
    db.session.commit()
    accounts = [users["unit_a"], users["unit_b"], users["school"],
                make_user("chauthanh@test.vn", "unit", "CHAUTHANH"),
                make_user("gdnn@test.vn", "unit", "GDNN-BATRI"), users["organizer"]]
    headers = [token_for(user) for user in accounts]
    organizer = [user.is_organizer for user in accounts]
    db.session.commit()

    def register(i):
        who = i % len(accounts)
        # Half list the sessions in the other order: lock order must not depend on it.
        sessions = ["doi-thoai", "so-ket"] if i % 2 else ["so-ket", "doi-thoai"]
        payload = {"full_name": f"Đại biểu {i}", "category": "tpt-doi", "sessions": sessions}
        if organizer[who]:
            payload["category"] = "lanh-dao"  # an invited guest, locked on the event row
        return _post(app, headers[who], payload)

    results = run_concurrently(register, 24)
    assert Counter(results) == {(201, None): 10, (409, "capacity_reached"): 14}
    assert _registered("so-ket") == 10
    assert _registered("doi-thoai") == 10


def _attendees(app, user, count: int, category: str = "tpt-doi") -> list[int]:
    from eventapp.registration import services

    ids = []
    for i in range(count):
        attendee = services.register(_event(), user, {
            "full_name": f"Đại biểu hủy {user.unit_id or 'khach'} số {i}",
            "category": category, "sessions": ["doi-thoai"], "phone": f"0911{i:06d}"})
        ids.append(attendee.id)
    db.session.commit()
    return ids


def _event():
    from eventapp.events.services import get_event

    return get_event("doi-thoai-2020")


def test_sixteen_cancels_of_different_delegates_at_once_all_succeed(app, users, token_for):
    """Two units cancel 8 delegates each at the same moment: every cancel is saved (the
    write lock is waited for, never a 503 'busy')."""
    ids = _attendees(app, users["unit_a"], 8) + _attendees(app, users["unit_b"], 8)
    headers = [token_for(users["unit_a"])] * 8 + [token_for(users["unit_b"])] * 8
    db.session.commit()

    def cancel(i):
        response = app.test_client().delete(f"{URL}/{ids[i]}", headers=headers[i])
        return response.status_code, (response.json or {}).get("status")

    results = run_concurrently(cancel, 16)
    assert results == [(200, "cancelled")] * 16
    db.session.rollback()
    statuses = db.session.scalars(sa.select(Attendee.status).where(Attendee.id.in_(ids)))
    assert set(statuses) == {AttendeeStatus.cancelled.value}


def test_the_same_delegate_cancelled_twice_at_once_one_wins_the_other_is_told(
        app, users, token_for):
    from eventapp.audit.models import AuditEntry

    ids = _attendees(app, users["unit_a"], 3)
    headers = token_for(users["unit_a"])
    db.session.commit()
    for attendee_id in ids:
        results = run_concurrently(lambda i, a=attendee_id: _delete(app, headers, a), 4)
        assert Counter(status for status, _ in results) == {200: 1, 409: 3}, results
        assert {body["error"] for status, body in results if status == 409} == {"changed"}
        assert all(body["message"] for status, body in results if status == 409)
    db.session.rollback()
    cancels = db.session.scalar(sa.select(sa.func.count(AuditEntry.id))
                                .where(AuditEntry.action == "attendee.cancel"))
    assert cancels == 3  # one audit entry per delegate: the losers changed nothing


def _delete(app, headers, attendee_id):
    response = app.test_client().delete(f"{URL}/{attendee_id}", headers=headers)
    return response.status_code, response.json or {}


def test_an_edit_racing_a_cancel_never_saves_over_the_cancellation(app, users):
    """A unit officer edits a delegate while a colleague cancels the same delegate: either
    the edit lands first and the cancel after it, or the edit is refused with a message;
    never an edit recorded on a cancelled delegate."""
    from eventapp.audit.models import AuditEntry
    from tests.conftest import PASSWORD

    base = "/events/doi-thoai-2020/registration"
    ids = _attendees(app, users["unit_a"], 6)
    clients = []
    for _ in range(2):
        client = app.test_client()
        client.post_form("/login", {"email": users["unit_a"].email, "password": PASSWORD})
        clients.append((client, client.csrf_token(f"{base}/")))
    db.session.commit()
    outcomes = Counter()
    for n, attendee_id in enumerate(ids):
        def act(i, attendee_id=attendee_id, n=n):
            client, token = clients[i]
            if i == 0:
                return client.post(f"{base}/{attendee_id}/cancel",
                                   data={"csrf_token": token})
            return client.post(f"{base}/{attendee_id}/edit", data={
                "csrf_token": token, "full_name": f"Tên đã sửa {n}", "category": "tpt-doi",
                "sessions": ["doi-thoai"], "phone": f"0922{n:06d}"})

        cancel, edit = run_concurrently(act, 2)
        assert cancel.status_code == 302
        db.session.rollback()
        attendee = db.session.get(Attendee, attendee_id)
        assert attendee.status == AttendeeStatus.cancelled.value
        if edit.status_code == 302:
            outcomes["edit first"] += 1
            assert attendee.full_name == f"Tên đã sửa {n}"
        else:
            outcomes["edit refused"] += 1
            assert edit.status_code == 200
            assert "đã bị hủy đăng ký trong lúc bạn sửa" in edit.get_data(as_text=True)
            assert attendee.full_name != f"Tên đã sửa {n}"
        actions = db.session.scalars(
            sa.select(AuditEntry.action).where(AuditEntry.object_type == "Attendee",
                                              AuditEntry.object_id == str(attendee_id))
            .order_by(AuditEntry.id)).all()
        assert actions[-1] == "attendee.cancel", actions
    assert sum(outcomes.values()) == len(ids)
