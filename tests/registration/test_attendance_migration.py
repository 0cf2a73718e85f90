"""Migration 0011_attendance, down and up again with data in it: attendees are kept, a
substituted delegate stays revoked (cancelled) without the new tables."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from eventapp.extensions import db
from tests.registration.conftest import BEFORE_DEADLINE


def test_downgrade_keeps_attendees_and_revoked_codes_then_upgrade_restores_the_tables(
        app, users, add, set_now, token_for, client):
    set_now(BEFORE_DEADLINE)
    kept = add(users["unit_a"], "Người Ở Lại")
    replaced = add(users["unit_a"], "Người Được Thay")
    headers = token_for(users["unit_a"])
    base = "/api/v1/events/doi-thoai-2020/attendees"
    assert client.post(f"{base}/{replaced.id}/substitute", headers=headers,
                       json={"full_name": "Người Dự Thay"}).status_code == 201
    assert client.put(f"{base}/{kept.id}/attendance", headers=headers, json={
        "session": "doi-thoai", "status": "excused", "reason": "Ốm"}).status_code == 200
    db.session.commit()
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()

    before = ScriptDirectory.from_config(config).get_revision("0011_attendance").down_revision
    command.downgrade(config, before)
    inspector = sa.inspect(db.engine)
    assert not {"attendance_excuse", "attendee_substitution", "checkin_setting"} & \
        set(inspector.get_table_names())
    with db.engine.connect() as connection:
        statuses = dict(connection.execute(sa.text(
            "SELECT full_name, status FROM attendee")).all())
    assert statuses == {"Người Ở Lại": "active", "Người Được Thay": "cancelled",
                        "Người Dự Thay": "active"}

    command.upgrade(config, "head")
    inspector = sa.inspect(db.engine)
    assert {"attendance_excuse", "attendee_substitution", "checkin_setting"} <= \
        set(inspector.get_table_names())
    with db.engine.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM attendee")).scalar() == 3
    command.check(config)
