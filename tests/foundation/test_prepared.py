"""Prepared statements (eventapp/prepared.py): the same values as Core, the same errors."""

from __future__ import annotations

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
    rows = Prepared(STATEMENT).all(request_connection(db.engine), params)
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
    row = Prepared(statement, column_keys=list(values)).first(request_connection(db.engine),
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
    connection = request_connection(db.engine)
    insert.first(connection, {**duplicate, "email": "moi@test.vn"})
    with pytest.raises(sa.exc.IntegrityError):
        insert.first(connection, duplicate)
    # Autocommit on both databases: the first insert stays, the connection goes on.
    assert insert.first(connection, {**duplicate, "email": "moi2@test.vn"}) is not None
    kept = db.session.scalar(sa.select(sa.func.count()).where(User.email.like("moi%")))
    assert kept == 2


def test_one_connection_per_request(app):
    with app.test_request_context():
        assert request_connection(db.engine) is request_connection(db.engine)
