"""Caps and capacities hold under truly concurrent requests (run on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.registration.models import Attendee, AttendeeStatus, attendee_session
from tests.conftest import run_concurrently

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
                                                              token_for):
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
