"""A substitute racing a scan of the old code, and two substitutes of one delegate at once:
real concurrent requests, one consistent outcome (the attendee row is the arbiter)."""

from __future__ import annotations

from datetime import datetime

import pytest
import sqlalchemy as sa

from eventapp.checkin.models import CheckIn
from eventapp.extensions import db
from eventapp.registration.codes import attendee_code
from eventapp.registration.models import Attendee, Substitution
from tests.conftest import run_concurrently
from tests.registration.conftest import BEFORE_DEADLINE, VN

pytestmark = pytest.mark.concurrency
BASE = "/api/v1/events/doi-thoai-2020"
BEFORE_SESSION = datetime(2020, 2, 14, 7, 0, tzinfo=VN)
ROUNDS = 6


def test_a_substitute_racing_a_scan_of_the_old_code_gives_one_outcome(
        app, users, token_for, add, set_now):
    set_now(BEFORE_DEADLINE)
    delegates = [add(users["unit_a"], f"Đại Biểu Đua {i}") for i in range(ROUNDS)]
    codes = [attendee_code(d) for d in delegates]
    ids = [d.id for d in delegates]
    set_now(BEFORE_SESSION)
    unit, staff = token_for(users["unit_a"]), token_for(users["checkin"])

    for round_ in range(ROUNDS):
        def act(i, round_=round_):
            client = app.test_client()
            if i == 0:
                response = client.post(f"{BASE}/attendees/{ids[round_]}/substitute",
                                       headers=unit, json={"full_name": f"Người Thay {round_}"})
            else:
                response = client.post(f"{BASE}/checkin", headers=staff, json={
                    "code": codes[round_], "session": "doi-thoai", "device": "Cửa 1"})
            return response.status_code, response.get_json()

        (sub_status, sub), (scan_status, scan) = run_concurrently(act, 2)
        db.session.rollback()
        old = db.session.get(Attendee, ids[round_])
        old_checkins = db.session.scalar(sa.select(sa.func.count(CheckIn.id)).where(
            CheckIn.attendee_id == old.id, CheckIn.undone_at.is_(None)))
        if sub_status == 201:
            assert (scan_status, scan["result"]) == (409, "substituted"), (sub, scan)
            assert scan["replacement"] == {"full_name": f"Người Thay {round_}"}
            assert old.status == "substituted" and old_checkins == 0
        else:
            assert (sub_status, sub["error"]) == (409, "already_checked_in"), (sub, scan)
            assert (scan_status, scan["result"]) == (200, "checked_in")
            assert old.status == "active" and old_checkins == 1


def test_two_substitutes_of_one_delegate_at_once_one_wins(app, users, token_for, add,
                                                         set_now):
    set_now(BEFORE_DEADLINE)
    delegate = add(users["unit_a"], "Đại Biểu Được Thay")
    delegate_id = delegate.id
    set_now(BEFORE_SESSION)
    headers = [token_for(users["unit_a"]), token_for(users["organizer"])]

    def substitute(i):
        response = app.test_client().post(
            f"{BASE}/attendees/{delegate_id}/substitute", headers=headers[i % 2],
            json={"full_name": f"Người Thay Số {i}"})
        return response.status_code, response.get_json()

    results = run_concurrently(substitute, 4)
    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 409, 409, 409], results
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Substitution.id))) == 1
    active = db.session.scalars(sa.select(Attendee.full_name).where(
        Attendee.status == "active")).all()
    winner = next(body for status, body in results if status == 201)
    assert active == [winner["full_name"]]
