"""``flask --app eventapp rename-unit`` and ``merge-unit``: a unit's history from the
command line, with the same checks and messages as the unit page."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import Blueprint

from eventapp.database import unit_of_work
from eventapp.errors import DomainError, Invalid
from eventapp.units import services

#: The domain's commands; every domain's ``cli.bp`` is a blueprint without a group.
bp = Blueprint("units_cli", __name__, cli_group=None)


def _fail(message: str) -> None:
    click.echo(message, err=True)
    sys.exit(2)


def _day(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        _fail(f"--from: ngày không hợp lệ “{raw}” (cần dạng YYYY-MM-DD).")


def _unit(code: str):
    unit = services.find_unit(code)
    if unit is None:
        _fail(f"Không có đơn vị mã “{code}”.")
    return unit


def _run(change):
    """Run ``change()`` in one transaction; a refusal exits with status 2 and its reasons."""
    try:
        with unit_of_work():
            return change()
    except DomainError as error:
        _fail(error.describe() if isinstance(error, Invalid) else error.message)


@bp.cli.command("rename-unit")
@click.argument("code")
@click.argument("name")
@click.option("--from", "from_", metavar="YYYY-MM-DD", help="Ngày hiệu lực (mặc định hôm nay).")
@click.option("--note", default="", help="Ghi chú (căn cứ, quyết định số …).")
def rename_unit_command(code: str, name: str, from_: str | None, note: str):
    """Rename unit CODE to NAME from --from; earlier events keep the old name."""
    day = _day(from_)
    change = _run(lambda: services.rename_unit(_unit(code), name, day, None, note))
    click.echo(f"Đã đổi tên {change.old_name} thành {change.new_name} từ ngày "
               f"{change.effective_on:%d/%m/%Y}.")


@bp.cli.command("merge-unit")
@click.argument("code")
@click.argument("into_code")
@click.option("--from", "from_", metavar="YYYY-MM-DD", required=True,
              help="Ngày sáp nhập: từ ngày này đơn vị không tham gia sự kiện nào nữa.")
@click.option("--move-accounts/--deactivate-accounts", default=True,
              help="Chuyển tài khoản của đơn vị sang đơn vị nhận (mặc định) hay khóa chúng.")
@click.option("--note", default="", help="Ghi chú (căn cứ, quyết định số …).")
def merge_unit_command(code: str, into_code: str, from_: str, move_accounts: bool, note: str):
    """Merge unit CODE into INTO_CODE from --from; its past events keep its name."""
    day = _day(from_)
    change = _run(lambda: services.merge_unit(_unit(code), _unit(into_code), day,
                                              move_accounts, None, note))
    accounts = "chuyển sang đơn vị nhận" if move_accounts else "đã khóa"
    click.echo(f"Đã sáp nhập {change.old_name} vào {change.merged_into.name} từ ngày "
               f"{change.effective_on:%d/%m/%Y}; tài khoản của đơn vị: {accounts}.")
