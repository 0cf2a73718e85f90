"""Prepared statements (eventapp/prepared.py): the same values as Core, the same errors."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventapp.accounts.models import ApiToken, User
from eventapp.extensions import db
from eventapp.prepared import Prepared, request_connection

TOKENS = ApiToken.__table__
# A timezone-aware instant (UTCDateTime), a boolean computed by the database, a NULL and
# a bind parameter repeated in the statement.
STATEMENT = (sa.select(TOKENS.c.id, TOKENS.c.created_at, TOKENS.c.revoked_at,
                       (TOKENS.c.user_id == sa.bindparam("user_id")).label("mine"))
             .where(TOKENS.c.user_id >= sa.bindparam("user_id"))
             .order_by(TOKENS.c.id))


def test_rows_hold_what_core_returns(app, users, token_for):
    token_for(users["checkin"])
    token_for(users["organizer"])
    params = {"user_id": users["checkin"].id}
    expected = [tuple(r) for r in db.session.execute(STATEMENT, params)]
    db.session.commit()
    rows = Prepared(STATEMENT).all(request_connection(), params)
    assert [tuple(r) for r in rows] == expected
    assert rows[0].created_at.tzinfo is UTC and rows[0].revoked_at is None
    assert [r.mine for r in rows].count(True) == 1


def end_the_tests_read() -> None:
    """The ORM session's read transaction ends here, and no attribute may be loaded again
    before the autocommit connection writes: SQLite would keep the session on its old
    snapshot."""
    db.session.commit()


def test_insert_with_returning_and_bind_processing(app, users):
    statement = sa.insert(TOKENS).returning(TOKENS.c.id, TOKENS.c.created_at)
    created = datetime(2020, 2, 14, 1, 3, tzinfo=UTC)
    values = {"user_id": users["unit_a"].id, "token_hash": "f" * 64, "label": "thử",
              "created_at": created, "revoked_at": None}
    end_the_tests_read()
    row = Prepared(statement, column_keys=list(values)).first(request_connection(),
                                                              values)
    assert row.created_at == created
    stored = db.session.get(ApiToken, row.id)
    assert (stored.label, stored.created_at, stored.user_id) == ("thử", created,
                                                                  users["unit_a"].id)


def test_each_statement_commits_alone_and_errors_come_out_as_sqlalchemys(app, users):
    duplicate = {"email": users["unit_a"].email, "password_hash": "x", "role": "checkin",
                 "full_name": "", "active": True, "created_at": datetime.now(UTC)}
    insert = Prepared(sa.insert(User.__table__).returning(User.__table__.c.id),
                      column_keys=list(duplicate))
    end_the_tests_read()
    connection = request_connection()
    insert.first(connection, {**duplicate, "email": "moi@test.vn"})
    with pytest.raises(sa.exc.IntegrityError):
        insert.first(connection, duplicate)
    # Autocommit on both databases: the first insert stays, the connection goes on.
    assert insert.first(connection, {**duplicate, "email": "moi2@test.vn"}) is not None
    kept = db.session.scalar(sa.select(sa.func.count()).where(User.email.like("moi%")))
    assert kept == 2


def _autocommit_pool():
    from flask import current_app

    return current_app.extensions["eventapp.prepared.engine"].pool


def test_one_connection_per_request_back_to_its_own_pool_at_teardown(app):
    """The token check and the scan share the request's connection; the request's end
    returns it to the autocommit engine's pool, never to the ORM's (whose transactions
    must not get a connection in autocommit mode)."""
    orm_checked_out = db.engine.pool.checkedout()
    with app.app_context():
        first = request_connection()
        assert request_connection() is first
        assert _autocommit_pool().checkedout() == 1
        assert db.engine.pool.checkedout() == orm_checked_out
    assert _autocommit_pool().checkedout() == 0
    with app.app_context():
        assert Prepared(sa.select(sa.literal(1).label("one"))).first(
            request_connection(), {}).one == 1


def test_the_pools_limits_apply(app):
    """Configured like the ORM's engine (SQLALCHEMY_ENGINE_OPTIONS): a request that finds
    the pool exhausted waits ``pool_timeout`` and fails, it does not open one more."""
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
        **app.config["SQLALCHEMY_ENGINE_OPTIONS"], "pool_size": 1, "max_overflow": 0,
        "pool_timeout": 0.3}
    app.extensions.pop("eventapp.prepared.engine", None)
    barrier, release = threading.Barrier(2), threading.Event()

    def hold():
        with app.app_context():
            request_connection()
            barrier.wait(timeout=10)
            release.wait(timeout=10)

    with ThreadPoolExecutor(1) as other:
        holding = other.submit(hold)
        barrier.wait(timeout=10)
        with app.app_context(), pytest.raises(sa.exc.TimeoutError):
            request_connection()
        release.set()
        holding.result(timeout=10)
    with app.app_context():
        assert request_connection() is not None


def test_engine_events_apply_foreign_keys_hold(app):
    """The connect hooks run on its connections (SQLite's foreign_keys pragma): a row
    that points at nobody is refused on both databases."""
    insert = Prepared(sa.insert(TOKENS).returning(TOKENS.c.id),
                      column_keys=["user_id", "token_hash", "label", "created_at"])
    with app.app_context(), pytest.raises(sa.exc.IntegrityError):
        insert.first(request_connection(), {"user_id": 999_999, "token_hash": "d" * 64,
                                            "label": "", "created_at": datetime.now(UTC)})


def test_disposing_the_orm_engine_disposes_it_too(app):
    """A restore disposes the ORM's engine; no pooled autocommit connection may go on
    seeing the old database either."""
    with app.app_context():
        request_connection()
    assert _autocommit_pool().checkedin() == 1
    db.engine.dispose()
    assert _autocommit_pool().checkedin() == 0


def test_a_connection_the_database_dropped_is_invalidated_and_replaced(app, users,
                                                                       token_for):
    """A restarted database closes every connection: the statement that finds it gone
    fails and is invalidated (no blind retry of a write), and the next request gets a
    working one from the pool."""
    token_for(users["checkin"])
    db.session.commit()
    with app.app_context():
        connection = request_connection()
        connection._pooled.dbapi_connection.close()  # as a server restart leaves it
        with pytest.raises(sa.exc.DBAPIError) as raised:
            Prepared(STATEMENT).all(connection, {"user_id": users["checkin"].id})
        assert raised.value.connection_invalidated
    with app.app_context():
        rows = Prepared(STATEMENT).all(request_connection(), {"user_id": users["checkin"].id})
    assert len(rows) == 1
