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

The statements run on this request's connection from a second engine of the same database
in autocommit mode (``request_connection``): its own pool, checked out on first use and
returned at the request's teardown, so that the pool's limits, its invalidation of a
dropped connection and the engine's connect hooks (SQLite's pragmas) apply as to any other
connection.
"""

from __future__ import annotations

import contextlib
import operator
from collections import namedtuple
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import Flask, current_app, g
from sqlalchemy.engine import Dialect

from eventapp.extensions import db


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
    """A Core statement, compiled once per dialect, run as driver SQL on a connection.

    ``Prepared(select(...)).all(connection, {"slug": ...})`` → list of named tuples.
    An INSERT gets no Python-side column defaults (``default=now``): pass every value.
    """

    def __init__(self, statement: sa.Executable, column_keys: list[str] | None = None):
        self.statement = statement
        self.column_keys = column_keys
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

    def all(self, connection: PooledConnection, params: dict[str, Any]) -> list:
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
        raw = connection.run(compiled.sql, compiled.arguments(values), compiled.row is not None)
        if not compiled.readers:
            return list(map(compiled.row._make, raw))
        rows = []
        for values in raw:
            values = list(values)
            for i, process in compiled.readers:
                values[i] = process(values[i])
            rows.append(compiled.row._make(values))
        return rows

    def first(self, connection: PooledConnection, params: dict[str, Any]):
        rows = self.all(connection, params)
        return rows[0] if rows else None




# --- This request's autocommit connection ------------------------------------------------------

class PooledConnection:
    """A DB-API connection checked out of the autocommit engine's pool for one request,
    with the dialect its statements compile for.

    Statements run on the driver's cursor: SQLAlchemy's ``Connection`` and result layer
    cost about 0.3 ms a request here (checkout, autobegin, result metadata; measured with
    bench/checkin_bench.py), as much as the scan's own queries. The pool's part stays:
    its limits and timeout, ``pool_pre_ping``, the engine's connect hooks (SQLite's
    pragmas). A driver error comes out as SQLAlchemy's (``OperationalError``,
    ``DataError``…, so the app's error handlers answer 503 or 400). One that means the
    connection is gone invalidates it and replaces the pool, so that no other connection
    opened before a database restart is used again; nothing is retried.
    """

    def __init__(self, engine: sa.Engine):
        self.engine = engine
        self.dialect = engine.dialect
        self._error = self.dialect.loaded_dbapi.Error
        try:
            self._pooled = engine.raw_connection()
        except self._error as error:
            raise sa.exc.DBAPIError.instance(None, None, error, self._error) from error

    def run(self, sql: str, arguments, fetch: bool) -> list:
        """Execute ``sql``; its rows if ``fetch``, else ``[]``."""
        cursor = None
        try:
            cursor = self._pooled.cursor()
            cursor.execute(sql, arguments)
            return cursor.fetchall() if fetch else []
        except self._error as error:
            gone = self.dialect.is_disconnect(error, self._pooled.dbapi_connection, cursor)
            if gone:
                self._pooled.invalidate(error)
                self.engine.dispose(close=False)
            raise sa.exc.DBAPIError.instance(sql, arguments, error, self._error,
                                             connection_invalidated=gone) from error
        finally:
            if cursor is not None:
                with contextlib.suppress(self._error):  # a dropped connection's cursor
                    cursor.close()

    def close(self) -> None:
        """Back to the pool (or, invalidated, closed)."""
        self._pooled.close()


_ENGINE = "eventapp.prepared.engine"


def init_app(app: Flask) -> None:
    """Return the request's connection to its pool when the request (app context) ends."""
    app.teardown_appcontext(_return_connection)


def request_connection() -> PooledConnection:
    """This request's connection for prepared statements, outside the ORM session: the
    API's token check and the door's scan share it.

    Autocommit: each statement is its own transaction, so write only what one statement
    does atomically (``INSERT … ON CONFLICT``), and never wait on the ORM session's
    transaction of the same request (on SQLite it may hold the write lock).
    """
    connection = g.get("_prepared_connection")
    if connection is None:
        connection = g._prepared_connection = PooledConnection(_autocommit_engine())
    return connection


def _return_connection(_error: BaseException | None = None) -> None:
    connection = g.pop("_prepared_connection", None)
    if connection is not None:
        connection.close()


def _autocommit_engine() -> sa.Engine:
    """The app's autocommit engine: the same URL and options as the ORM's engine (with
    ``pool_pre_ping`` on PostgreSQL, so a scan after a database restart finds a live
    connection), its own pool. Nothing to reset when a connection comes back (each
    statement committed itself). Disposed with the ORM's engine (a restore, a test's end)."""
    engine = current_app.extensions.get(_ENGINE)
    if engine is None:
        main = db.engine
        options = dict(current_app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
        options.update(isolation_level="AUTOCOMMIT", pool_reset_on_return=None)
        engine = current_app.extensions[_ENGINE] = sa.create_engine(main.url, **options)
        sa.event.listen(main, "engine_disposed", lambda _main: engine.dispose())
    return engine
