"""Reminder rules evaluated by the worker: each unit once, however often and however many
workers evaluate them; a unit's extension moves its reminder; approval holds it back."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from eventapp.database import unit_of_work
from eventapp.errors import Invalid
from eventapp.events.cloning import clone_event
from eventapp.events.services import get_event, grant_extension
from eventapp.extensions import db
from eventapp.messages import reminders, worker
from eventapp.messages.audiences import audience
from eventapp.messages.models import Channel, Message, MessageStatus, ReminderRule
from eventapp.units.models import Unit, UnitContact
from tests.conftest import run_concurrently

VN = timezone(timedelta(hours=7))
DEADLINE = datetime(2020, 2, 5, tzinfo=VN)  # the seed's questions deadline
RULE = {"deadline": "questions", "offset_days": -3, "audience": "below_question_minimum",
        "subject": "Nhắc gửi câu hỏi — hạn {han_chot}",
        "body": "Kính gửi {don_vi}: đã gửi {da_gui}/{toi_thieu}, còn thiếu {con_thieu}. "
                "Xem tại {lien_ket}", "approval": False}


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def by_unit() -> Counter:
    """Reminder messages per unit (an extension's notice is a message too, not counted)."""
    return Counter(db.session.scalars(sa.select(Unit.code).join(
        Message, Message.unit_id == Unit.id).where(Message.cause == "reminder")))


def make_rule(users, **changes):
    with unit_of_work():
        return reminders.create_rule(get_event("doi-thoai-2020"), {**RULE, **changes},
                                     users["organizer"]).id


def evaluate(at: datetime) -> int:
    with unit_of_work():
        return reminders.evaluate_due(at)


def test_a_rule_reaches_each_unit_behind_once_however_often_it_is_evaluated(app, users):
    make_rule(users)
    assert evaluate(DEADLINE - timedelta(days=3, seconds=1)) == 0  # not yet due
    assert Message.query.count() == 0
    written = evaluate(DEADLINE - timedelta(days=3))
    # Units with an account are reached in the app and by mail; the others have nobody yet.
    assert by_unit() == {"BATRI": 2, "BINHDAI": 2, "THPT-NDCHIEU": 2}
    assert written == 6
    for hours in range(1, 10):
        assert evaluate(DEADLINE + timedelta(hours=hours)) == 0
    assert Message.query.count() == 6
    batri = db.session.scalars(sa.select(Message).join(Unit, Unit.id == Message.unit_id)
                               .where(Unit.code == "BATRI", Message.channel == Channel.email)).one()
    assert batri.subject == "Nhắc gửi câu hỏi — hạn 05/02/2020 00:00"
    assert batri.body_text.startswith("Kính gửi Huyện đoàn Ba Tri: đã gửi 0/15, còn thiếu 15.")
    assert batri.body_text.endswith("/events/doi-thoai-2020/")
    assert (batri.status, batri.cause, batri.address) == (MessageStatus.queued, "reminder",
                                                          "batri@test.vn")


def test_a_unit_reached_once_is_not_reached_again_when_it_gains_a_contact(app, users):
    make_rule(users)
    evaluate(DEADLINE)
    batri = unit("BATRI")
    batri.contacts.append(UnitContact(name="Chị Lan", position="Bí thư", email="lan@batri.vn"))
    # A unit that had nobody to reach gets the reminder once it has someone.
    db.session.add(UnitContact(unit_id=unit("CHOLACH").id, name="Anh Tú",
                               email="tu@cholach.vn"))
    db.session.commit()
    evaluate(DEADLINE + timedelta(hours=1))
    assert by_unit() == {"BATRI": 2, "BINHDAI": 2, "THPT-NDCHIEU": 2, "CHOLACH": 1}


def test_two_workers_at_once_write_each_units_reminder_once(app, users):
    for code in ("CHOLACH", "GIONGTROM", "MOCAYBAC", "MOCAYNAM", "THANHPHU"):
        db.session.add(UnitContact(unit_id=unit(code).id, name=code,
                                   email=f"{code.lower()}@test.vn"))
    db.session.commit()
    make_rule(users)
    make_rule(users, offset_days=-1, subject="Lần 2 {don_vi}")
    db.session.remove()

    def work(_i):
        with app.app_context():
            try:
                return evaluate(DEADLINE)
            finally:
                db.session.remove()

    results = run_concurrently(work, 4)
    counts = by_unit()
    assert counts == dict.fromkeys(("BATRI", "BINHDAI", "THPT-NDCHIEU"), 4) | dict.fromkeys(
        ("CHOLACH", "GIONGTROM", "MOCAYBAC", "MOCAYNAM", "THANHPHU"), 2)
    assert sum(results) == sum(counts.values()) == 22


def test_an_extension_moves_the_units_reminder(app, users):
    make_rule(users)
    event = get_event("doi-thoai-2020")
    grant_extension(event, unit("BATRI"), "questions", DEADLINE + timedelta(days=5), "Lũ",
                    users["organizer"])
    db.session.commit()
    evaluate(DEADLINE - timedelta(days=3))
    assert by_unit() == {"BINHDAI": 2, "THPT-NDCHIEU": 2}
    evaluate(DEADLINE + timedelta(days=2) - timedelta(seconds=1))
    assert "BATRI" not in by_unit()
    evaluate(DEADLINE + timedelta(days=2))
    assert by_unit()["BATRI"] == 2
    message = db.session.scalars(sa.select(Message).where(
        Message.unit_id == unit("BATRI").id, Message.cause == "reminder")).first()
    assert "10/02/2020 00:00" in message.subject  # {han_chot} is the unit's own deadline


def test_a_rule_with_approval_waits_in_the_outbox(app, users):
    make_rule(users, approval=True)
    evaluate(DEADLINE)
    assert {m.status for m in Message.query} == {MessageStatus.awaiting_approval}


def test_a_unit_that_caught_up_gets_nothing(app, users, token_for, set_now):
    make_rule(users, deadline="registration", audience="no_delegates",
              body="{don_vi} chưa có đại biểu")
    set_now(datetime(2020, 2, 1, tzinfo=VN))
    response = app.test_client().post(
        "/api/v1/events/doi-thoai-2020/attendees", headers=token_for(users["unit_a"]),
        json={"full_name": "Nguyễn Văn Ấn", "position": "Giáo viên", "category": "tpt-doi",
              "sessions": ["doi-thoai"], "phone": "0912345678", "email": ""})
    assert response.status_code == 201, response.get_json()
    evaluate(datetime(2020, 2, 10, tzinfo=VN))
    assert by_unit() == {"BINHDAI": 2, "THPT-NDCHIEU": 2}


def test_the_worker_runs_the_rules_as_a_producer(app, users, set_now):
    make_rule(users)
    assert reminders.evaluate_due in worker._PRODUCERS
    set_now(DEADLINE)
    assert worker.Worker(app).produce() == 6


def test_a_rolled_back_evaluation_leaves_no_message(app, users):
    make_rule(users)
    with pytest.raises(RuntimeError), unit_of_work():
        reminders.evaluate_due(DEADLINE)
        raise RuntimeError("the worker died before committing")
    assert Message.query.count() == 0
    assert evaluate(DEADLINE) == 6  # and the next round writes them


@pytest.mark.parametrize("changes, field", [
    ({"body": "{so_cau}"}, "body"), ({"subject": "{da_gui}"}, None),
    ({"audience": "ai_do"}, "audience"), ({"deadline": "hop_dong"}, "deadline"),
    ({"offset_days": 400}, "offset_days")])
def test_a_bad_rule_is_refused_with_the_field_named(app, users, changes, field):
    values = {**RULE, **changes}
    if field is None:  # {da_gui} is known, but not for units without delegates
        values["audience"], field = "no_delegates", "subject"
    with pytest.raises(Invalid) as refused:
        reminders.create_rule(get_event("doi-thoai-2020"), values, users["organizer"])
    assert field in refused.value.fields
    db.session.rollback()


def test_default_rules_are_three_and_one_days_before_each_deadline(app, users):
    event = get_event("doi-thoai-2020")
    added = reminders.add_default_rules(event, users["organizer"])
    assert sorted((r.deadline, r.offset_days, r.audience) for r in added) == [
        ("nominations", -3, "dossier_not_submitted"), ("nominations", -1, "dossier_not_submitted"),
        ("questions", -3, "below_question_minimum"), ("questions", -1, "below_question_minimum"),
        ("registration", -3, "no_delegates"), ("registration", -1, "no_delegates")]
    assert reminders.add_default_rules(event, users["organizer"]) == []  # once
    db.session.commit()


def test_audiences_give_the_units_in_their_state(app, users):
    event = get_event("doi-thoai-2020")
    at = datetime(2020, 2, 1, tzinfo=UTC)
    assert len(audience("all_units").find(event, at)) == 17
    behind = audience("below_question_minimum").find(event, at)
    assert len(behind) == 17 and behind[unit("BATRI").id] == {"da_gui": 0, "toi_thieu": 15,
                                                              "con_thieu": 15}
    # Only district unions file dossiers in the seed's event.
    districts = {u.id for u in Unit.query if u.kind == "district"}
    assert set(audience("dossier_not_submitted").find(event, at)) == districts
    assert audience("dossier_returned").find(event, at) == {}


def test_a_cloned_event_keeps_its_rules(app, users):
    make_rule(users, approval=True)
    with unit_of_work():
        copy = clone_event(get_event("doi-thoai-2020"), "doi-thoai-2021", date(2021, 2, 14))
    assert [(r.deadline, r.offset_days, r.audience, r.approval, r.body) for r in
            reminders.rules_of(copy)] == [("questions", -3, "below_question_minimum", True,
                                           RULE["body"])]
    assert ReminderRule.query.count() == 2


def test_a_round_writes_a_bounded_number_of_units_and_the_next_goes_on(app, users):
    make_rule(users)
    assert evaluate_limited(DEADLINE, 2) == 4
    assert len(by_unit()) == 2
    assert evaluate_limited(DEADLINE, 2) == 2  # the third unit; those nobody reaches are skipped
    assert by_unit() == {"BATRI": 2, "BINHDAI": 2, "THPT-NDCHIEU": 2}


def evaluate_limited(at: datetime, limit: int) -> int:
    with unit_of_work():
        return reminders.evaluate_due(at, limit)


def test_the_link_uses_the_public_address_in_the_worker_and_in_a_request(app, users):
    event = get_event("doi-thoai-2020")
    assert reminders.unit_link(event) == "http://localhost:5000/events/doi-thoai-2020/"
    app.config["PUBLIC_URL"] = "https://doan.example.vn/"
    assert reminders.unit_link(event) == "https://doan.example.vn/events/doi-thoai-2020/"
    with app.test_request_context(base_url="http://10.0.0.5:8000"):
        assert reminders.unit_link(event) == "https://doan.example.vn/events/doi-thoai-2020/"
        app.config["PUBLIC_URL"] = None
        assert reminders.unit_link(event) == "http://10.0.0.5:8000/events/doi-thoai-2020/"
