"""Migration 0020_unit_parents: down and up again on the test's database, keeping every unit
(their parents are the one thing a downgrade drops)."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from eventapp.extensions import db
from eventapp.units.models import Unit


def _columns() -> set[str]:
    return {c["name"] for c in sa.inspect(db.engine).get_columns("unit")}


def test_downgrade_and_upgrade_keep_units(app, event):
    units = db.session.scalar(sa.select(sa.func.count(Unit.id)))
    batri = db.session.scalar(sa.select(Unit.id).where(Unit.code == "BATRI"))
    db.session.scalar(sa.select(Unit).where(Unit.code == "CHAUTHANH")).parent_id = batri
    db.session.commit()
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()
    before = ScriptDirectory.from_config(config).get_revision("0020_unit_parents").down_revision
    try:
        command.downgrade(config, before)
        assert "parent_id" not in _columns()
        assert db.session.execute(sa.text("SELECT count(*) FROM unit")).scalar() == units
        db.session.remove()
    finally:
        command.upgrade(config, "heads")
    assert "parent_id" in _columns()
    assert db.session.scalar(sa.select(sa.func.count(Unit.id))) == units
    assert db.session.scalar(sa.select(sa.func.count(Unit.id)).where(
        Unit.parent_id.is_not(None))) == 0
    child = db.session.scalar(sa.select(Unit).where(Unit.code == "CHAUTHANH"))
    child.parent_id, child_id = batri, child.id  # the column works again
    db.session.commit()
    db.session.remove()
    assert db.session.get(Unit, child_id).parent.code == "BATRI"
