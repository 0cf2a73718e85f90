"""Migration 0013 makes unit kinds a table and keeps every unit, cap and rule value, on
SQLite and PostgreSQL; it downgrades while only the old keys are used, and refuses (changing
nothing) when a newer kind would be lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic import command
from flask_migrate import downgrade, upgrade

from eventapp.extensions import db
from eventapp.units.models import DEFAULT_KINDS
from tests.core.test_settings_migration import blank_app  # noqa: F401  (fixture)

BEFORE, AFTER = "0014_reminders", "0015_unit_kinds"
#: What 0012 holds: units of the old kinds (and one a hand-made row gave "city"), caps for a
#: kind and for every unit, and the events' submitting kinds.
UNITS = [(1, "BATRI", "district"), (2, "THPT-A", "high_school"), (3, "GDNN-A", "gdnn_gdtx"),
         (4, "CD-A", "college"), (5, "KHAC", "other"), (6, "TP-A", "city")]
CAPS = [(1, "district", 5), (2, None, 7), (3, "college", 2)]


def _run(sql: str, params=None) -> list[dict]:
    with db.engine.begin() as conn:
        result = conn.execute(sa.text(sql), params or {})
        return [dict(r._mapping) for r in result] if result.returns_rows else []


def _fill():
    """Rows of 0012's schema, written as that version's code would have."""
    _run("INSERT INTO event (id, slug, title, theme, timezone, created_at) VALUES "
         "(1, 'su-kien', 'Sự kiện', '', 'Asia/Ho_Chi_Minh', '2020-01-01 00:00:00')")
    _run("INSERT INTO event_session (id, event_id, key, name, starts_at, venue, agenda) "
         "VALUES (1, 1, 'chinh', 'Phiên chính', '2020-02-14 01:00:00', '', '[]')")
    _run("INSERT INTO category (id, event_id, key, name, position) VALUES "
         "(1, 1, 'a', 'A', 0), (2, 1, 'b', 'B', 1), (3, 1, 'c', 'C', 2)")
    for unit_id, code, kind in UNITS:
        _run("INSERT INTO unit (id, code, name, kind) VALUES (:id, :code, :code, :kind)",
             {"id": unit_id, "code": code, "kind": kind})
    for category_id, kind, most in CAPS:
        _run("INSERT INTO registration_cap (event_id, session_id, category_id, unit_kind, "
             "max_per_unit) VALUES (1, 1, :c, :k, :m)", {"c": category_id, "k": kind, "m": most})
    _run("INSERT INTO nomination_rules (event_id, serving_min_years, retired_min_years, "
         "title_window_years, discipline_window_years, unit_kinds) VALUES "
         "(1, 30, 25, 1, 5, :kinds)", {"kinds": '["district", "province"]'})


def _units() -> list[tuple]:
    return [(r["id"], r["code"], r["kind"]) for r in _run("SELECT * FROM unit ORDER BY id")]


def _caps() -> list[tuple]:
    return [(r["category_id"], r["unit_kind"], r["max_per_unit"]) for r in
            _run("SELECT * FROM registration_cap ORDER BY category_id")]


def test_every_unit_cap_and_rule_keeps_its_kind_both_ways(blank_app):  # noqa: F811
    upgrade(revision=BEFORE)
    _fill()
    upgrade(revision=AFTER)

    kinds = _run("SELECT key, name, position FROM unit_kind ORDER BY position")
    assert [(k["key"], k["name"]) for k in kinds] == [
        *DEFAULT_KINDS, ("city", "city"), ("province", "province")]
    assert _units() == UNITS and _caps() == CAPS
    assert "province" in str(_run("SELECT unit_kinds FROM nomination_rules")[0]["unit_kinds"])
    inspector = sa.inspect(db.engine)
    assert {(tuple(fk["constrained_columns"]), fk["referred_table"])
            for fk in inspector.get_foreign_keys("unit")} >= {(("kind",), "unit_kind")}
    assert (("unit_kind",), "unit_kind") in {
        (tuple(fk["constrained_columns"]), fk["referred_table"])
        for fk in inspector.get_foreign_keys("registration_cap")}
    with pytest.raises(sa.exc.IntegrityError):  # the database now refuses unknown kinds
        _run("INSERT INTO unit (code, name, kind) VALUES ('X', 'X', 'nope')")

    # "city" is not a key the old code knew: the downgrade refuses and changes nothing.
    config = blank_app.extensions["migrate"].migrate.get_config()
    with pytest.raises(RuntimeError, match=r"kinds the older code does not know \(city\)"):
        command.downgrade(config, BEFORE)  # alembic's own: Flask-Migrate would exit
    assert _units() == UNITS and len(_run("SELECT key FROM unit_kind")) == 10

    _run("UPDATE unit SET kind = 'other' WHERE code = 'TP-A'")
    downgrade(revision=BEFORE)
    assert _units() == [*UNITS[:5], (6, "TP-A", "other")] and _caps() == CAPS
    assert "unit_kind" not in sa.inspect(db.engine).get_table_names()


def test_a_fresh_database_upgrades_and_downgrades(blank_app):  # noqa: F811
    upgrade(revision=AFTER)
    assert len(_run("SELECT key FROM unit_kind")) == len(DEFAULT_KINDS)
    downgrade(revision=BEFORE)
    upgrade(revision=AFTER)
    assert [r["key"] for r in _run("SELECT key FROM unit_kind ORDER BY position")] == \
        [k for k, _ in DEFAULT_KINDS]
