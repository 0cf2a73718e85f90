"""Backup and restore (sao lưu / khôi phục) of the database and the uploads folder.

SQLite is copied with its online backup API in one step: a consistent snapshot, taken while
the app keeps writing (WAL). PostgreSQL is dumped with ``pg_dump`` in a snapshot that is
exported from our own transaction, so the row counts in the manifest describe exactly the
dump. The uploads are copied after the database: a file is written before the row that
points to it is committed, so every file a backed-up row names is already there.

The check-in codes printed on invitations and badges are keyed by configuration, not data
(``registration/codes.py``). The manifest records which key made them (a fingerprint, never
the key) and, when the key comes from ``instance/secret_key``, the backup carries that file:
``restore`` puts it back, or refuses (changing nothing) when the data it would restore was
made with another key that it cannot put back — a restore must never silently void every
printed QR code.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import sqlite3
import subprocess
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from eventapp.ops import archive
from eventapp.ops.dbinfo import (
    VERSION_TABLE,
    OpsError,
    kind_of,
    pg_command,
    revisions,
    row_counts,
    sqlite_path,
    tables_with_rows,
    unknown_revisions,
)
from eventapp.registration import codes

SQLITE_FILE = "database.sqlite"
PG_FILE = "database.dump"
#: The backup's copy of ``instance/secret_key`` when that file keys the check-in codes.
KEY_FILE = "secret_key"
INSTANCE_KEY = "instance/secret_key"


@dataclass(frozen=True)
class CodeKey:
    """What keys an installation's check-in codes: ``source`` is ``instance/secret_key``
    (``file`` is then that file), ``SECRET_KEY`` or ``CHECKIN_CODE_KEY`` from the
    configuration; ``fingerprint`` tells two keys apart without revealing either."""

    source: str
    fingerprint: str
    file: Path | None = None


def code_key_of(app) -> CodeKey:
    """The check-in code key of ``app``, and where it comes from."""

    with app.app_context():
        key = codes.code_key()
    fingerprint = hashlib.sha256(b"eventapp/code-key-fingerprint\0" + key).hexdigest()[:16]
    if app.config.get("CHECKIN_CODE_KEY"):
        return CodeKey("CHECKIN_CODE_KEY", fingerprint)
    path = Path(app.instance_path) / "secret_key"
    if path.is_file() and path.read_text().strip() == str(app.config["SECRET_KEY"]).strip():
        return CodeKey(INSTANCE_KEY, fingerprint, path)
    return CodeKey("SECRET_KEY", fingerprint)


def backup(engine: Engine, upload_folder: Path, dest: Path, code_key: CodeKey | None = None
           ) -> dict:
    """Write a backup of the database behind ``engine`` and of ``upload_folder`` to ``dest``
    (a new folder, or a file ending in .tar.gz), with what keys the check-in codes
    (``code_key``; its file too when it is ``instance/secret_key``). Returns the manifest."""
    kind = kind_of(engine.url)
    dest = Path(dest).resolve()
    staging = archive.staging_for(dest)
    try:
        if kind == "sqlite":
            database = _sqlite_snapshot(sqlite_path(engine.url), staging / SQLITE_FILE)
        else:
            database = _pg_snapshot(engine, staging / PG_FILE)
        copied, vanished = archive.copy_tree(Path(upload_folder), staging / archive.UPLOADS)
        extra = {}
        if code_key is not None:
            carried = None
            if code_key.file is not None:
                _write_private(staging / KEY_FILE, code_key.file.read_text())
                carried = KEY_FILE
            extra["code_key"] = {"source": code_key.source,
                                 "fingerprint": code_key.fingerprint, "file": carried}
        manifest = archive.write_manifest(staging, {
            "app": "eventapp",
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "host": socket.gethostname(),
            "database": {"kind": kind, **database},
            "uploads": {"files": copied, "vanished": vanished},
            **extra,
        })
        archive.finish(staging, dest)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return manifest


def restore(engine: Engine, upload_folder: Path, source: Path, *, force: bool = False,
            code_key: CodeKey | None = None, accept_new_code_key: bool = False) -> dict:
    """Put a backup back into the database behind ``engine`` and into ``upload_folder``,
    and the check-in code key into ``code_key.file`` when the backup carries it.

    Refuses a damaged backup, one from a newer program, one of the other database kind,
    (without ``force``) a target that already holds data, and (without
    ``accept_new_code_key``) delegates whose codes were made with a key that this
    installation does not use and cannot take from the backup. Returns what was done.
    """
    kind = kind_of(engine.url)
    upload_folder = Path(upload_folder)
    root, scratch = archive.open_backup(Path(source))
    try:
        manifest = archive.read_manifest(root)
        database = manifest.get("database") or {}
        if database.get("kind") != kind:
            raise OpsError(f"Bản sao lưu là của {database.get('kind')}, còn cơ sở dữ liệu đang "
                           f"cấu hình là {kind}. Khôi phục vào đúng loại, rồi dùng lệnh copy-db "
                           "để chuyển từ SQLite sang PostgreSQL.")
        unknown = unknown_revisions(database.get("revisions", []))
        if unknown:
            raise OpsError("Bản sao lưu được tạo bởi phiên bản chương trình mới hơn (lược đồ "
                           f"{', '.join(unknown)}). Cập nhật chương trình rồi khôi phục lại.")
        busy = _tables_with_rows(engine, kind)
        if busy and not force:
            raise OpsError("Cơ sở dữ liệu đích đã có dữ liệu (bảng "
                           + ", ".join(busy[:6]) + ("…" if len(busy) > 6 else "")
                           + "). Không khôi phục đè; thêm --force nếu thật sự muốn thay "
                           "toàn bộ dữ liệu hiện có bằng bản sao lưu.")
        if not archive.folder_is_empty(upload_folder) and not force:
            raise OpsError(f"Thư mục tệp tải lên {upload_folder} đã có tệp. Thêm --force để "
                           "thay (các tệp hiện có được chuyển sang thư mục bên cạnh).")
        key_plan = _code_key_plan(manifest, root, code_key, accept_new_code_key)
        engine.dispose()  # no pooled connection may see the old database afterwards
        if kind == "sqlite":
            _sqlite_restore(root / database["file"], sqlite_path(engine.url))
        else:
            _pg_restore(engine, root / database["file"])
        engine.dispose()
        _check_counts(engine, database.get("tables", {}))
        moved_aside = _restore_uploads(root / archive.UPLOADS, upload_folder)
        secret_key = None
        if key_plan == "restore":
            secret_key = _restore_key_file(root / KEY_FILE, code_key.file)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)
    return {"manifest": manifest, "moved_aside": moved_aside, "code_key": key_plan,
            "secret_key": secret_key}


# --- The check-in code key --------------------------------------------------------------------

def _code_key_plan(manifest: dict, root: Path, here: CodeKey | None, accept: bool) -> str:
    """What to do about the code key: ``same``, ``restore`` (the backup's file replaces
    ``instance/secret_key``), ``unknown`` (an older backup), ``no_codes`` (keys differ but
    the backup holds no delegate), ``accepted`` (keys differ, the operator said so)."""
    theirs = manifest.get("code_key")
    if not theirs or here is None:
        return "unknown"
    if theirs.get("fingerprint") == here.fingerprint:
        return "same"
    if theirs.get("file") and here.file is not None:
        if not (root / theirs["file"]).is_file():
            raise OpsError(f"Bản sao lưu thiếu tệp khóa {theirs['file']}; không khôi phục.")
        return "restore"
    delegates = int((manifest.get("database") or {}).get("tables", {}).get("attendee") or 0)
    if delegates == 0:
        return "no_codes"
    if accept:
        return "accepted"
    if theirs.get("file"):
        fix = (f"máy này lấy khóa từ {here.source} trong cấu hình (biến môi trường hoặc "
               "instance/config.py), nên không dùng được tệp khóa trong bản sao lưu. Bỏ "
               f"{here.source} khỏi cấu hình, hoặc đặt SECRET_KEY bằng nội dung tệp "
               f"{theirs['file']} trong bản sao lưu")
    else:
        fix = (f"máy cũ lấy khóa từ {theirs.get('source')} trong cấu hình, bản sao lưu không "
               f"mang khóa đó. Đặt {theirs.get('source')} trên máy này giống máy cũ")
    raise OpsError(
        "KHÔNG KHÔI PHỤC: dữ liệu trong bản sao lưu được tạo với khóa mã check-in khác với "
        f"khóa của máy này; nếu khôi phục, mã QR đã in cho {delegates} đại biểu (giấy mời, "
        f"thẻ) sẽ không còn dùng được. Lý do: {fix}, rồi chạy lại. Nếu chấp nhận cấp lại và "
        "in lại toàn bộ mã, thêm --accept-new-code-key. Chưa có gì bị thay đổi.")


def _restore_key_file(backup_file: Path, target: Path) -> str:
    """Put the backup's key in ``target`` (the old one moved aside); returns the key."""
    text = backup_file.read_text()
    if target.exists() and target.read_text().strip() != text.strip():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target.replace(target.with_name(f"{target.name}.truoc-khoi-phuc-{stamp}"))
    partial = target.with_name(target.name + ".partial")
    partial.unlink(missing_ok=True)
    _write_private(partial, text)
    partial.replace(target)
    return text.strip()


def _write_private(path: Path, text: str) -> None:
    """A file only its owner may read (a key)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(text)


# --- SQLite ---------------------------------------------------------------------------------

def _sqlite_snapshot(path: Path, target: Path) -> dict:
    if not path.is_file():
        raise OpsError(f"Không tìm thấy tệp cơ sở dữ liệu {path}.")
    source = sqlite3.connect(path, timeout=30)
    copy = sqlite3.connect(target)
    try:
        # pages=-1: the whole database in one step, i.e. one read transaction — a snapshot.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        counts, revs = _sqlite_check(copy)
    finally:
        copy.close()
        source.close()
    return {"file": SQLITE_FILE, "revisions": revs, "tables": counts}


def _sqlite_restore(backup_file: Path, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(backup_file)
    target = sqlite3.connect(path, timeout=30)
    try:
        # Replaces the whole target in one transaction: a failure leaves it as it was.
        source.backup(target, pages=-1)
        target.execute("PRAGMA journal_mode=WAL")
        _sqlite_check(target)
    finally:
        target.close()
        source.close()


def _sqlite_check(conn: sqlite3.Connection) -> tuple[dict[str, int], list[str]]:
    """Integrity and foreign keys checked; returns the row counts and schema revisions."""
    result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    if result != "ok":
        raise OpsError(f"Kiểm tra toàn vẹn SQLite thất bại: {result}")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        raise OpsError(f"SQLite có {len(broken)} dòng tham chiếu hỏng (bảng {broken[0][0]}).")
    names = [row[0] for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]
    counts = {name: conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
              for name in names}
    revs = sorted(row[0] for row in conn.execute(f"SELECT version_num FROM {VERSION_TABLE}")
                  ) if VERSION_TABLE in names else []
    return counts, revs


# --- PostgreSQL -----------------------------------------------------------------------------

def _pg_snapshot(engine: Engine, target: Path) -> dict:
    argv, env = pg_command("pg_dump", engine.url)
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            # pg_dump joins this snapshot: the counts below describe exactly the dump.
            snapshot = conn.scalar(sa.text("SELECT pg_export_snapshot()"))
            counts, revs = row_counts(conn), revisions(conn)
            _run(argv + ["--format=custom", f"--snapshot={snapshot}", "--file", str(target)],
                 env, "pg_dump")
    return {"file": PG_FILE, "revisions": revs, "tables": counts}


def _pg_restore(engine: Engine, dump: Path) -> None:
    # A session in the middle of a transaction (a running app) holds locks that DROP would
    # wait for without end — the dump itself turns lock_timeout off. Refuse instead.
    with engine.connect() as conn:
        busy = conn.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND backend_type = 'client backend' "
            "AND state <> 'idle'"))
    engine.dispose()
    if busy:
        raise OpsError(f"Cơ sở dữ liệu đang được dùng ({busy} phiên đang làm việc; ứng dụng vẫn "
                       "chạy?). Dừng gunicorn rồi chạy lại; chưa có gì bị thay đổi.")
    argv, env = pg_command("pg_restore", engine.url)
    # One transaction: if anything fails, the database is left exactly as it was.
    _run(argv + ["--clean", "--if-exists", "--no-owner", "--no-privileges",
                 "--single-transaction", "--exit-on-error", str(dump)], env, "pg_restore")


def _run(argv: list[str], env: dict, tool: str) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise OpsError(f"{tool} thất bại (mã {done.returncode}): {done.stderr.strip()[-2000:]}")


# --- Both -----------------------------------------------------------------------------------

def _tables_with_rows(engine: Engine, kind: str) -> list[str]:
    if kind == "sqlite" and not sqlite_path(engine.url).exists():
        return []
    with engine.connect() as conn:
        return tables_with_rows(conn)


def _check_counts(engine: Engine, expected: dict[str, int]) -> None:
    with engine.connect() as conn:
        found = row_counts(conn, [name for name in expected
                                  if name in sa.inspect(conn).get_table_names()])
    wrong = [f"{name}: {found.get(name, 'không có bảng')} ≠ {count}"
             for name, count in expected.items() if found.get(name) != count]
    if wrong:
        raise OpsError("Sau khi khôi phục, số dòng không khớp bản sao lưu: " + "; ".join(wrong))


def _restore_uploads(source: Path, folder: Path) -> Path | None:
    """Make ``folder`` hold the backup's uploads; files already there are moved aside."""
    aside = None
    if not archive.folder_is_empty(folder):
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = folder.with_name(f"{folder.name}.truoc-khoi-phuc-{stamp}")
        aside.mkdir(parents=True)
        for entry in list(folder.iterdir()):  # entries, not the folder: it may be a mount
            shutil.move(str(entry), aside / entry.name)
    folder.mkdir(parents=True, exist_ok=True)
    archive.copy_tree(source, folder)
    return aside
