"""Database plumbing shared by every domain: the declarative base, a UTC datetime type,
SQLite pragmas, and the one write path.

The write path, the same for every domain:

- services change rows and ``flush``; they never commit or roll back;
- the request is the unit of work (``init_app``): a response below 400 commits, anything
  else rolls back; the CLI and scripts use ``unit_of_work()``, which does the same;
- on SQLite a writing request (POST, PUT, PATCH, DELETE) starts its transaction as
  ``BEGIN IMMEDIATE``, so it waits (busy timeout) for the single write lock instead of
  failing with SQLITE_BUSY when a read transaction tries to become a write;
- a service that checks a row's state and then changes it calls ``lock(row)`` first
  (``FOR NO KEY UPDATE`` on PostgreSQL); one that counts rows and then inserts calls
  ``write_lock`` on the parent row.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, object_session, scoped_session
from werkzeug.routing import IntegerConverter

T = TypeVar("T")

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
    """WAL and foreign keys on every SQLite connection (the busy timeout is the driver's
    ``timeout``, from ``SQLITE_BUSY_TIMEOUT_MS``).

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
    cursor.close()


#: Requests with these methods only read; every other request may write.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _wants_immediate(conn) -> bool:
    option = conn.get_execution_options().get("sqlite_immediate")
    if option is not None:
        return bool(option)
    return has_request_context() and request.method not in SAFE_METHODS


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn):
    """BEGIN IMMEDIATE for a transaction that will write, plain BEGIN for one that reads.

    In WAL mode a deferred transaction that has read and then writes gets SQLITE_BUSY at
    once if another writer committed meanwhile (its snapshot is stale), and the busy
    timeout does not apply; an immediate one waits for the write lock up to that timeout.
    """
    if is_sqlite(conn):
        immediate = _wants_immediate(conn)
        conn.info["sqlite_immediate"] = immediate
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _session(session) -> Session:
    return session() if isinstance(session, scoped_session) else session


_WROTE = "eventapp.wrote"


@event.listens_for(Session, "after_flush")
def _note_write(session: Session, _context) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _forget_write(session: Session, transaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)


def has_written(session) -> bool:
    """Has this session's transaction changed anything, flushed or not?"""
    session = _session(session)
    return bool(session.new or session.dirty or session.deleted or session.info.get(_WROTE))


def _restart_immediate(session: Session) -> None:
    """On SQLite, make sure the transaction holds the write lock, restarting it if not.

    A transaction that has already written holds the lock (and its snapshot is current,
    or the write would have failed), so pending changes are flushed, never dropped or
    committed. One that only read is ended and begins again, IMMEDIATE.
    """
    if session.in_transaction():
        if session.connection().info.get("sqlite_immediate"):
            return
        if has_written(session):
            session.flush()
            return
        session.commit()
    session.connection(execution_options={"sqlite_immediate": True})


def write_lock(session, model, ident) -> None:
    """Serialise writers on one parent row until the transaction ends.

    Call it first thing in a service that counts rows and then inserts (quotas, caps,
    capacity). PostgreSQL takes ``SELECT … FOR NO KEY UPDATE`` on the parent row; SQLite
    has one writer anyway, so the transaction holds (or is restarted to take) the write
    lock, and the count that follows is current.
    """
    session = _session(session)
    if is_sqlite(session.get_bind()):
        _restart_immediate(session)
        return
    # FOR NO KEY UPDATE: serialises writers without blocking inserts whose foreign keys
    # merely reference the row (those take KEY SHARE), which avoids needless deadlocks.
    session.execute(sa.select(model.id).where(model.id == ident)
                    .with_for_update(key_share=True))


def lock(row: T) -> T:
    """Re-read ``row`` and keep it locked until the transaction ends; returns it.

    Call it before checking a state that the change depends on (a dossier's status, a
    question's moderation): a concurrent writer then waits, and sees this change when it
    re-reads. Call it before changing the row: a change made before it is re-read away.
    """
    session = object_session(row)
    if is_sqlite(session.get_bind()):
        _restart_immediate(session)
        session.refresh(row)
    else:
        # OF the row's own table: eager joins to other tables are outer joins, which
        # PostgreSQL cannot lock (and need not: only this row's state is checked).
        session.refresh(row, with_for_update={"key_share": True, "of": type(row)})
    return row


@contextmanager
def unit_of_work(session=None) -> Iterator[Session]:
    """Commit what the block did, or roll it all back if it raised (CLI, scripts, workers).

    Writes outside a request start as BEGIN IMMEDIATE on SQLite, as a writing request does.
    """
    if session is None:
        # Imported here to break a real cycle: extensions builds ``db`` on this ``Base``.
        from eventapp.extensions import db

        session = db.session
    session = _session(session)
    if is_sqlite(session.get_bind()):
        _restart_immediate(session)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


def after_commit(session, callback) -> None:
    """Run ``callback`` once the transaction commits (never if it rolls back).

    For work outside the database that must follow it: removing a stored file whose row
    was deleted happens only once the deletion is saved.
    """
    _session(session).info.setdefault("after_commit", []).append(callback)


def after_rollback(session, callback) -> None:
    """Run ``callback`` if the transaction rolls back (never if it commits): a file stored
    for a row that was not saved is removed again."""
    _session(session).info.setdefault("after_rollback", []).append(callback)


@event.listens_for(Session, "after_commit")
def _run_after_commit(session) -> None:
    session.info.pop("after_rollback", None)
    for callback in session.info.pop("after_commit", []):
        callback()


@event.listens_for(Session, "after_rollback")
def _run_after_rollback(session) -> None:
    session.info.pop("after_commit", None)
    for callback in session.info.pop("after_rollback", []):
        callback()


def enum_column(kind: type[enum.StrEnum], length: int) -> sa.Enum:
    """The one column type of a ``StrEnum`` (declare ``Mapped[kind]``): its values stored as
    ``VARCHAR(length)``, the strings the column always held (no native type, no CHECK), and
    read back as members, so ``row.status.label`` works."""
    return sa.Enum(kind, native_enum=False, create_constraint=False, length=length,
                   values_callable=lambda members: [m.value for m in members])


def contains(column, text: str):
    """``column LIKE '%text%'`` with ``%``, ``_`` and the escape character in ``text`` taken
    literally: the one way every search matches a substring."""
    return column.contains(text, autoescape=True)


def refused() -> None:
    """Note that a service refused something in this request: it will commit nothing.

    ``errors.DomainError`` calls it, so a view that catches a refusal to show it on the
    page (status 200) cannot commit what the service had flushed before refusing.
    """
    if has_request_context():
        g.eventapp_refused = True


def init_app(app: Flask) -> None:
    """The request is the unit of work: it commits when the response is below 400 and no
    service refused anything (``refused``); otherwise it rolls back.

    A commit that fails (a constraint, the database gone) raises into the error handlers,
    which answer 409, 503 or 500 and roll back; nothing was saved and the user is told so.
    """
    # Imported here to break a real cycle: extensions builds ``db`` on this ``Base``.
    from eventapp.extensions import db

    @app.after_request
    def _end_unit_of_work(response):
        session = db.session()
        if session.in_transaction():
            if response.status_code < 400 and not g.get("eventapp_refused"):
                session.commit()
            else:
                session.rollback()
        return response
