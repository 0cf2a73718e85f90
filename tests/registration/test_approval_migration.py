"""Migration 0021_approval: down and up again on the test's database, keeping delegates. Down,
a registration still waiting or refused is cancelled (without the approval step it is no
delegate, and its code never worked); approved ones are untouched."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from eventapp.accounts.models import User
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.registration import approval, services, settings
from eventapp.registration.models import Attendee

pytestmark = pytest.mark.usefixtures("open_registration")


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def _statuses() -> dict[str, str]:
    return dict(db.session.execute(sa.text("SELECT full_name, status FROM attendee")).all())


def test_downgrade_and_upgrade_keep_delegates(app, event, users, add):
    settings.store_approval(event, True)
    db.session.commit()
    event_id, unit_b_id = event.id, users["unit_b"].id
    guest = add(users["organizer"], "Khách mời", category="lanh-dao", unit=None).id
    waiting, refused = add(users["unit_a"], "Người chờ").id, add(users["unit_a"], "Người bị loại")
    approval.reject(event, [refused.id], "Sai đối tượng", users["organizer"])
    db.session.commit()
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()
    before = ScriptDirectory.from_config(config).get_revision("0021_approval").down_revision
    try:
        command.downgrade(config, before)
        assert "rejection_reason" not in _columns("attendee")
        assert "approval_required" not in _columns("registration_setting")
        assert _statuses() == {"Khách mời": "active", "Người chờ": "cancelled",
                               "Người bị loại": "cancelled"}
        db.session.remove()
    finally:
        command.upgrade(config, "heads")
    assert "rejection_reason" in _columns("attendee")
    event = db.session.get(Event, event_id)
    assert settings.approval_required(event) is False  # off until the organizer asks again
    assert db.session.get(Attendee, guest).status == "active"
    assert db.session.get(Attendee, waiting).cancelled_at is not None
    settings.store_approval(event, True)
    db.session.commit()
    unit_b = db.session.get(User, unit_b_id)
    again = services.register(event, unit_b, {"full_name": "Người mới", "category": "tpt-doi",
                                              "sessions": ["doi-thoai"]})
    assert again.status == "pending"  # the columns work again
