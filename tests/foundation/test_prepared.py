"""Prepared statements (eventapp/prepared.py): the same values as Core, the same errors."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from eventapp.accounts.models import ApiToken, User
from eventapp.extensions import db
from eventapp.prepared import Prepared, hot_connection

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
    rows = Prepared(STATEMENT).all(hot_connection(db.engine), params)
    assert [tuple(r) for r in rows] == expected
    assert rows[0].created_at.tzinfo is UTC and rows[0].revoked_at is None
    assert [r.mine for r in rows].count(True) == 1


def end_the_tests_read() -> None:
    """The ORM session's read transaction ends here, and no attribute may be loaded again
    before the raw connection writes: SQLite would keep the session on its old snapshot."""
    db.session.commit()


def test_insert_with_returning_and_bind_processing(app, users):
    statement = sa.insert(TOKENS).returning(TOKENS.c.id, TOKENS.c.created_at)
    created = datetime(2020, 2, 14, 1, 3, tzinfo=UTC)
    values = {"user_id": users["unit_a"].id, "token_hash": "f" * 64, "label": "thử",
              "created_at": created, "revoked_at": None}
    end_the_tests_read()
    row = Prepared(statement, column_keys=list(values)).first(hot_connection(db.engine),
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
    connection = hot_connection(db.engine)
    insert.first(connection, {**duplicate, "email": "moi@test.vn"})
    with pytest.raises(sa.exc.IntegrityError):
        insert.first(connection, duplicate)
    # Autocommit on both databases: the first insert stays, the connection goes on.
    assert insert.first(connection, {**duplicate, "email": "moi2@test.vn"}) is not None
    kept = db.session.scalar(sa.select(sa.func.count()).where(User.email.like("moi%")))
    assert kept == 2


def test_each_thread_keeps_one_connection_of_its_own(app):
    """The token check and the scan share the thread's connection; another thread has its
    own; after ``dispose()`` (a restore) the next use opens a new one. It is not one of the
    pool's: the ORM's transactions never get a connection left in autocommit mode."""
    first = hot_connection(db.engine)
    assert hot_connection(db.engine) is first
    with ThreadPoolExecutor(1) as other:
        assert other.submit(hot_connection, db.engine).result() is not first
    assert db.engine.pool.checkedout() == 0
    db.engine.dispose()
    renewed = hot_connection(db.engine)
    assert renewed is not first and renewed.pool is db.engine.pool
    assert Prepared(sa.select(sa.literal(1).label("one"))).first(renewed, {}).one == 1


def test_a_thread_keeps_a_connection_to_one_engine_at_a_time(app):
    """Another app's engine (tests, copy-db) takes the place of the previous one, which is
    closed: a thread never piles up connections."""
    first = hot_connection(db.engine)
    other = sa.create_engine(db.engine.url)
    try:
        assert hot_connection(other).engine is other
        assert first._dbapi is None  # closed
        assert hot_connection(db.engine) is not first
    finally:
        other.dispose()


def test_a_connection_the_database_dropped_is_replaced(app, users, token_for):
    """A restarted database closes every connection: the next read on the thread's
    connection reconnects and runs (what ``pool_pre_ping`` did for each checkout)."""
    token_for(users["checkin"])
    db.session.commit()
    connection = hot_connection(db.engine)
    connection._dbapi.dbapi_connection.close()  # as a server restart leaves it
    rows = Prepared(STATEMENT).all(connection, {"user_id": users["checkin"].id})
    assert len(rows) == 1
    insert = Prepared(sa.insert(ApiToken.__table__).returning(ApiToken.__table__.c.id),
                      column_keys=["user_id", "token_hash", "label", "created_at"])
    connection._dbapi.dbapi_connection.close()
    with pytest.raises(sa.exc.DBAPIError) as raised:  # a write is not retried blindly
        insert.first(connection, {"user_id": users["checkin"].id, "token_hash": "e" * 64,
                                  "label": "", "created_at": datetime.now(UTC)})
    assert raised.value.connection_invalidated
    assert insert.first(connection, {"user_id": users["checkin"].id, "token_hash": "e" * 64,
                                     "label": "", "created_at": datetime.now(UTC)})
