"""Operator commands: ``flask --app eventapp backup|restore|copy-db`` (no web pages)."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Blueprint, current_app

from eventapp import config, create_app
from eventapp.cli import upgrade_schema
from eventapp.extensions import db
from eventapp.ops import backup as backups
from eventapp.ops import copydb
from eventapp.ops.dbinfo import OpsError, kind_of

bp = Blueprint("ops", __name__, cli_group=None)


def _fail(error: OpsError) -> None:
    click.echo(f"Lỗi: {error}", err=True)
    sys.exit(2)


def _uploads() -> Path:
    return Path(current_app.config["UPLOAD_FOLDER"])


@bp.cli.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
def backup_command(dest: Path):
    """Back up the database and the uploads to DEST (a new folder, or a .tar.gz file).

    Safe while the app is running: the database is copied as one consistent snapshot.
    """
    try:
        manifest = backups.backup(db.engine, _uploads(), dest,
                                  backups.code_key_of(current_app))
    except OpsError as error:
        _fail(error)
    database = manifest["database"]
    rows = sum(count for name, count in database["tables"].items())
    click.echo(f"Đã sao lưu {database['kind']} ({len(database['tables'])} bảng, {rows} dòng; "
               f"lược đồ {', '.join(database['revisions']) or '—'}) và "
               f"{manifest['uploads']['files']} tệp tải lên.")
    for name in manifest["uploads"]["vanished"]:
        click.echo(f"  (tệp {name} bị xóa trong lúc sao lưu, bỏ qua)")
    if manifest["code_key"]["file"]:
        click.echo("Khóa mã check-in (instance/secret_key) được sao lưu kèm: giữ bản sao lưu "
                   "kín như giữ chính tệp khóa.")
    else:
        click.echo(f"Khóa mã check-in lấy từ {manifest['code_key']['source']} trong cấu hình, "
                   "không nằm trong bản sao lưu: máy khôi phục phải đặt đúng giá trị đó.")
    click.echo(str(Path(dest).resolve()))


@bp.cli.command("restore")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--force", is_flag=True,
              help="Ghi đè cơ sở dữ liệu và thư mục tải lên đang có dữ liệu.")
@click.option("--accept-new-code-key", is_flag=True,
              help="Khôi phục dù dữ liệu được tạo với khóa mã check-in khác (mọi mã QR đã in "
                   "mất hiệu lực; phải cấp và in lại).")
def restore_command(source: Path, force: bool, accept_new_code_key: bool):
    """Restore a backup made by `backup` into the configured database and upload folder.

    Stop the app (gunicorn) first. Refuses a target that holds data unless --force.
    """
    try:
        done = backups.restore(db.engine, _uploads(), source, force=force,
                               code_key=backups.code_key_of(current_app),
                               accept_new_code_key=accept_new_code_key)
    except OpsError as error:
        _fail(error)
    upgrade_schema()  # a backup from an older version is brought up to date
    database = done["manifest"]["database"]
    click.echo(f"Đã khôi phục bản sao lưu lúc {done['manifest']['created_at']} "
               f"({sum(database['tables'].values())} dòng, "
               f"{done['manifest']['uploads']['files']} tệp tải lên).")
    if done["moved_aside"]:
        click.echo(f"Các tệp tải lên cũ được chuyển sang {done['moved_aside']}.")
    if done["secret_key"]:
        current_app.config["SECRET_KEY"] = done["secret_key"]
    click.echo(KEY_MESSAGES[done["code_key"]])


KEY_MESSAGES = {
    "same": "Khóa mã check-in trùng với bản sao lưu: các mã QR đã in vẫn dùng được.",
    "restore": "Đã khôi phục khóa mã check-in (instance/secret_key) của bản sao lưu: các mã QR "
               "đã in vẫn dùng được. Khởi động lại ứng dụng để dùng khóa này.",
    "no_codes": "Bản sao lưu chưa có đại biểu nào: máy này giữ khóa mã check-in của mình.",
    "accepted": "CẢNH BÁO: khóa mã check-in khác bản sao lưu; mọi mã QR đã in không còn dùng "
                "được. Cấp lại mã và in lại giấy mời, thẻ đại biểu.",
    "unknown": "CẢNH BÁO: bản sao lưu (phiên bản cũ) không ghi khóa mã check-in; nếu khóa của "
               "máy này khác máy cũ, các mã QR đã in sẽ không dùng được.",
}


@bp.cli.command("copy-db")
@click.option("--to", "target_url", required=True, metavar="URL",
              help="PostgreSQL đích, vd. postgresql://eventapp:…@127.0.0.1/eventapp")
def copy_db_command(target_url: str):
    """Copy all data from the configured database (e.g. SQLite) into an empty PostgreSQL.

    The target is migrated first; the copy is one transaction, checked row by row count.
    Copy the uploads folder separately (or point EVENTAPP_UPLOAD_FOLDER at it).
    """
    try:
        url = config.normalise_database_url(target_url)
        if kind_of(url) != "postgresql":
            raise OpsError("Đích của copy-db phải là PostgreSQL (postgresql://…).")
        _migrate(url)
        target = sa.create_engine(url, pool_pre_ping=True)
        try:
            copydb.check_target(db.engine, target)
            counts = copydb.copy_database(
                db.engine, target, db.metadata,
                progress=lambda name, n: click.echo(f"  {name}: {n} dòng"))
        finally:
            target.dispose()
    except OpsError as error:
        _fail(error)
    except sa.exc.OperationalError as error:
        _fail(OpsError(f"Không kết nối được cơ sở dữ liệu đích: {error.orig}"))
    click.echo(f"Đã chép {sum(counts.values())} dòng trong {len(counts)} bảng sang "
               f"{sa.make_url(url).render_as_string(hide_password=True)}.")
    click.echo("Đặt DATABASE_URL thành địa chỉ này và chép thư mục tải lên "
               f"({_uploads()}) sang máy chủ mới.")


def _migrate(url: str) -> None:
    """Bring the target's schema to the newest revision, with an app bound to it."""
    other = create_app({"SQLALCHEMY_DATABASE_URI": url,
                        "SECRET_KEY": current_app.config["SECRET_KEY"]})
    with other.app_context():
        upgrade_schema()
        db.engine.dispose()
