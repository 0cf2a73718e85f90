"""``flask --app eventapp outbox run [--once]``: the outbox worker."""

from __future__ import annotations

import click
from flask import Blueprint, current_app

from eventapp.messages.channels import unavailable
from eventapp.messages.worker import Round, Worker

bp = Blueprint("outbox", __name__, cli_group="outbox")


def summary(done: Round) -> list[str]:
    """The round in Vietnamese, one line each, with what is waiting and why."""
    lines = [f"Đã gửi {done.sent} thư, {done.retried} thư sẽ thử lại, {done.failed} thư lỗi."]
    if done.produced:
        lines.insert(0, f"Đã tạo {done.produced} thư nhắc.")
    for reason, count in done.waiting.values():
        if count:
            lines.append(f"{reason} ({count} thư đang chờ)")
    return lines


@bp.cli.command("run")
@click.option("--once", is_flag=True,
              help="Chạy một vòng: tạo thư nhắc đến hạn, gửi mọi thư đến hạn, rồi thoát.")
def run_command(once: bool):
    """Deliver the outbox: loop until stopped (SIGTERM finishes the current message), or
    one round with --once."""
    worker = Worker(current_app._get_current_object())
    if once:
        for line in summary(worker.run_once()):
            click.echo(line)
        return
    for channel, reason in unavailable(current_app.config).items():
        click.echo(f"{channel.label}: {reason}")
    click.echo(f"Đang gửi thư ({worker.name}); Ctrl+C để dừng.")
    worker.run()
    click.echo("Đã dừng.")
