"""Migration 0010 moves every event's question, registration and honoring settings into the
domains' tables and back, on SQLite and PostgreSQL, with the values intact."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from eventapp import create_app
from eventapp.extensions import db
from tests.conftest import TEST_DATABASE_URL

BEFORE, AFTER = "0009_checkin_review", "0010_domain_settings"
#: Two events: one with every value set, one with the defaults and no registration row.
EVENTS = [
    {"id": 1, "slug": "doi-thoai", "question_deadline": "2020-02-04 17:00:00",
     "question_min_per_unit": 15, "question_max_per_unit": 20,
     "registration_deadline": "2020-02-09 17:00:00", "nomination_deadline": "2020-02-04 17:00:00",
     "nomination_reference_date": "2020-02-14", "serving_min_years": 28,
     "retired_min_years": 22, "title_window_years": 2, "discipline_window_years": 4,
     "nomination_unit_kinds": '["district", "city"]'},
    {"id": 2, "slug": "so-ket", "question_deadline": None, "question_min_per_unit": 0,
     "question_max_per_unit": None, "registration_deadline": None, "nomination_deadline": None,
     "nomination_reference_date": None, "serving_min_years": 30, "retired_min_years": 25,
     "title_window_years": 1, "discipline_window_years": 5,
     "nomination_unit_kinds": '["district"]'},
]
EVENT_COLUMNS = [k for k in EVENTS[0] if k not in ("id", "slug")]


@pytest.fixture
def blank_app(tmp_path):
    """An app on an empty database of its own (not the shared test template)."""
    admin, name = None, None
    if TEST_DATABASE_URL:
        name = f"eventapp_mig_{uuid.uuid4().hex[:10]}"
        base = sa.make_url(TEST_DATABASE_URL).set(drivername="postgresql+psycopg")
        admin = sa.create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        uri = base.set(database=name).render_as_string(hide_password=False)
    else:
        uri = f"sqlite:///{tmp_path / 'migrate.sqlite'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret-key-" + "x" * 32,
                      "SQLALCHEMY_DATABASE_URI": uri, "UPLOAD_FOLDER": str(tmp_path / "up")})
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    if admin is not None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _rows(sql: str) -> list[dict]:
    with db.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(sa.text(sql))]


def _as_text(value):
    """Dates and instants as the test wrote them (drivers return objects or strings)."""
    if value is None or isinstance(value, int | list):
        return value
    return str(value)


def test_settings_move_to_the_domains_and_back(blank_app):
    upgrade(revision=BEFORE)
    with db.engine.begin() as conn:
        for event in EVENTS:
            columns = ", ".join(event)
            values = ", ".join(f":{k}" for k in event)
            conn.execute(sa.text(
                f"INSERT INTO event (title, theme, timezone, created_at, {columns}) VALUES "
                f"('Sự kiện', '', 'Asia/Ho_Chi_Minh', '2020-01-01 00:00:00', {values})"), event)
        # The first event already has its registration limits (0008); the second has none.
        conn.execute(sa.text("INSERT INTO registration_setting (event_id, default_max_per_unit) "
                             "VALUES (1, 7)"))
        # Rows that refer to the event must survive its table being rebuilt (SQLite batch).
        conn.execute(sa.text("INSERT INTO event_session (event_id, key, name, starts_at, venue, "
                             "agenda) VALUES (1, 'chinh', 'Phiên chính', '2020-02-14 01:00:00', "
                             "'', '[]')"))

    upgrade(revision=AFTER)
    questions = _rows("SELECT * FROM question_settings ORDER BY event_id")
    assert [(q["event_id"], _as_text(q["deadline"]), q["min_per_unit"], q["max_per_unit"])
            for q in questions] == [(1, "2020-02-04 17:00:00", 15, 20), (2, None, 0, None)]
    rules = _rows("SELECT * FROM nomination_rules ORDER BY event_id")
    assert [(r["event_id"], _as_text(r["deadline"]), _as_text(r["reference_date"]),
             r["serving_min_years"], r["retired_min_years"], r["title_window_years"],
             r["discipline_window_years"]) for r in rules] == [
        (1, "2020-02-04 17:00:00", "2020-02-14", 28, 22, 2, 4),
        (2, None, None, 30, 25, 1, 5)]
    assert ["city" in str(r["unit_kinds"]) for r in rules] == [True, False]
    registration = _rows("SELECT event_id, default_max_per_unit, deadline "
                         "FROM registration_setting ORDER BY event_id")
    assert [(r["event_id"], r["default_max_per_unit"], _as_text(r["deadline"]))
            for r in registration] == [(1, 7, "2020-02-09 17:00:00")]
    assert _rows("SELECT event_id, key FROM event_session") == [{"event_id": 1, "key": "chinh"}]
    columns = {c["name"] for c in sa.inspect(db.engine).get_columns("event")}
    assert not columns & set(EVENT_COLUMNS)

    downgrade(revision=BEFORE)
    restored = _rows(f"SELECT id, {', '.join(EVENT_COLUMNS)} FROM event ORDER BY id")
    for event, row in zip(EVENTS, restored, strict=True):
        expected = {k: v for k, v in event.items() if k not in ("slug", "nomination_unit_kinds")}
        got = {k: _as_text(v) for k, v in row.items() if k != "nomination_unit_kinds"}
        assert got == expected
        assert ("city" in str(row["nomination_unit_kinds"])) == (event["id"] == 1)
    assert _rows("SELECT event_id, key FROM event_session") == [{"event_id": 1, "key": "chinh"}]
    inspector = sa.inspect(db.engine)
    assert not {"question_settings", "nomination_rules"} & set(inspector.get_table_names())
    assert "deadline" not in {c["name"] for c in inspector.get_columns("registration_setting")}
    assert not any(c["nullable"] for c in inspector.get_columns("event")
                   if c["name"] in ("question_min_per_unit", "nomination_unit_kinds"))


def test_an_event_without_settings_rows_downgrades_to_the_defaults(blank_app):
    """Rows made after 0010 without settings (possible for an event made by hand) get what
    an event without settings means, not a NULL in a NOT NULL column."""
    upgrade(revision=AFTER)
    with db.engine.begin() as conn:
        conn.execute(sa.text("INSERT INTO event (slug, title, theme, timezone, created_at) "
                             "VALUES ('tay', 'Sự kiện', '', 'UTC', '2020-01-01 00:00:00')"))
    downgrade(revision=BEFORE)
    (row,) = _rows("SELECT question_min_per_unit, serving_min_years, discipline_window_years, "
                   "nomination_unit_kinds FROM event")
    assert (row["question_min_per_unit"], row["serving_min_years"],
            row["discipline_window_years"]) == (0, 30, 5)
    assert "district" in str(row["nomination_unit_kinds"])
