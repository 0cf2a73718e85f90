"""Command-line interface: ``flask --app eventapp <command>`` (or the ``eventapp`` script)."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext

from eventapp.database import unit_of_work
from eventapp.errors import Invalid

DEMO_PASSWORD = "doithoai2020"


def register_cli(app: Flask) -> None:
    for command in (init_db, create_user, create_token, revoke_token, import_event,
                    demo):
        app.cli.add_command(command)


def upgrade_schema() -> None:
    """Bring the schema to the newest revision (every head: domains migrate side by side)."""
    from flask_migrate import upgrade

    upgrade(revision="heads")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


def _invalid_message(error: Invalid) -> str:
    return "Dữ liệu không hợp lệ:\n" + "\n".join(f"  {field}: {msg}"
                                                  for field, msg in error.fields.items())


@click.command("init-db")
@with_appcontext
def init_db():
    """Create or upgrade the database schema."""
    upgrade_schema()
    click.echo("Cơ sở dữ liệu đã sẵn sàng.")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["organizer", "unit", "checkin"]), required=True)
@click.option("--unit", "unit_code", help="Mã đơn vị (bắt buộc với --role unit).")
@click.option("--name", "full_name", default="", help="Họ và tên.")
@click.option("--password", prompt="Mật khẩu", hide_input=True, confirmation_prompt=True)
@with_appcontext
def create_user(email, role, unit_code, full_name, password):
    """Create an account (prompts for the password when --password is absent)."""
    from eventapp.accounts.services import create_user as create
    from eventapp.database import unit_of_work

    try:
        with unit_of_work():
            user = create(email, role, password, unit_code=unit_code, full_name=full_name)
    except Invalid as error:
        _fail(_invalid_message(error))
    click.echo(f"Đã tạo tài khoản {user.email} ({user.role}).")


@click.command("create-token")
@click.argument("email")
@click.option("--label", default="cli", help="Nhãn để nhận ra và thu hồi mã.")
@click.option("--days", type=int, default=None,
              help="Số ngày hiệu lực (mặc định: không hết hạn).")
@with_appcontext
def create_token(email, label, days):
    """Create an API token for EMAIL and print it alone on the last line."""
    from eventapp.accounts.services import find_user, token_expiry
    from eventapp.auth import issue_token
    with unit_of_work():
        user = find_user(email)
        if user is None:
            _fail(f"Không có tài khoản {email}.")
        try:
            expires_at = token_expiry(days)
        except Invalid as error:
            _fail(_invalid_message(error))
        token = issue_token(user, label, expires_at)
    until = f", hết hạn sau {days} ngày" if days else ""
    click.echo(f"Mã truy cập “{label}” cho {user.email}{until} (chỉ hiện một lần):")
    click.echo(token)


@click.command("revoke-token")
@click.argument("email")
@click.option("--label", required=True, help="Nhãn của mã cần thu hồi.")
@with_appcontext
def revoke_token(email, label):
    """Revoke EMAIL's live API tokens labelled LABEL (they get 401 from then on)."""
    from eventapp.accounts.services import find_user, revoke_tokens
    from eventapp.database import unit_of_work

    with unit_of_work():
        user = find_user(email)
        if user is None:
            _fail(f"Không có tài khoản {email}.")
        count = revoke_tokens(user, label)
    if not count:
        _fail(f"{user.email} không có mã truy cập nào còn hiệu lực với nhãn “{label}”.")
    click.echo(f"Đã thu hồi {count} mã truy cập “{label}” của {user.email}.")


def _load_definition(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        _fail(f"{path}: tệp không phải văn bản UTF-8.")
    except json.JSONDecodeError as error:
        _fail(f"{path}: JSON không hợp lệ (dòng {error.lineno}, cột {error.colno}).")
    if not isinstance(data, dict):
        _fail(f"{path}: phải là một đối tượng JSON.")
    return data


@click.command("import-event")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_event(file: Path):
    """Create or update (by slug) an event from a JSON definition; prints the slug last."""
    from eventapp.events.services import import_event as do_import

    data = _load_definition(file)
    try:
        with unit_of_work():
            event = do_import(data)
    except Invalid as error:
        _fail(_invalid_message(error))
    click.echo(f"Đã nhập sự kiện: {event.title[:80]}…")
    click.echo(event.slug)


@click.command("demo")
@click.option("--password", default=None,
              help=f"Mật khẩu của các tài khoản mẫu (mặc định {DEMO_PASSWORD}, chỉ với SQLite "
                   "và khi chưa bật EVENTAPP_TLS).")
@with_appcontext
def demo(password: str | None):
    """Load the seed's event (Bến Tre, 14/02/2020) and demo accounts."""
    from flask import current_app

    from eventapp.accounts.services import create_user as create
    from eventapp.accounts.services import find_user
    from eventapp.events.services import import_event as do_import
    from eventapp.extensions import db

    if password is None:
        # The default password is printed in the README: fine on a laptop, not on a server.
        if db.engine.dialect.name != "sqlite" or current_app.config.get("TLS"):
            _fail("Đây là máy chủ thật (PostgreSQL hoặc EVENTAPP_TLS=1): không tạo tài khoản "
                  f"mẫu với mật khẩu công khai '{DEMO_PASSWORD}'. Hãy chạy lại với "
                  "--password <mật khẩu riêng>.")
        password = DEMO_PASSWORD
    upgrade_schema()
    data = json.loads(resources.files("eventapp.events").joinpath("demo_event.json")
                      .read_text(encoding="utf-8"))
    accounts = [("bantochuc@demo.vn", "organizer", None, "Ban Thanh thiếu nhi trường học"),
                ("checkin@demo.vn", "checkin", None, "Tổ đón tiếp")]
    accounts += [(f"{u['code'].lower()}@demo.vn", "unit", u["code"], u["name"])
                 for u in data["units"]]
    with unit_of_work():
        event = do_import(data)
        for email, role, unit_code, name in accounts:
            if find_user(email) is None:
                create(email, role, password, unit_code=unit_code, full_name=name)
    click.echo(f"Đã nạp sự kiện mẫu '{event.slug}' với {len(data['units'])} đơn vị.")
    click.echo(f"Đăng nhập (mật khẩu: {password}):")
    click.echo("  Ban tổ chức:  bantochuc@demo.vn")
    click.echo("  Đơn vị:       batri@demo.vn (Huyện đoàn Ba Tri), "
               "thpt-ndchieu@demo.vn, … (<mã đơn vị>@demo.vn)")
    click.echo("  Check-in:     checkin@demo.vn")


def main() -> None:
    """The ``eventapp`` console script: the Flask CLI bound to this app."""
    from eventapp import create_app

    FlaskGroup(create_app=create_app)(prog_name="eventapp")
