"""``flask --app eventapp serve``: the venue's one command — gunicorn, on every interface,
over HTTPS with the local CA (``tls.py``) unless told otherwise, and the outbox worker beside
it (``--no-outbox`` to leave it out, as on a server where systemd runs ``outbox run``)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import click
import qrcode
from flask import current_app
from flask.cli import with_appcontext

from eventapp.config import PROJECT_ROOT
from eventapp.messages.worker import PARENT_ENV
from eventapp.venue import tls

GUNICORN_CONFIG = PROJECT_ROOT / "gunicorn.conf.py"
#: Told to the workers, so the phone page knows whether to offer the local CA.
MODE_ENV = "EVENTAPP_SERVE_TLS"
SCANNER_PATH = "/checkin/"
#: The worker class when gunicorn terminates TLS (``worker.py`` says why).
TLS_WORKER = "eventapp.venue.worker.VenueWorker"


def lan_urls(scheme: str, port: int, addresses: list[str]) -> list[str]:
    """The URLs phones can open: every LAN address first, then this machine's own."""
    default = {"https": 443, "http": 80}[scheme]
    suffix = "" if port == default else f":{port}"
    return [f"{scheme}://{host}{suffix}" for host in (*addresses, "localhost")]


def terminal_qr(text: str) -> str:
    """A QR code drawn with block characters, dark on a light terminal or light on dark."""
    qr = qrcode.QRCode(border=2)
    qr.add_data(text)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def gunicorn_command(host: str, port: int, *, cert: Path | None, key: Path | None,
                     workers: int | None, threads: int | None) -> list[str]:
    """gunicorn with the repository's config; these options win over the config's own."""
    command = [sys.executable, "-m", "gunicorn"]
    if GUNICORN_CONFIG.exists():  # absent when installed from a wheel: gunicorn's defaults
        command += ["--config", str(GUNICORN_CONFIG)]
    command += ["--bind", f"{host}:{port}"]
    if cert and key:
        command += ["--certfile", str(cert), "--keyfile", str(key)]
    if workers:
        command += ["--workers", str(workers)]
    if threads:
        command += ["--threads", str(threads),
                    "--worker-class", "gthread" if threads > 1 else "sync"]
    if cert and key:  # gunicorn speaks TLS itself: idle spare connections must not hold threads
        command += ["--worker-class", TLS_WORKER]
    return command + ["eventapp:create_app()"]


def start_outbox_worker() -> subprocess.Popen:
    """``flask outbox run`` as a child of this process, which gunicorn is about to become:
    it stops when gunicorn ends (it watches its parent), and Ctrl+C reaches both."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "eventapp", "outbox", "run"],
        env={**os.environ, PARENT_ENV: str(os.getpid())})


@click.command("serve")
@click.option("--host", default="0.0.0.0", show_default=True,
              help="Địa chỉ lắng nghe (mặc định: mọi giao diện mạng).")
@click.option("--port", type=click.IntRange(1, 65535), default=None,
              help="Cổng (mặc định 8443 với HTTPS, 8000 với --http).")
@click.option("--http", "plain", is_flag=True,
              help="HTTP thường, không mã hóa (điện thoại sẽ không mở được camera).")
@click.option("--cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Chứng chỉ máy chủ của bạn (PEM, kèm chuỗi trung gian).")
@click.option("--key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Khóa riêng của chứng chỉ --cert (PEM).")
@click.option("--workers", type=click.IntRange(1, 32), default=None,
              help="Số tiến trình gunicorn (mặc định theo gunicorn.conf.py).")
@click.option("--threads", type=click.IntRange(1, 64), default=None,
              help="Số luồng mỗi tiến trình (mặc định theo gunicorn.conf.py).")
@click.option("--outbox/--no-outbox", default=True, show_default=True,
              help="Chạy kèm bộ gửi thư (outbox run): thông báo trong ứng dụng và thư điện tử.")
@with_appcontext
def serve(host, port, plain, cert, key, workers, threads, outbox):
    """Serve the app with gunicorn on the LAN, over HTTPS with a local CA by default."""
    if bool(cert) != bool(key):
        raise click.UsageError("--cert và --key phải đi cùng nhau.")
    if plain and cert:
        raise click.UsageError("--http không dùng chứng chỉ: bỏ --cert/--key.")
    scheme = "http" if plain else "https"
    port = port or (8000 if plain else 8443)
    addresses = tls.lan_addresses()
    mode = "http" if plain else "own" if cert else "local-ca"
    if mode == "local-ca":
        files = tls.tls_folder(current_app.instance_path)
        issued = tls.ensure_certificates(files, tls.server_names(addresses))
        cert, key = files.cert, files.key
        if issued:
            click.echo(f"Đã tạo chứng chỉ HTTPS cho {', '.join(tls.server_names(addresses))} "
                       f"(CA cục bộ: {files.ca_cert}).")
    urls = lan_urls(scheme, port, addresses)
    click.echo("eventapp đang chạy tại:")
    for url in urls:
        click.echo(f"  {url}")
    click.echo(f"Máy quét check-in — quét mã này bằng điện thoại: {urls[0]}{SCANNER_PATH}")
    click.echo(terminal_qr(urls[0] + SCANNER_PATH), nl=False)
    if mode == "local-ca":
        click.echo("Lần đầu trên mỗi điện thoại: Ban tổ chức > Check-in > “Mở trên điện "
                   "thoại” để cài chứng chỉ CA (hoặc bấm “Nâng cao” > “Tiếp tục” trên cảnh báo).")
    elif mode == "http":
        click.echo("Cảnh báo: HTTP thường — trình duyệt điện thoại không cho dùng camera; "
                   "chỉ máy quét USB và tìm theo tên hoạt động.")
    if outbox:
        click.echo("Bộ gửi thư (outbox) chạy kèm; tắt bằng --no-outbox.")
    sys.stdout.flush()
    if outbox:
        # Links in the messages the worker writes point at this server's first LAN address,
        # the one phones and units' computers reach, unless the site's own is configured.
        if not current_app.config.get("PUBLIC_URL"):
            os.environ["EVENTAPP_PUBLIC_URL"] = urls[0]
        start_outbox_worker()
    command = gunicorn_command(host, port, cert=cert, key=key, workers=workers,
                               threads=threads)
    # gunicorn takes this process's place: Ctrl+C and service managers signal it directly.
    os.execve(sys.executable, command, {**os.environ, MODE_ENV: mode})
