"""Command-line interface: ``flask --app eventapp <command>`` (or the ``eventapp`` script)."""

from __future__ import annotations

import json
import sys
from datetime import date
from importlib import resources
from pathlib import Path

import click
from flask import Blueprint, current_app
from flask.cli import FlaskGroup
from flask_migrate import upgrade

from eventapp import create_app
from eventapp.accounts.services import create_token as issue_api_token
from eventapp.accounts.services import create_user, find_user, revoke_tokens
from eventapp.database import unit_of_work
from eventapp.demo.live import Actors, load_live
from eventapp.errors import DomainError, Invalid
from eventapp.events.cloning import clone_event
from eventapp.events.services import get_event, import_event
from eventapp.extensions import db
from eventapp.formatting import local_dt

DEMO_PASSWORD = "doithoai2020"
ORGANIZER, STAFF = "bantochuc@demo.vn", "checkin@demo.vn"
#: The core commands; like every domain's ``cli.bp``, a blueprint without a group.
bp = Blueprint("cli", __name__, cli_group=None)


def unit_account(code: str) -> str:
    """The demo account of unit ``code``."""
    return f"{code.lower()}@demo.vn"


def upgrade_schema() -> None:
    """Bring the schema to the newest revision (every head: domains migrate side by side)."""
    upgrade(revision="heads")


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


@bp.cli.command("init-db")
def init_db():
    """Create or upgrade the database schema."""
    upgrade_schema()
    click.echo("Cơ sở dữ liệu đã sẵn sàng.")


@bp.cli.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice(["organizer", "unit", "checkin"]), required=True)
@click.option("--unit", "unit_code", help="Mã đơn vị (bắt buộc với --role unit).")
@click.option("--name", "full_name", default="", help="Họ và tên.")
@click.option("--password", help="Mật khẩu (không có thì hỏi, trừ khi --send-link).")
@click.option("--send-link", is_flag=True,
              help="Không đặt mật khẩu: gửi email liên kết đặt mật khẩu cho tài khoản.")
def create_user_command(email, role, unit_code, full_name, password, send_link):
    """Create an account: with a password (prompted for when --password is absent) or, with
    --send-link, none: the account is mailed a set-password link (through the outbox; the
    link points at PUBLIC_URL, so set it to the address the users reach)."""
    if password is None and not send_link:
        password = click.prompt("Mật khẩu", hide_input=True, confirmation_prompt=True)
    try:
        with unit_of_work():
            user = create_user(email, role, password, unit_code=unit_code, full_name=full_name,
                               send_link=send_link)
    except Invalid as error:
        _fail(error.describe())
    sent = " — đã xếp email liên kết đặt mật khẩu vào hàng gửi" if send_link else ""
    click.echo(f"Đã tạo tài khoản {user.email} ({user.role}){sent}.")


@bp.cli.command("create-token")
@click.argument("email")
@click.option("--label", default="cli", help="Nhãn để nhận ra và thu hồi mã.")
@click.option("--days", type=int, default=None,
              help="Số ngày hiệu lực (mặc định: không hết hạn).")
def create_token(email, label, days):
    """Create an API token for EMAIL and print it alone on the last line."""
    with unit_of_work():
        user = find_user(email)
        if user is None:
            _fail(f"Không có tài khoản {email}.")
        try:
            token = issue_api_token(user, label, days).secret
        except Invalid as error:
            _fail(error.describe())
    until = f", hết hạn sau {days} ngày" if days else ""
    click.echo(f"Mã truy cập “{label}” cho {user.email}{until} (chỉ hiện một lần):")
    click.echo(token)


@bp.cli.command("revoke-token")
@click.argument("email")
@click.option("--label", required=True, help="Nhãn của mã cần thu hồi.")
def revoke_token(email, label):
    """Revoke EMAIL's live API tokens labelled LABEL (they get 401 from then on)."""
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


@bp.cli.command("import-event")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_event_command(file: Path):
    """Create or update (by slug) an event from a JSON definition; prints the slug last."""
    data = _load_definition(file)
    try:
        with unit_of_work():
            event = import_event(data)
    except Invalid as error:
        _fail(error.describe())
    click.echo(f"Đã nhập sự kiện: {event.title[:80]}…")
    click.echo(event.slug)


@bp.cli.command("clone-event")
@click.argument("slug")
@click.argument("new_slug")
@click.option("--starts-on", required=True, metavar="YYYY-MM-DD",
              help="Ngày của phiên đầu tiên trong sự kiện mới.")
def clone_event_command(slug: str, new_slug: str, starts_on: str):
    """Copy event SLUG as NEW_SLUG, moved to start on --starts-on; prints the slug last."""
    try:
        first_day = date.fromisoformat(starts_on)
    except ValueError:
        _fail(f"--starts-on: ngày không hợp lệ “{starts_on}” (cần dạng YYYY-MM-DD).")
    try:
        with unit_of_work():
            source = get_event(slug)
            if source is None:
                _fail(f"Không có sự kiện “{slug}”.")
            event = clone_event(source, new_slug, first_day)
    except DomainError as error:
        _fail(error.describe() if isinstance(error, Invalid) else error.message)
    click.echo(f"Đã nhân bản sự kiện {slug}: phiên đầu tiên ngày {first_day:%d/%m/%Y}.")
    click.echo(event.slug)


@bp.cli.command("demo")
@click.option("--live", is_flag=True,
              help="Thêm sự kiện mẫu dời sang những ngày tới (hạn chót còn mở) với dữ liệu "
                   "mẫu: câu hỏi, đại biểu, hồ sơ vinh danh, check-in.")
@click.option("--password", default=None,
              help=f"Mật khẩu của các tài khoản mẫu (mặc định {DEMO_PASSWORD}, chỉ với SQLite "
                   "và khi chưa bật EVENTAPP_TLS).")
def demo(live: bool, password: str | None):
    """Load the seed's event (Bến Tre, 14/02/2020) and demo accounts; with --live, also
    the seed's event moved to the coming days with sample data (a second run changes nothing)."""
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
    accounts = [(ORGANIZER, "organizer", None, "Ban Thanh thiếu nhi trường học"),
                (STAFF, "checkin", None, "Tổ đón tiếp")]
    accounts += [(unit_account(u["code"]), "unit", u["code"], u["name"]) for u in data["units"]]
    try:
        with unit_of_work():
            # --live keeps a loaded seed as it is, so that its second run writes nothing.
            event = get_event(data["slug"]) if live else None
            event = event or import_event(data)
            for email, role, unit_code, name in accounts:
                if find_user(email) is None:
                    create_user(email, role, password, unit_code=unit_code, full_name=name)
            if live:
                actors = Actors(find_user(ORGANIZER), find_user(STAFF),
                                {u["code"]: find_user(unit_account(u["code"]))
                                 for u in data["units"]})
                live_event, created = load_live(event, actors)
    except Invalid as error:  # a --password the password rule refuses
        _fail(error.describe())
    click.echo(f"Đã nạp sự kiện mẫu '{event.slug}' với {len(data['units'])} đơn vị.")
    if live:
        _tell_live(live_event, created)
    click.echo(f"Đăng nhập (mật khẩu: {password}):")
    click.echo(f"  Ban tổ chức:  {ORGANIZER}")
    click.echo(f"  Đơn vị:       {unit_account('BATRI')} (Huyện đoàn Ba Tri), "
               f"{unit_account('THPT-NDCHIEU')}, … (<mã đơn vị>@demo.vn)")
    click.echo(f"  Check-in:     {STAFF}")


def _tell_live(event, created: bool) -> None:
    """What to try in the live event, once ``serve`` runs (its default address)."""
    base, slug = "https://localhost:8443", event.slug
    first = event.sessions[0].starts_at
    if created:
        click.echo(f"Đã tạo sự kiện thử '{slug}': phiên đầu lúc {local_dt(first, event)}, "
                   "hạn chót câu hỏi, hồ sơ và đăng ký đều còn mở.")
    else:
        click.echo(f"Sự kiện thử '{slug}' đã có sẵn: giữ nguyên, không thay đổi gì.")
    click.echo("Thử ngay (sau khi chạy serve, trên địa chỉ nó in ra):")
    for label, path in [("Tổng quan sự kiện", f"/events/{slug}/"),
                        ("Theo dõi số câu hỏi của đơn vị", f"/events/{slug}/questions/board"),
                        ("Duyệt, gộp câu hỏi trùng", f"/events/{slug}/questions/moderate"),
                        ("Xét hồ sơ vinh danh", f"/events/{slug}/nominations/"),
                        ("Đại biểu và thư mời", f"/events/{slug}/registration/"),
                        ("Bảng check-in trực tiếp", f"/checkin/{slug}/board")]:
        click.echo(f"  {label + ':':34} {base}{path}")


def main() -> None:
    """The ``eventapp`` console script: the Flask CLI bound to this app."""
    FlaskGroup(create_app=create_app)(prog_name="eventapp")
