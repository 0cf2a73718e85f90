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

from collections import namedtuple
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import g
from sqlalchemy.engine import Dialect


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]            # bind names, in placeholder order when positional
    positional: bool
    defaults: dict[str, Any]          # values of binds the caller need not give
    binders: tuple[tuple[str, Any], ...]     # (name, bind processor) where there is one
    row: type | None                  # namedtuple of the result columns; None: no result
    readers: tuple[tuple[int, Any], ...]     # (column index, result processor)


class Prepared:
    """A Core statement, compiled once per dialect, run on a DB-API connection.

    ``Prepared(select(...)).all(connection, {"slug": ...})`` → list of named tuples.
    An INSERT gets no Python-side column defaults (``default=now``): pass every value.
    """

    def __init__(self, statement: sa.Executable, column_keys: list[str] | None = None):
        self.statement = statement
        self.column_keys = column_keys
        self._by_dialect: dict[str, _Compiled] = {}

    def _compiled(self, dialect: Dialect) -> _Compiled:
        compiled = self._by_dialect.get(dialect.name)
        if compiled is None:
            compiled = self._by_dialect[dialect.name] = self._compile(dialect)
        return compiled

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
        return _Compiled(str(compiled), names, compiled.positional, defaults, binders, row,
                         readers)

    def all(self, connection: RawConnection, params: dict[str, Any]) -> list:
        """Run and fetch every row (named tuples), processed by the columns' types."""
        compiled = self._compiled(connection.dialect)
        values = {**compiled.defaults, **params} if compiled.defaults else dict(params)
        for name, process in compiled.binders:
            values[name] = process(values[name])
        arguments = [values[n] for n in compiled.names] if compiled.positional else values
        raw = connection.run(compiled.sql, arguments, compiled.row is not None)
        if not compiled.readers:
            return [compiled.row._make(r) for r in raw]
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
    """A pooled DB-API connection with the dialect its statements compile for.

    The driver's errors come out as SQLAlchemy's (``OperationalError``, ``DataError``, …),
    so the app's error handlers treat them as they treat the ORM's: an unreachable
    database is a 503, a value the database refuses a 400.
    """

    def __init__(self, engine: sa.Engine):
        self.dialect = engine.dialect
        self._driver_error = self.dialect.loaded_dbapi.Error
        try:
            self._dbapi = engine.raw_connection()
        except self._driver_error as error:
            raise self._translated(error, None, None) from error
        # Autocommit: each statement is its own transaction, with no BEGIN/COMMIT round
        # trips. SQLite's driver connections are in that mode already (the app issues its
        # own BEGIN, database._sqlite_pragmas); the others are put back on release.
        self._switched = self.dialect.name != "sqlite"
        if self._switched:
            self.dialect.set_isolation_level(self._dbapi.dbapi_connection, "AUTOCOMMIT")

    def run(self, sql: str, arguments, fetch: bool) -> list:
        """Execute ``sql`` on a fresh cursor; its rows if ``fetch``, else ``[]``."""
        cursor = self._dbapi.cursor()
        try:
            cursor.execute(sql, arguments)
            return cursor.fetchall() if fetch else []
        except self._driver_error as error:
            raise self._translated(error, sql, arguments) from error
        finally:
            cursor.close()

    def _translated(self, error: Exception, sql: str | None, arguments) -> sa.exc.DBAPIError:
        return sa.exc.DBAPIError.instance(sql, arguments, error, self._driver_error)

    def close(self) -> None:
        try:
            if self._switched:
                self.dialect.reset_isolation_level(self._dbapi.dbapi_connection)
        except self.dialect.loaded_dbapi.Error:
            self._dbapi.invalidate()  # broken (the server went away): not reused
        finally:
            self._dbapi.close()  # back to the pool


def request_connection(engine: sa.Engine) -> RawConnection:
    """This request's pooled connection for prepared statements, outside the ORM session.

    Checked out on first use and returned to the pool when the app context ends
    (``release_request_connection``), so the token check and a scan share one. It is in
    autocommit mode on every database: each statement is its own transaction, so write
    only what one statement can do atomically (``INSERT … ON CONFLICT``).
    """
    connection = g.get("_prepared_connection")
    if connection is None:
        connection = g._prepared_connection = RawConnection(engine)
    return connection


def release_request_connection(_error: BaseException | None = None) -> None:
    """Return this request's connection to the pool (``app.teardown_appcontext``)."""
    connection = g.pop("_prepared_connection", None)
    if connection is not None:
        connection.close()


def uses_request_connection(view):
    """Mark a view whose work runs on ``request_connection()``: the API's token check then
    leaves the connection to it instead of returning it to the pool at once."""
    view.uses_request_connection = True
    return view
