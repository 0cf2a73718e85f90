"""Database plumbing shared by every domain: the declarative base, a UTC datetime type,
SQLite pragmas, and ``write_lock`` — the one way to serialise a check-then-insert.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, scoped_session
from werkzeug.routing import IntegerConverter

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base with constraint names that Alembic can diff on every backend."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.TypeDecorator):
    """An instant: stored as naive UTC, always returned timezone-aware (UTC).

    SQLite keeps no offset, so every instant is converted to UTC on the way in; a naive
    value is refused rather than guessed.
    """

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC instant")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class DatabaseIdConverter(IntegerConverter):
    """``<int:id>`` limited to what an INTEGER column holds (PostgreSQL: 2**31 − 1)."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def is_sqlite(engine_or_conn) -> bool:
    return engine_or_conn.dialect.name == "sqlite"


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):
    """WAL, foreign keys and a busy timeout on every SQLite connection.

    Autocommit at the driver level lets the ``begin`` hook below issue BEGIN itself, so a
    transaction that must serialise can start as BEGIN IMMEDIATE.
    """
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    timeout = connection_record.info.get("busy_timeout_ms", 30_000)
    cursor.execute(f"PRAGMA busy_timeout={int(timeout)}")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    if is_sqlite(conn):
        mode = "IMMEDIATE" if conn.get_execution_options().get("sqlite_immediate") else ""
        conn.exec_driver_sql(f"BEGIN {mode}".strip())


def write_lock(session, model, ident) -> None:
    """Serialise writers on one parent row until the transaction ends.

    Call it first thing in a service that counts rows and then inserts (quotas, caps,
    capacity). PostgreSQL takes ``SELECT … FOR UPDATE`` on the parent row; SQLite has one
    writer anyway, so the transaction is restarted as ``BEGIN IMMEDIATE`` — any reads done
    before are dropped (nothing may be pending), and the count that follows is current.
    """
    if isinstance(session, scoped_session):
        session = session()  # db.session is a registry; work on this context's session
    if is_sqlite(session.get_bind()):
        if session.new or session.dirty or session.deleted:
            raise RuntimeError("write_lock() must come before any change in the transaction")
        if session.in_transaction():
            session.commit()
        session.connection(execution_options={"sqlite_immediate": True})
        return
    # FOR NO KEY UPDATE: serialises writers without blocking inserts whose foreign keys
    # merely reference the row (those take KEY SHARE), which avoids needless deadlocks.
    session.execute(sa.select(model.id).where(model.id == ident)
                    .with_for_update(key_share=True))
