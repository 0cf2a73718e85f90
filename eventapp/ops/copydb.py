"""Move an installation's data to PostgreSQL (chuyển dữ liệu SQLite sang PostgreSQL).

Table by table in foreign-key order, from one read snapshot of the source into one
transaction on the target; sequences are moved past the copied ids; every table's row
count is compared before the commit. Any failure leaves the target as empty as it was.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from eventapp.ops.dbinfo import (
    VERSION_TABLE,
    OpsError,
    kind_of,
    revisions,
    row_counts,
    seeded_tables,
    table_names,
    tables_with_rows,
)

BATCH = 1000


def check_target(source: Engine, target: Engine) -> None:
    """Refuse unless the target is PostgreSQL, migrated to the source's revision, and empty."""
    if kind_of(target.url) != "postgresql":
        raise OpsError("Đích của copy-db phải là PostgreSQL (postgresql://…).")
    if _same_database(source.url, target.url):
        raise OpsError("Nguồn và đích là cùng một cơ sở dữ liệu.")
    with source.connect() as s, target.connect() as t:
        source_revs, target_revs = revisions(s), revisions(t)
        busy = tables_with_rows(t)
    if source_revs != target_revs:
        raise OpsError(f"Lược đồ khác nhau: nguồn {source_revs or 'chưa khởi tạo'}, đích "
                       f"{target_revs or 'chưa khởi tạo'}. Chạy init-db cho cả hai trước.")
    if busy:
        raise OpsError("Cơ sở dữ liệu đích đã có dữ liệu (bảng " + ", ".join(busy[:6])
                       + "). copy-db chỉ chép vào một cơ sở dữ liệu trống.")


def copy_database(source: Engine, target: Engine, metadata: sa.MetaData,
                  progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Copy every table of ``metadata`` from ``source`` into ``target``; all or nothing.

    Returns ``{table: rows copied}``. Call ``check_target`` first.
    """
    copied: dict[str, int] = {}
    with source.connect() as s_conn, target.connect() as t_conn:
        s_conn.begin()  # one read transaction: a consistent view of the source
        present = set(table_names(s_conn))
        tables = [t for t in metadata.sorted_tables if t.name in present]
        skipped = sorted(present - {t.name for t in tables} - {VERSION_TABLE})
        if skipped:
            raise OpsError("Nguồn có bảng mà chương trình này không biết: "
                           + ", ".join(skipped) + ". Không chép để tránh mất dữ liệu.")
        expected = row_counts(s_conn, [t.name for t in tables])
        with t_conn.begin():
            # The target's seeded rows (its migrations' defaults) give way to the source's.
            for table in reversed([t for t in tables if t.name in seeded_tables()]):
                t_conn.execute(table.delete())
            for table in tables:
                copied[table.name] = _copy_table(s_conn, t_conn, table)
                if progress:
                    progress(table.name, copied[table.name])
            _reset_sequences(t_conn, tables)
            found = row_counts(t_conn, [t.name for t in tables])
            wrong = [f"{n}: {found[n]} ≠ {expected[n]}" for n in expected
                     if found[n] != expected[n] or copied[n] != expected[n]]
            if wrong:
                raise OpsError("Số dòng sau khi chép không khớp nguồn: " + "; ".join(wrong)
                               + ". Đã hủy, đích vẫn trống.")
        s_conn.rollback()
    return copied


def _copy_table(s_conn: sa.Connection, t_conn: sa.Connection, table: sa.Table) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = s_conn.execution_options(stream_results=True, yield_per=BATCH).execute(
        sa.select(table).order_by(*order))
    # COPY … FROM STDIN on the target's own connection, inside the same transaction:
    # several times faster than INSERTs. Values go through each column's bind processing
    # (UTC instants, JSON) exactly as an INSERT would.
    dialect = t_conn.dialect
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in table.columns]
    quote = dialect.identifier_preparer.quote
    columns = ", ".join(quote(c.name) for c in table.columns)
    statement = f"COPY {dialect.identifier_preparer.format_table(table)} ({columns}) FROM STDIN"
    count = 0
    try:
        with t_conn.connection.driver_connection.cursor() as cursor, \
                cursor.copy(statement) as copy:
            for rows in result.partitions(BATCH):
                for row in rows:
                    copy.write_row([p(v) if p else v for p, v in zip(processors, row, strict=True)])
                count += len(rows)
    except Exception as error:  # the driver's own errors: the whole copy is rolled back
        raise OpsError(f"Không chép được bảng {table.name}: {_first_line(error)}. "
                       "Đã hủy, đích vẫn trống.") from None
    return count


def _reset_sequences(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """Move each id sequence past the largest copied id, so new rows do not collide."""
    for table in tables:
        for column in table.primary_key.columns:
            if column.autoincrement is False or not _is_integer(column):
                continue
            sequence = conn.scalar(sa.text("SELECT pg_get_serial_sequence(:t, :c)"),
                                   {"t": table.name, "c": column.name})
            if sequence is None:
                continue
            largest = conn.scalar(sa.select(sa.func.max(column)))
            conn.execute(sa.text("SELECT setval(:s, :v, :called)"),
                         {"s": sequence, "v": largest or 1, "called": largest is not None})


def _is_integer(column: sa.Column) -> bool:
    try:
        return column.type.python_type is int
    except NotImplementedError:
        return False


def _same_database(a: sa.URL, b: sa.URL) -> bool:
    a, b = sa.make_url(a), sa.make_url(b)
    return (a.get_backend_name(), a.host, a.port, a.database) == \
        (b.get_backend_name(), b.host, b.port, b.database)


def _first_line(error: Exception) -> str:
    text = str(getattr(error, "orig", error) or error)
    return text.strip().splitlines()[0] if text.strip() else type(error).__name__
