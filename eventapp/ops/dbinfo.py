"""Facts about a database that backup, restore and copy-db need: its kind, its tables and
row counts, its schema revision, and how to hand it to PostgreSQL's command-line tools.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import sqlalchemy as sa
from alembic.config import Config
from alembic.script import ScriptDirectory

VERSION_TABLE = "alembic_version"


class OpsError(Exception):
    """An operation refused or failed; the message is Vietnamese and says what to do."""


def kind_of(url: sa.URL | str) -> str:
    """``sqlite`` or ``postgresql`` (anything else is refused)."""
    backend = sa.make_url(url).get_backend_name()
    if backend not in {"sqlite", "postgresql"}:
        raise OpsError(f"Loại cơ sở dữ liệu '{backend}' không được hỗ trợ "
                       "(chỉ SQLite và PostgreSQL).")
    return backend


def sqlite_path(url: sa.URL | str) -> Path:
    """The file behind an SQLite URL (an in-memory database cannot be backed up)."""
    database = sa.make_url(url).database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise OpsError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu/khôi phục được.")
    return Path(database).expanduser().resolve()


def table_names(conn: sa.Connection) -> list[str]:
    return sorted(sa.inspect(conn).get_table_names())


def row_counts(conn: sa.Connection, tables: list[str] | None = None) -> dict[str, int]:
    """``{table: rows}`` for every table (or the given ones), read on ``conn``."""
    preparer = conn.dialect.identifier_preparer
    return {name: conn.scalar(sa.text(f"SELECT count(*) FROM {preparer.quote(name)}"))
            for name in (table_names(conn) if tables is None else tables)}


def revisions(conn: sa.Connection) -> list[str]:
    """The Alembic revision(s) the schema is at; empty when never migrated."""
    if VERSION_TABLE not in table_names(conn):
        return []
    return sorted(conn.scalars(sa.text(f"SELECT version_num FROM {VERSION_TABLE}")))


def seeded_tables() -> set[str]:
    """Tables the migrations fill with reference rows (``info={"seeded": True}`` on the
    model, e.g. the default unit kinds): a database holding only those is still empty."""
    from eventapp.extensions import db  # the models' metadata, not the database's

    return {t.name for t in db.metadata.tables.values() if t.info.get("seeded")}


def tables_with_rows(conn: sa.Connection) -> list[str]:
    """Tables holding data (the schema's own version table and the migrations' seeded
    reference tables do not count)."""
    ignored = {VERSION_TABLE, *seeded_tables()}
    return [name for name, count in row_counts(conn).items() if count and name not in ignored]


def pg_command(tool: str, url: sa.URL | str) -> tuple[list[str], dict[str, str]]:
    """The argv prefix and environment to run ``pg_dump``/``pg_restore`` against ``url``.

    The password goes through ``PGPASSWORD`` so that it never shows in ``ps``.
    """
    path = shutil.which(tool)
    if path is None:
        raise OpsError(f"Không tìm thấy lệnh {tool}. Cài gói postgresql-client "
                       f"(cùng phiên bản chính với máy chủ) rồi chạy lại.")
    url = sa.make_url(url)
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    conninfo = url.set(drivername="postgresql", password=None)
    return [path, "--dbname", conninfo.render_as_string(hide_password=False)], env


def unknown_revisions(revs: list[str]) -> list[str]:
    """Those of ``revs`` this version of the program does not know (a newer backup)."""

    config = Config()
    config.set_main_option("script_location", str(Path(__file__).parents[1] / "migrations"))
    script = ScriptDirectory.from_config(config)
    unknown = []
    for rev in revs:
        try:
            if script.get_revision(rev) is None:
                unknown.append(rev)
        except Exception:  # alembic raises several types for an unknown id
            unknown.append(rev)
    return unknown
