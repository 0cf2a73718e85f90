"""Migration 0012_failed_scans: down and up again on the test's database, keeping data."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import command
from alembic.script import ScriptDirectory

from eventapp.checkin.models import CheckIn
from eventapp.extensions import db


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names())


def test_downgrade_and_upgrade_keep_check_ins(app, client, users, people, code_of, token_for):
    headers = token_for(users["checkin"])
    client.post("/api/v1/events/doi-thoai-2020/checkin", headers=headers,
                json={"code": code_of(people["an"]), "session": "doi-thoai"})
    client.post("/api/v1/events/doi-thoai-2020/checkin", headers=headers,
                json={"code": "XIN CHAO", "session": "doi-thoai"})
    db.session.commit()
    db.session.remove()
    config = app.extensions["migrate"].migrate.get_config()
    before = ScriptDirectory.from_config(config).get_revision("0012_failed_scans").down_revision
    try:
        command.downgrade(config, before)
        assert {"failed_scan", "failed_scan_tally"}.isdisjoint(_tables())
        assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
        db.session.remove()
    finally:
        command.upgrade(config, "heads")
    assert {"failed_scan", "failed_scan_tally"} <= _tables()
    assert db.session.scalar(sa.select(sa.func.count(CheckIn.id))) == 1
    again = client.post("/api/v1/events/doi-thoai-2020/checkin", headers=headers,
                        json={"code": "XIN CHAO", "session": "doi-thoai"})
    assert again.status_code == 404
    db.session.commit()
    assert db.session.scalar(sa.text("SELECT total FROM failed_scan_tally")) == 1
