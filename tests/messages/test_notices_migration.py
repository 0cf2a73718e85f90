"""Migration 0019_notices: down and up again on the test's database, keeping events and
messages; after it, an event without a row has every notice on."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command

from eventapp.database import unit_of_work
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.messages import notices


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_downgrade_and_upgrade_keep_events_and_start_with_every_notice_on(app, event):
    event_id = event.id
    with unit_of_work():
        notices.store(event, ["dossier_returned"])
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()
    try:
        command.downgrade(config, "0013_outbox")
        assert "notice_setting" not in _tables()
        assert {"message", "event"} <= _tables()
        assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1
        db.session.remove()
    finally:
        command.upgrade(config, "heads")
    assert "notice_setting" in _tables()
    assert notices.switched_off(db.session.get(Event, event_id)) == set()
