"""Migration 0016_unit_history: down and up again on the test's database, keeping every
unit and participation; going up fills each participation's name with its unit's name."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from eventapp.events.models import EventUnit
from eventapp.extensions import db
from eventapp.units.models import Unit


def _columns(table: str) -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns(table)}


def test_downgrade_and_upgrade_keep_units_and_backfill_names(app, event):
    before = db.session.execute(sa.select(EventUnit.id, EventUnit.unit_id)).all()
    db.session.execute(sa.update(Unit).where(Unit.code == "BATRI").values(name="Đoàn xã Ba Tri"))
    db.session.commit()
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()
    below = ScriptDirectory.from_config(config).get_revision("0016_unit_history").down_revision
    try:
        command.downgrade(config, below)
        assert "name" not in _columns("event_unit")
        assert "unit_change" not in sa.inspect(db.engine).get_table_names()
        assert db.session.execute(sa.text("SELECT count(*) FROM event_unit")).scalar() == \
            len(before)
        db.session.remove()
    finally:
        command.upgrade(config, "heads")
    assert db.session.execute(sa.select(EventUnit.id, EventUnit.unit_id)).all() == before
    names = dict(db.session.execute(sa.select(Unit.code, EventUnit.name).join(
        EventUnit, EventUnit.unit_id == Unit.id)).all())
    assert len(names) == 17 and names["BATRI"] == "Đoàn xã Ba Tri"
    assert names["BINHDAI"] == "Huyện đoàn Bình Đại"
