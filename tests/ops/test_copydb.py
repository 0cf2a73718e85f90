"""copy-db: an SQLite installation's data moved into an empty PostgreSQL database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventapp import create_app
from eventapp.cli import upgrade_schema
from eventapp.extensions import db
from eventapp.units.models import DEFAULT_KINDS
from tests.conftest import PASSWORD, base_config, demo_definition
from tests.ops.conftest import IsolatedClient, needs_postgres, run_cli

pytestmark = needs_postgres


@pytest.fixture
def laptop(tmp_path, monkeypatch):
    """A one-laptop installation on SQLite with a little of everything in it."""
    from eventapp.accounts.services import create_user, update_user
    from eventapp.auth import issue_token
    from eventapp.events.services import grant_extension, import_event
    from eventapp.units.models import Unit
    from eventapp.units.services import save_unit

    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(base_config(tmp_path / "laptop", f"sqlite:///{tmp_path / 'laptop.sqlite'}"))
    app.test_client_class = IsolatedClient
    with app.app_context():
        upgrade_schema()
        event = import_event(demo_definition())
        organizer = create_user("btc@test.vn", "organizer", PASSWORD, full_name="Ban tổ chức")
        unit_user = create_user("batri@test.vn", "unit", PASSWORD, unit_code="BATRI")
        update_user(unit_user, role="unit", unit_code="BATRI", full_name="Nguyễn Thị Ánh",
                    active=False, password=None, actor=organizer)
        issue_token(organizer, "máy chấm")
        save_unit(event, None, "THPT-DTH", "Trường THPT Đặng Thúc Hứa", "high_school",
                  organizer)
        batri = db.session.scalar(sa.select(Unit).where(Unit.code == "BATRI"))
        grant_extension(event, batri, "questions", datetime(2020, 2, 6, 3, tzinfo=UTC),
                        "Mất điện", organizer)
        db.session.commit()
        db.engine.dispose()
    yield app
    with app.app_context():
        db.engine.dispose()


def _rows(conn: sa.Connection, table: sa.Table) -> list[tuple]:
    order = list(table.primary_key.columns) or list(table.columns)
    return [tuple(row) for row in conn.execute(sa.select(table).order_by(*order))]


def test_copy_db_moves_every_row_and_the_app_runs_on_postgresql(laptop, scratch_pg, tmp_path):
    target_url = scratch_pg()
    result = run_cli(laptop, "copy-db", "--to", target_url)
    assert result.exit_code == 0, result.output
    assert "Đã chép" in result.output

    source, target = sa.create_engine(laptop.config["SQLALCHEMY_DATABASE_URI"]), \
        sa.create_engine(target_url)
    try:
        with source.connect() as s, target.connect() as t:
            copied = 0
            for table in db.metadata.sorted_tables:
                rows = _rows(s, table)
                assert _rows(t, table) == rows, table.name
                copied += len(rows)
            assert copied > 50
            versions = "SELECT version_num FROM alembic_version ORDER BY 1"
            assert s.execute(sa.text(versions)).all() == t.execute(sa.text(versions)).all()
    finally:
        source.dispose()
        target.dispose()

    served = create_app(base_config(tmp_path / "pg", target_url))
    served.test_client_class = IsolatedClient
    client = served.test_client()
    assert client.post_form("/login", {"email": "btc@test.vn",
                                       "password": PASSWORD}).status_code == 302
    assert "Đặng Thúc Hứa" in client.get("/events/doi-thoai-2020/units/").get_data(as_text=True)
    # The locked account stays locked; new rows get fresh ids (sequences were moved on).
    locked = served.test_client().post_form("/login", {"email": "batri@test.vn",
                                                       "password": PASSWORD})
    assert locked.status_code == 200 and "không đúng" in locked.get_data(as_text=True)
    with served.app_context():
        from eventapp.accounts.services import create_user
        from eventapp.events.services import get_event
        from eventapp.units.services import save_unit

        user = create_user("moi@test.vn", "checkin", PASSWORD)
        unit = save_unit(get_event("doi-thoai-2020"), None, "MOI", "Đơn vị mới", "other", user)
        db.session.commit()
        assert user.id == 3 and unit.id == 19
        db.engine.dispose()

    again = run_cli(laptop, "copy-db", "--to", target_url)
    assert again.exit_code == 2 and "đã có dữ liệu" in again.output


def test_copy_db_is_all_or_nothing(laptop, scratch_pg):
    # SQLite does not enforce VARCHAR lengths; PostgreSQL refuses this row, late in the copy.
    path = sa.make_url(laptop.config["SQLALCHEMY_DATABASE_URI"]).database
    with sqlite3.connect(path) as conn:
        conn.execute("INSERT INTO audit_entry (at, action, object_type, object_id, summary) "
                     "VALUES ('2020-02-01 00:00:00', ?, '', '', 'quá dài')", ("x" * 100,))
    target_url = scratch_pg()
    result = run_cli(laptop, "copy-db", "--to", target_url)
    assert result.exit_code == 2
    assert "audit_entry" in result.output and "đích vẫn trống" in result.output
    target = sa.create_engine(target_url)
    with target.connect() as conn:
        for table in db.metadata.sorted_tables:
            # An empty database holds only what its migrations seed (the default unit kinds).
            empty = len(DEFAULT_KINDS) if table.info.get("seeded") else 0
            assert conn.scalar(sa.select(sa.func.count()).select_from(table)) == empty, \
                table.name
    target.dispose()


def test_copy_db_wants_postgresql(laptop, tmp_path):
    result = run_cli(laptop, "copy-db", "--to", f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert result.exit_code == 2 and "phải là PostgreSQL" in result.output
