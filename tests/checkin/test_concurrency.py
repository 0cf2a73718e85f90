"""Several doors scanning at once: the database, not Python, keeps one check-in per session."""

from __future__ import annotations

from collections import Counter

import pytest
import sqlalchemy as sa

from eventapp.checkin import services
from eventapp.checkin.models import CheckIn
from eventapp.database import unit_of_work
from eventapp.extensions import db
from tests.conftest import run_concurrently

pytestmark = pytest.mark.concurrency
URL = "/api/v1/events/doi-thoai-2020/checkin"
DOORS = 16


def _door(app, headers, code):
    def scan(i):
        client = app.test_client()
        response = client.post(URL, headers=headers, json={
            "code": code, "session": "doi-thoai", "device": f"cửa {i}"})
        return response.status_code, response.get_json()

    return scan


def test_many_concurrent_scans_of_one_code_give_exactly_one_checkin(
        app, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    results = run_concurrently(_door(app, headers, code_of(people["an"])), DOORS)
    outcomes = Counter(body["result"] for _, body in results)
    assert outcomes == {"checked_in": 1, "already_checked_in": DOORS - 1}
    assert {status for status, _ in results} == {200}
    winner = next(body for _, body in results if body["result"] == "checked_in")
    # Every loser reports the winner's door and time.
    for _, body in results:
        assert body["device"] == winner["device"]
        assert body["checked_in_at"] == winner["checked_in_at"]
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1


def test_concurrent_scans_of_different_codes_all_succeed(
        app, users, make_attendee, code_of, token_for):
    headers = token_for(users["checkin"])
    codes = [code_of(make_attendee()) for _ in range(DOORS)]

    def scan(i):
        response = app.test_client().post(URL, headers=headers, json={
            "code": codes[i], "session": "doi-thoai"})
        return response.get_json()["result"]

    assert run_concurrently(scan, DOORS) == ["checked_in"] * DOORS
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == DOORS


def test_the_database_refuses_a_second_active_checkin(app, users, people, event):
    """Even code that skips the service cannot store two active check-ins."""
    from sqlalchemy.exc import IntegrityError

    from eventapp.clock import now

    session = event.session_by_key("doi-thoai")
    row = dict(event_id=event.id, attendee_id=people["an"].id, session_id=session.id,
               checked_in_at=now(), recorded_at=now())
    db.session.add(CheckIn(**row))
    db.session.commit()
    db.session.add(CheckIn(**row))
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()
    # An undone row does not count.
    first = db.session.scalars(sa.select(CheckIn)).one()
    with unit_of_work():
        services.undo(event, first.id, "Quét nhầm người", users["organizer"])
    db.session.add(CheckIn(**row))
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 2


def test_concurrent_rescans_after_an_undo_give_one_new_checkin(
        app, users, people, event, code_of, token_for):
    headers = token_for(users["checkin"])
    code = code_of(people["an"])
    first = app.test_client().post(URL, headers=headers,
                                   json={"code": code, "session": "doi-thoai"}).get_json()
    with unit_of_work():
        services.undo(event, first["checkin_id"], "Nhầm phiên", users["organizer"])
    results = run_concurrently(_door(app, headers, code), 8)
    assert Counter(b["result"] for _, b in results) == {"checked_in": 1,
                                                        "already_checked_in": 7}
    db.session.rollback()
    rows = db.session.scalars(sa.select(CheckIn).order_by(CheckIn.id)).all()
    assert [r.undone_at is None for r in rows] == [False, True]
