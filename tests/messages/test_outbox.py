"""The outbox: a message is written with the change that causes it, or not at all."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.messages import outbox
from eventapp.messages.models import Channel, Message, MessageStatus
from eventapp.units.models import Unit, UnitContact


def unit(code: str) -> Unit:
    return db.session.scalar(sa.select(Unit).where(Unit.code == code))


def messages() -> list[Message]:
    return db.session.scalars(sa.select(Message).order_by(Message.id)).all()


def test_a_unit_is_reached_by_its_accounts_in_app_and_by_mail_and_its_contacts_by_mail(
        app, users):
    batri = unit("BATRI")
    batri.contacts.append(UnitContact(name="Chị Lan", position="Bí thư", email="lan@batri.vn"))
    # A contact who is also the unit's account is reached once, as the account.
    batri.contacts.append(UnitContact(name="Trùng", email="batri@test.vn"))
    db.session.commit()
    recipients = outbox.unit_recipients([batri.id])[batri.id]
    with unit_of_work():
        outbox.enqueue(recipients, subject="Nhắc nộp câu hỏi", body="Còn thiếu 3 câu.",
                       cause="manual", event_id=None)
    rows = [(m.channel, m.user_id, m.address, m.status) for m in messages()]
    assert rows == [
        (Channel.inapp, users["unit_a"].id, None, MessageStatus.queued),
        (Channel.email, users["unit_a"].id, "batri@test.vn", MessageStatus.queued),
        (Channel.email, None, "lan@batri.vn", MessageStatus.queued),
    ]
    assert len({m.message_id for m in messages()}) == 3


def test_a_message_rolls_back_with_the_change_that_caused_it(app, users):
    try:
        with unit_of_work():
            outbox.enqueue([outbox.for_user(users["unit_a"])], subject="S", body="B",
                           cause="manual")
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert messages() == []


def test_a_deduplicated_message_is_written_once_however_often_it_is_asked_for(app, users):
    recipient = outbox.for_user(users["unit_a"])
    for _ in range(3):
        with unit_of_work():
            outbox.enqueue([recipient], subject="S", body="B", cause="reminder",
                           dedupe="rule:1", approval=True)
    assert [(m.channel, m.status) for m in messages()] == [
        (Channel.inapp, MessageStatus.awaiting_approval),
        (Channel.email, MessageStatus.awaiting_approval)]
