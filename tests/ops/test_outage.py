"""The app outlives database outages: killed connections, a restart, an unreachable server.

Each app under test here is a separate instance whose context is not pushed by the test,
so every request opens and closes its own session exactly as under gunicorn.
"""

from __future__ import annotations

import contextlib
import socket
import threading

import sqlalchemy as sa

from eventapp import create_app
from eventapp.errors import HTTP_MESSAGES
from eventapp.extensions import db
from tests.conftest import PASSWORD, _base_config
from tests.ops.conftest import IsolatedClient, free_port, needs_postgres, pg_admin

OUTAGE = HTTP_MESSAGES[503]
CLOSED_PG = "postgresql+psycopg://postgres@127.0.0.1:{port}/eventapp"


def _instance(tmp_path, uri: str, name: str):
    app = create_app({**_base_config(tmp_path / name, uri), "TESTING": False})
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
        self.port = free_port()
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self.up()

    def up(self) -> None:
        server = socket.socket()
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", self.port))
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


def test_unreachable_database_gets_a_vietnamese_503_not_a_stack_trace(tmp_path):
    served = _instance(tmp_path, CLOSED_PG.format(port=free_port()), "closed")
    client = served.test_client()
    _assert_clean_503(client.get("/healthz"), json=False)
    _assert_clean_503(client.get("/healthz", headers={"Accept": "application/json"}),
                      json=True)
    _assert_clean_503(client.get("/api/v1/events/doi-thoai-2020",
                                 headers={"Authorization": "Bearer ea_whatever"}), json=True)
    # Pages that need no database still answer.
    assert client.get("/login").status_code == 200


def test_logged_in_user_during_an_outage_gets_the_503_page(tmp_path):
    served = _instance(tmp_path, CLOSED_PG.format(port=free_port()), "closed")
    client = served.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "1"
        session["_fresh"] = True
    _assert_clean_503(client.get("/events/"), json=False)


def test_unreachable_sqlite_file_gets_a_503(tmp_path):
    served = _instance(tmp_path, f"sqlite:///{tmp_path / 'gone' / 'db.sqlite'}", "gone")
    _assert_clean_503(served.test_client().get("/healthz"), json=False)
