"""Prepared statements for the few requests that must be fast (the door's scan).

SQLAlchemy's execution layer and the ORM session's BEGIN/COMMIT cost several times what
SQLite takes to answer an indexed query: about 80 µs of Python for a query that SQLite
answers in 15, and 120 µs for an empty session transaction. A check-in scan is the one
request where that dominates (the issue's target is half the throughput of an endpoint
that does nothing), so its statements are Core statements compiled once per dialect and
executed straight on a pooled DB-API connection.

Values still go through the column types' own bind and result processors (``UTCDateTime``
included), so rows hold what Core would have returned. Everything else in the app uses
the ORM session; use this only where a benchmark says so.
"""

from __future__ import annotations

import contextlib
import operator
import threading
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


@dataclass(frozen=True)
class _Compiled:
    sql: str
    defaults: dict[str, Any]          # values of binds the caller need not give
    binders: tuple[tuple[str, Any], ...]     # (name, bind processor) where there is one
    row: type | None                  # namedtuple of the result columns; None: no result
    readers: tuple[tuple[int, Any], ...]     # (column index, result processor)
    arguments: Callable[[dict], Any]  # values by name → what the driver takes


def _arguments(names: tuple[str, ...], positional: bool) -> Callable[[dict], Any]:
    """Values by name → the driver's parameters: a tuple in placeholder order, or the dict
    itself for drivers with named placeholders."""
    if not positional:
        return lambda values: values
    if len(names) > 1:
        return operator.itemgetter(*names)
    return lambda values: tuple(values[name] for name in names)


class Prepared:
    """A Core statement, compiled once per dialect, run on a DB-API connection.

    ``Prepared(select(...)).all(connection, {"slug": ...})`` → list of named tuples.
    An INSERT gets no Python-side column defaults (``default=now``): pass every value.
    """

    def __init__(self, statement: sa.Executable, column_keys: list[str] | None = None):
        self.statement = statement
        self.column_keys = column_keys
        self.is_read = bool(getattr(statement, "is_select", False))
        self._by_dialect: dict[str, _Compiled] = {}

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        binds = compiled.binds
        if any(bind.expanding for bind in binds.values()):
            raise ValueError("IN lists (expanding parameters) are not supported here")
        names = tuple(compiled.positiontup) if compiled.positional else tuple(binds)
        binders = tuple((name, proc) for name in dict.fromkeys(names)
                        if (proc := binds[name].type.dialect_impl(dialect)
                            .bind_processor(dialect)) is not None)
        defaults = {name: bind.effective_value for name, bind in binds.items()
                    if not bind.required}
        columns = list(self.statement.exported_columns) \
            if getattr(self.statement, "exported_columns", None) is not None else []
        row = namedtuple("Row", [c.key for c in columns]) if columns else None
        readers = tuple((i, proc) for i, c in enumerate(columns)
                        if (proc := c.type.dialect_impl(dialect)
                            .result_processor(dialect, None)) is not None)
        return _Compiled(str(compiled), defaults, binders, row, readers,
                         _arguments(names, compiled.positional))

    def all(self, connection: RawConnection, params: dict[str, Any]) -> list:
        """Run and fetch every row (named tuples), processed by the columns' types."""
        dialect = connection.dialect
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = self._compile(dialect)
        values = params
        if compiled.defaults or compiled.binders:
            values = {**compiled.defaults, **params}
            for name, process in compiled.binders:
                values[name] = process(values[name])
        raw = connection.run(compiled.sql, compiled.arguments(values),
                             compiled.row is not None, idempotent=self.is_read)
        if not compiled.readers:
            return list(map(compiled.row._make, raw))
        rows = []
        for values in raw:
            values = list(values)
            for i, process in compiled.readers:
                values[i] = process(values[i])
            rows.append(compiled.row._make(values))
        return rows

    def first(self, connection: RawConnection, params: dict[str, Any]):
        rows = self.all(connection, params)
        return rows[0] if rows else None


class RawConnection:
    """A DB-API connection of its own, in autocommit mode, with the dialect its statements
    compile for.

    It is opened through the engine's pool (so the ``connect`` hooks set SQLite's pragmas)
    and then detached from it: closing it closes it, and it can never go back into the pool
    in autocommit mode and silently take the ORM's transactions with it.

    The driver's errors come out as SQLAlchemy's (``OperationalError``, ``DataError``, …),
    so the app's error handlers treat them as they treat the ORM's: an unreachable
    database is a 503, a value the database refuses a 400.
    """

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.pool = engine.pool
        self.dialect = engine.dialect
        self._driver_error = self.dialect.loaded_dbapi.Error
        self._dbapi = self._driver = None
        self._connect()

    def _connect(self) -> None:
        try:
            dbapi = self.pool.connect()
        except self._driver_error as error:
            raise self._translated(error, None, None) from error
        dbapi.detach()
        # Autocommit: each statement is its own transaction, with no BEGIN/COMMIT round
        # trips. SQLite's driver connections are in that mode already (the app issues its
        # own BEGIN, database._sqlite_pragmas).
        if self.dialect.name != "sqlite":
            self.dialect.set_isolation_level(dbapi.dbapi_connection, "AUTOCOMMIT")
        # Cursors come straight from the driver's connection, without the pool's wrapper.
        self._dbapi, self._driver = dbapi, dbapi.dbapi_connection

    def run(self, sql: str, arguments, fetch: bool, *, idempotent: bool = False) -> list:
        """Execute ``sql`` on a fresh cursor; its rows if ``fetch``, else ``[]``.

        If the database dropped the connection since its last use (a restart), the
        connection is replaced, and an ``idempotent`` statement (a read) is run again on
        the new one: SQLAlchemy's "optimistic" disconnect handling, instead of a ping
        before every use.
        """
        try:
            return self._run(sql, arguments, fetch)
        except self._driver_error as error:
            if not self._dropped(error):
                raise self._translated(error, sql, arguments) from error
            if not idempotent:
                raise self._translated(error, sql, arguments, dropped=True) from error
        try:
            return self._run(sql, arguments, fetch)
        except self._driver_error as error:
            raise self._translated(error, sql, arguments, self._dropped(error)) from error

    def _run(self, sql: str, arguments, fetch: bool) -> list:
        if self._dbapi is None:  # dropped by the database: open a new one
            self._connect()
        cursor = self._driver.cursor()
        try:
            cursor.execute(sql, arguments)
            return cursor.fetchall() if fetch else []
        finally:
            cursor.close()

    def _dropped(self, error: Exception) -> bool:
        """Whether ``error`` means the connection is gone; if so it is discarded."""
        if not self.dialect.is_disconnect(error, self._driver, None):
            return False
        self.close()
        return True

    def _translated(self, error: Exception, sql: str | None, arguments,
                    dropped: bool = False) -> sa.exc.DBAPIError:
        return sa.exc.DBAPIError.instance(sql, arguments, error, self._driver_error,
                                          connection_invalidated=dropped)

    def close(self) -> None:
        dbapi, self._dbapi, self._driver = self._dbapi, None, None
        if dbapi is not None:
            with contextlib.suppress(self._driver_error):  # broken: nothing left to close
                dbapi.close()

    def __del__(self) -> None:
        """The thread that kept it has ended. (No ``contextlib`` here: at interpreter exit
        module globals may already be gone.)"""
        try:  # noqa: SIM105
            self.close()
        except Exception:
            pass


_held = threading.local()


def hot_connection(engine: sa.Engine) -> RawConnection:
    """This thread's connection to ``engine`` for prepared statements, outside the ORM
    session: the API's token check and the door's scan run on it.

    Opened on first use and kept by the thread — a gunicorn thread serves request after
    request, and a pool checkout and return cost about as much as the token check's
    query. So each worker thread holds one connection besides the pool's
    (``gunicorn.conf.py``); it is closed when the thread ends or asks for another engine,
    and after ``engine.dispose()`` (a restore) the next use opens a new one.

    It is in autocommit mode on every database: each statement is its own transaction,
    so write only what one statement can do atomically (``INSERT … ON CONFLICT``).
    """
    connection = getattr(_held, "connection", None)
    if connection is not None:
        if connection.engine is engine and connection.pool is engine.pool:
            return connection
        connection.close()
    connection = _held.connection = RawConnection(engine)
    return connection
