"""Migration 0017_extension_requests: down and up again on the test's database, keeping data."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from eventapp.events.models import DeadlineExtension
from eventapp.events.services import grant_extension
from eventapp.extensions import db


def test_downgrade_and_upgrade_keep_extensions(app, users, event, set_now, token_for):
    set_now(datetime(2020, 2, 5, 3, 0, tzinfo=UTC))
    grant_extension(event, users["unit_a"].unit, "questions", datetime(2020, 2, 8, tzinfo=UTC),
                    "Lý do", users["organizer"])
    db.session.commit()
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()
    before = ScriptDirectory.from_config(config).get_revision(
        "0017_extension_requests").down_revision
    try:
        command.downgrade(config, before)
        assert "extension_request" not in sa.inspect(db.engine).get_table_names()
        assert db.session.scalar(sa.select(sa.func.count(DeadlineExtension.id))) == 1
        db.session.remove()
    finally:
        command.upgrade(config, "heads")
    assert "extension_request" in sa.inspect(db.engine).get_table_names()
    assert db.session.scalar(sa.select(sa.func.count(DeadlineExtension.id))) == 1
    response = app.test_client().post(
        "/api/v1/events/doi-thoai-2020/extension-requests", headers=token_for(users["unit_a"]),
        json={"deadline": "registration", "reason": "Sau khi nâng cấp"})
    assert response.status_code == 201
