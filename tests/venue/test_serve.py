"""``flask --app eventapp serve`` as a real process: gunicorn with the repository's config,
HTTPS with the local CA by default (verified with ssl against the CA file), renewal when the
LAN addresses change, ``--http``, and the user's own ``--cert/--key``."""

from __future__ import annotations

import os
import socket
import ssl
import stat
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from cryptography import x509

from bench.mailsink import MailSink
from eventapp import create_app
from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.messages import outbox
from eventapp.venue import serve as serve_module
from eventapp.venue import tls
from tests.venue.conftest import ROOT, https_context

LAN = "10.0.0.5,192.168.1.20"


def server_certificate(port: int, context: ssl.SSLContext, host: str) -> x509.Certificate:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname=host) as conn:
        return x509.load_der_x509_certificate(conn.getpeercert(binary_form=True))


def test_first_start_serves_https_with_a_local_ca_for_every_lan_address(
        serve, instance, tls_files):
    env = {"EVENTAPP_INSTANCE_PATH": str(instance), tls.ADDRESSES_ENV: LAN}
    server = serve(env)
    trusted = https_context(tls_files.ca_cert)
    status, body = server.get("/healthz", context=trusted)
    assert (status, body) == (200, b'{"status":"ok"}\n')
    # The name checked is the one asked for: loopback and the machine's hostname both hold.
    for host in ("localhost", "127.0.0.1", socket.gethostname().lower()):
        cert = server_certificate(server.port, trusted, host)
    assert sorted(tls.certificate_names(cert)) == sorted(
        tls.server_names(["10.0.0.5", "192.168.1.20"]))
    assert {"10.0.0.5", "192.168.1.20", "127.0.0.1", "localhost"} <= \
        set(tls.certificate_names(cert))
    for key in (tls_files.ca_key, tls_files.key):
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
    # Without the CA a client refuses the connection: it really is the local chain.
    with pytest.raises(urllib.error.URLError, match="CERTIFICATE_VERIFY_FAILED"):
        server.get("/healthz", context=ssl.create_default_context())

    out = server.output
    assert f"https://10.0.0.5:{server.port}\n" in out
    assert f"https://192.168.1.20:{server.port}\n" in out
    assert f"https://localhost:{server.port}\n" in out
    assert f"https://10.0.0.5:{server.port}/checkin/" in out
    assert serve_module.terminal_qr(f"https://10.0.0.5:{server.port}/checkin/") in out
    assert "Đã tạo chứng chỉ HTTPS" in out
    # gunicorn with gunicorn.conf.py (its access log format) and the threaded worker that
    # idle TLS connections cannot hold (eventapp/venue/worker.py), not Flask's dev server.
    assert "Starting gunicorn" in out
    assert "Using worker: eventapp.venue.worker.VenueWorker" in out
    assert "Development server" not in out and "Running on" not in out
    assert '"GET /healthz HTTP/1.1" 200' in out
    server.stop()

    # Same network again: the same certificate. Another network: a new one, same CA.
    ca_before, cert_before = tls_files.ca_cert.read_bytes(), tls_files.cert.read_bytes()
    again = serve(env)
    assert again.get("/healthz", context=trusted)[0] == 200
    assert tls_files.cert.read_bytes() == cert_before
    assert "Đã tạo chứng chỉ" not in again.output
    again.stop()
    moved = serve({**env, tls.ADDRESSES_ENV: "172.16.4.7"})
    assert moved.get("/healthz", context=trusted)[0] == 200  # phones keep trusting it
    assert tls_files.ca_cert.read_bytes() == ca_before
    cert = server_certificate(moved.port, trusted, "127.0.0.1")
    assert "172.16.4.7" in tls.certificate_names(cert)
    assert "10.0.0.5" not in tls.certificate_names(cert)
    assert f"https://172.16.4.7:{moved.port}/checkin/" in moved.output


def test_browsers_spare_tls_connections_do_not_hold_the_server(serve, instance, tls_files):
    """Phones open TLS connections ahead of need and send nothing on them for seconds; with
    one worker of four threads, eight of them used to stop every other request."""
    server = serve({"EVENTAPP_INSTANCE_PATH": str(instance), tls.ADDRESSES_ENV: LAN})
    trusted = https_context(tls_files.ca_cert)
    assert server.get("/healthz", context=trusted)[0] == 200
    idle = [trusted.wrap_socket(socket.create_connection(("127.0.0.1", server.port), timeout=10),
                                server_hostname="127.0.0.1") for _ in range(8)]
    try:
        started = time.monotonic()
        status, _ = server.get("/healthz", context=trusted, timeout=0)
        assert status == 200 and time.monotonic() - started < 5
        # A spare connection still works when the browser finally uses it.
        idle[0].sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert idle[0].recv(64).startswith(b"HTTP/1.1 200")
    finally:
        for conn in idle:
            conn.close()


def test_http_flag_serves_plain_http_without_certificates(serve, instance, tls_files):
    server = serve({"EVENTAPP_INSTANCE_PATH": str(instance), tls.ADDRESSES_ENV: LAN},
                   "--http")
    assert server.get("/healthz")[0] == 200
    assert f"http://10.0.0.5:{server.port}/checkin/" in server.output
    assert "không cho dùng camera" in server.output
    assert not tls_files.folder.exists()


def test_the_users_own_certificate_is_used(serve, instance, tls_files, tmp_path):
    own = tls.TlsFiles(tmp_path / "own")  # "bought" elsewhere: another CA, another name
    tls.ensure_certificates(own, ["hoitruong.example", "127.0.0.1"])
    server = serve({"EVENTAPP_INSTANCE_PATH": str(instance), tls.ADDRESSES_ENV: LAN},
                   "--cert", str(own.cert), "--key", str(own.key))
    trusted = https_context(own.ca_cert)
    assert server.get("/healthz", context=trusted)[0] == 200
    cert = server_certificate(server.port, trusted, "hoitruong.example")
    assert cert == x509.load_pem_x509_certificate(own.cert.read_bytes())
    assert not tls_files.folder.exists()  # no local CA made
    assert "Đã tạo chứng chỉ" not in server.output


@pytest.mark.parametrize("args, message", [
    (["--cert", "{cert}"], "--cert và --key phải đi cùng nhau"),
    (["--http", "--cert", "{cert}", "--key", "{key}"], "--http không dùng chứng chỉ"),
])
def test_option_mistakes_are_refused_before_anything_starts(app, tmp_path, args, message):
    own = tls.TlsFiles(tmp_path / "own")
    tls.ensure_certificates(own, ["localhost"])
    args = [a.format(cert=own.cert, key=own.key) for a in args]
    result = app.test_cli_runner().invoke(args=["serve", *args])
    assert result.exit_code == 2 and message in result.output
    assert not tls.tls_folder(app.instance_path).folder.exists()


def test_lan_urls_leave_out_the_default_port():
    assert serve_module.lan_urls("https", 443, ["10.0.0.5"]) == ["https://10.0.0.5",
                                                                 "https://localhost"]
    assert serve_module.lan_urls("http", 8000, []) == ["http://localhost:8000"]


def test_the_eventapp_console_script_has_serve():
    """``eventapp serve`` (setup.cfg's console script runs ``eventapp.cli:main``)."""
    done = subprocess.run([sys.executable, "-c", "from eventapp.cli import main; main()",
                           "serve", "--help"], capture_output=True, text=True, timeout=120,
                          cwd=ROOT)
    assert done.returncode == 0, done.stderr
    for option in ("--port", "--http", "--cert", "--key", "--workers", "--threads"):
        assert option in done.stdout


def test_serve_delivers_the_outbox_beside_gunicorn(serve, instance, monkeypatch):
    """One command on a laptop: a message written while serve runs reaches the mail server
    without a second command (``--outbox``, the default)."""
    env = {"EVENTAPP_INSTANCE_PATH": str(instance), tls.ADDRESSES_ENV: LAN,
           "EVENTAPP_OUTBOX_IDLE": "0.2"}
    subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", "init-db"], cwd=ROOT,
                   env={**os.environ, **env}, check=True, capture_output=True)
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(instance))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'eventapp.sqlite'}"})
    with MailSink() as sink:
        assert next(p for p in serve_module.serve.params if p.name == "outbox").default is True
        server = serve({**env, **sink.env()}, "--http", "--outbox")
        assert "Bộ gửi thư (outbox) chạy kèm" in server.output
        with app.app_context(), unit_of_work():
            outbox.enqueue([outbox.Recipient(name="Chị Lan", address="lan@batri.vn")],
                           subject="Thử gửi", body="Xin chào", cause="manual")
        with app.app_context():
            db.engine.dispose()
        deadline = time.monotonic() + 60
        while not sink.received and time.monotonic() < deadline:
            time.sleep(0.2)  # the worker's round, bounded by the deadline
        assert [m.rcpt_tos for m in sink.received] == [["lan@batri.vn"]], server.output


def test_serve_binds_every_interface_on_8443_by_default(app, monkeypatch):
    """Without options: HTTPS on 0.0.0.0:8443 with the local CA, the outbox beside it. The
    process is not replaced (``os.execve`` is caught) and no worker is started."""
    replaced, workers = [], []
    monkeypatch.setattr(serve_module.os, "execve",
                        lambda path, argv, env: replaced.append((path, argv, env)))
    monkeypatch.setattr(serve_module, "start_outbox_worker", lambda: workers.append(1))
    monkeypatch.setenv(tls.ADDRESSES_ENV, LAN)
    monkeypatch.setenv("EVENTAPP_PUBLIC_URL", "")  # serve sets it; restored afterwards
    result = app.test_cli_runner().invoke(args=["serve"])
    assert result.exit_code == 0, result.output
    ((path, argv, env),) = replaced
    assert path == sys.executable and argv[1:3] == ["-m", "gunicorn"]
    assert argv[argv.index("--bind") + 1] == "0.0.0.0:8443"
    files = tls.tls_folder(app.instance_path)
    assert argv[argv.index("--certfile") + 1] == str(files.cert)
    assert env[serve_module.MODE_ENV] == "local-ca"
    assert workers == [1]
    assert "https://10.0.0.5:8443\n" in result.output
