"""The app outlives database outages: killed connections, a restart, an unreachable server.

Each app under test here is a separate instance whose context is not pushed by the test,
so every request opens and closes its own session exactly as under gunicorn.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import sqlalchemy as sa

from eventapp import create_app
from eventapp.errors import BUSY_MESSAGE, HTTP_MESSAGES
from eventapp.extensions import db
from tests.conftest import PASSWORD, base_config
from tests.ops.conftest import (
    ROOT,
    Http,
    IsolatedClient,
    needs_postgres,
    pg_admin,
)

OUTAGE = HTTP_MESSAGES[503]
CLOSED_PG = "postgresql+psycopg://postgres@127.0.0.1:{port}/eventapp"


def _instance(tmp_path, uri: str, name: str):
    app = create_app({**base_config(tmp_path / name, uri), "TESTING": False})
    app.test_client_class = IsolatedClient
    return app


def _assert_clean_503(response, *, json: bool) -> None:
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert "Traceback" not in body and "OperationalError" not in body
    if json:
        assert response.get_json() == {"error": "unavailable", "message": OUTAGE}
    else:
        assert response.mimetype == "text/html"
        assert OUTAGE in body
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


class TcpRelay:
    """A loopback TCP relay in front of the database that can go down (the listener closes
    and every connection is cut, as when PostgreSQL stops) and come back on the same port."""

    def __init__(self, host: str, port: int):
        self.target = (host, port)
        self.port = 0  # the first bind picks a free port (no race), later ones reuse it
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self.up()

    def up(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
        self.port = server.getsockname()[1]
        server.listen(64)
        server.settimeout(0.1)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while self._server is server:
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            client.settimeout(None)
            upstream.settimeout(None)
            with self._lock:
                self._open.update((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def down(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        with self._lock:
            for s in self._open:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            self._open.clear()


class PausableRelay:
    """A ``TcpRelay`` in a process of its own, which can be paused (SIGSTOP) and resumed
    (SIGCONT): a database that stalls instead of refusing. The kernel still accepts and
    acknowledges everything, so nothing but a deadline of the app's own notices."""

    def __init__(self, host: str, port: int):
        code = ("import signal, sys; from tests.ops.test_outage import TcpRelay; "
                "relay = TcpRelay(sys.argv[1], int(sys.argv[2])); "
                "print(relay.port, flush=True); signal.pause()")
        self.proc = subprocess.Popen([sys.executable, "-c", code, host, str(port)], cwd=ROOT,
                                     stdout=subprocess.PIPE, text=True)
        self.port = int(self.proc.stdout.readline())

    def pause(self) -> None:
        os.kill(self.proc.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.proc.pid, signal.SIGCONT)

    def stop(self) -> None:
        self.resume()
        self.proc.kill()
        self.proc.wait(timeout=10)


@needs_postgres
def test_a_stalled_database_gets_a_503_within_seconds_and_the_site_recovers(
        app, event, users, token_for, gunicorn):
    headers = token_for(users["organizer"])
    organizer_email, unit_email = users["organizer"].email, users["unit_a"].email
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    relay = PausableRelay(url.host or "127.0.0.1", url.port or 5432)
    try:
        server = gunicorn({"DATABASE_URL": url.set(host="127.0.0.1", port=relay.port)
                          .render_as_string(hide_password=False),
                           "SECRET_KEY": app.config["SECRET_KEY"], "GUNICORN_THREADS": "4"})
        base = server.url
        organizer, visitor = Http(), Http()
        assert organizer.login(base, organizer_email, PASSWORD)[0] == 302
        title = event.title
        assert title in organizer.request(f"{base}/events/")[2]
        assert organizer.request(f"{base}/api/v1/events/doi-thoai-2020", headers=headers)[0] \
            == 200
        csrf = visitor.csrf(base)

        relay.pause()  # PostgreSQL stops answering; nothing is refused, nothing is reset
        requests = {
            "page": lambda: organizer.request(f"{base}/events/"),
            "api": lambda: organizer.request(f"{base}/api/v1/events/doi-thoai-2020",
                                             headers=headers),
            "login": lambda: visitor.request(f"{base}/login", {
                "csrf_token": csrf, "email": unit_email, "password": PASSWORD}),
            "static": lambda: visitor.request(f"{base}/static/css/app.css"),
            "login_page": lambda: Http().request(f"{base}/login"),
        }
        answers: dict = {}

        def ask(name):
            started = time.monotonic()
            answer = requests[name]()
            answers[name] = (time.monotonic() - started, answer)

        threads = [threading.Thread(target=ask, args=(name,), daemon=True)
                   for name in requests]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
        assert set(answers) == set(requests), f"still waiting: {set(requests) - set(answers)}"
        slowest = max(seconds for seconds, _ in answers.values())
        assert slowest < 12, {name: round(s, 1) for name, (s, _) in answers.items()}
        for name in ("page", "login"):
            status, _, body = answers[name][1]
            assert status == 503 and OUTAGE in body and "Traceback" not in body, name
        status, _, body = answers["api"][1]
        assert status == 503 and json.loads(body) == {"error": "unavailable",
                                                      "message": OUTAGE}
        assert answers["static"][1][0] == 200 and "body" in answers["static"][1][2]
        assert answers["login_page"][1][0] == 200

        relay.resume()  # … and answers again: the site recovers without a restart
        assert organizer.request(f"{base}/healthz")[0] == 200
        assert title in organizer.request(f"{base}/events/")[2]
        assert organizer.request(f"{base}/api/v1/events/doi-thoai-2020", headers=headers)[0] \
            == 200
        assert visitor.login(base, unit_email, PASSWORD)[0] == 302
    finally:
        relay.stop()


@needs_postgres
def test_app_keeps_working_after_a_database_restart(app, event, users, token_for, tmp_path):
    headers = token_for(users["organizer"])
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    relay = TcpRelay(url.host or "127.0.0.1", url.port or 5432)
    try:
        served = _instance(tmp_path, url.set(host="127.0.0.1", port=relay.port)
                           .render_as_string(hide_password=False), "via-relay")
        browser, anonymous = served.test_client(), served.test_client()
        assert browser.post_form("/login", {"email": users["organizer"].email,
                                            "password": PASSWORD}).status_code == 302
        assert event.title in browser.get("/events/").get_data(as_text=True)
        assert browser.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 200

        relay.down()  # PostgreSQL stops: pooled connections die, new ones are refused
        _assert_clean_503(browser.get("/api/v1/events/doi-thoai-2020", headers=headers),
                          json=True)
        _assert_clean_503(anonymous.get("/healthz"), json=False)

        relay.up()  # … and starts again; the app was not restarted
        assert browser.get("/healthz").status_code == 200
        assert event.title in browser.get("/events/").get_data(as_text=True)
        assert browser.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 200
    finally:
        relay.down()
        with served.app_context():
            db.engine.dispose()


@needs_postgres
def test_app_recovers_when_its_database_connections_are_terminated(app, event, users,
                                                                   token_for, tmp_path):
    headers = token_for(users["organizer"])
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    served = _instance(tmp_path, uri, "served")
    browser = served.test_client()
    assert browser.post_form("/login", {"email": users["organizer"].email,
                                        "password": PASSWORD}).status_code == 302
    assert browser.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 200
    db.session.commit()  # the test's own session: nothing pending

    admin = pg_admin()
    with admin.connect() as conn:
        killed = conn.scalar(sa.text(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = :name AND pid <> pg_backend_pid()"),
            {"name": sa.make_url(uri).database})
    admin.dispose()
    assert killed >= 1

    assert event.title in browser.get("/events/").get_data(as_text=True)
    assert browser.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 200
    db.session.rollback()  # the test's own connection was terminated too
    with served.app_context():
        db.engine.dispose()


def test_unreachable_database_gets_a_vietnamese_503_not_a_stack_trace(tmp_path, closed_port):
    served = _instance(tmp_path, CLOSED_PG.format(port=closed_port), "closed")
    client = served.test_client()
    _assert_clean_503(client.get("/healthz"), json=False)
    _assert_clean_503(client.get("/healthz", headers={"Accept": "application/json"}),
                      json=True)
    _assert_clean_503(client.get("/api/v1/events/doi-thoai-2020",
                                 headers={"Authorization": "Bearer ea_whatever"}), json=True)
    # Pages that need no database still answer.
    assert client.get("/login").status_code == 200


def test_logged_in_user_during_an_outage_gets_the_503_page(tmp_path, closed_port):
    served = _instance(tmp_path, CLOSED_PG.format(port=closed_port), "closed")
    client = served.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
    _assert_clean_503(client.get("/events/"), json=False)


def test_unreachable_sqlite_file_gets_a_503(tmp_path):
    served = _instance(tmp_path, f"sqlite:///{tmp_path / 'gone' / 'db.sqlite'}", "gone")
    _assert_clean_503(served.test_client().get("/healthz"), json=False)


@needs_postgres
def test_postgresql_connections_carry_the_configured_timeouts(app, tmp_path):
    served = create_app({**base_config(tmp_path / "timeouts", app.config[
        "SQLALCHEMY_DATABASE_URI"]), "DB_CONNECT_TIMEOUT": 4, "DB_STATEMENT_TIMEOUT": 1.5,
        "DB_KEEPALIVES_IDLE": 30, "DB_POOL_TIMEOUT": 2})
    try:
        with served.app_context():
            assert db.engine.pool.timeout() == 2
            with db.engine.connect() as conn:
                assert conn.scalar(sa.text("SHOW statement_timeout")) == "1500ms"
                driver = conn.connection.dbapi_connection
                given = driver.info.get_parameters()
                assert given["connect_timeout"] == "4" and given["keepalives"] == "1"
                assert given["keepalives_idle"] == "30"
                assert driver.answer_deadline == 2.5  # the client stops waiting after that
    finally:
        with served.app_context():
            db.engine.dispose()


def test_timeouts_are_read_from_the_environment(monkeypatch):
    from eventapp import config

    monkeypatch.setenv("EVENTAPP_DB_STATEMENT_TIMEOUT", "12.5")
    monkeypatch.setenv("EVENTAPP_DB_CONNECT_TIMEOUT", "0")
    found = config.from_environment()
    assert found["DB_STATEMENT_TIMEOUT"] == 12.5 and found["DB_CONNECT_TIMEOUT"] == 0
    monkeypatch.setenv("EVENTAPP_DB_POOL_TIMEOUT", "vài giây")
    with pytest.raises(ValueError, match="EVENTAPP_DB_POOL_TIMEOUT"):
        config.from_environment()


@needs_postgres
def test_a_statement_stuck_behind_a_lock_is_cancelled_with_a_503(app, event, users, token_for,
                                                                 tmp_path):
    headers = token_for(users["organizer"])
    served = create_app({**base_config(tmp_path / "locked", app.config[
        "SQLALCHEMY_DATABASE_URI"]), "TESTING": False, "DB_STATEMENT_TIMEOUT": 1})
    served.test_client_class = IsolatedClient
    client = served.test_client()
    assert client.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 200
    locker = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    try:
        with locker.connect() as conn:  # a migration or a stuck transaction holds the table
            conn.execute(sa.text('LOCK TABLE "event" IN ACCESS EXCLUSIVE MODE'))
            started = time.monotonic()
            response = client.get("/api/v1/events/doi-thoai-2020", headers=headers)
            elapsed = time.monotonic() - started
            conn.rollback()
        assert client.get("/api/v1/events/doi-thoai-2020", headers=headers).status_code == 200
    finally:
        locker.dispose()
        with served.app_context():
            db.engine.dispose()
    assert 1 <= elapsed < 4
    _assert_clean_503(response, json=True)


@needs_postgres
def test_a_request_that_finds_every_pooled_connection_taken_gets_a_503(app, event, tmp_path):
    served = create_app({**base_config(tmp_path / "pool", app.config[
        "SQLALCHEMY_DATABASE_URI"]), "TESTING": False, "DB_POOL_TIMEOUT": 1,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 1, "max_overflow": 0}})
    served.test_client_class = IsolatedClient
    try:
        with served.app_context():
            held = db.engine.connect()  # the one connection, busy elsewhere
            started = time.monotonic()
            response = served.test_client().get("/healthz")
            elapsed = time.monotonic() - started
            held.close()
            assert served.test_client().get("/healthz").status_code == 200
    finally:
        with served.app_context():
            db.engine.dispose()
    assert 1 <= elapsed < 4
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert BUSY_MESSAGE in response.get_data(as_text=True)
