"""Fixtures for the ops tests: fresh app instances on their own database, real gunicorn
processes, and a small HTTP client with a cookie jar (stdlib only).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from bench.harness import ServerProcess, gunicorn_command
from eventapp import create_app
from eventapp.extensions import db
from tests.conftest import TEST_DATABASE_URL, CsrfClient, base_config, pg_admin_url

ROOT = Path(__file__).resolve().parents[2]
needs_postgres = pytest.mark.skipif(not TEST_DATABASE_URL,
                                    reason="PostgreSQL only: set TEST_DATABASE_URL")


class IsolatedClient(CsrfClient):
    """A test client that is nobody but itself.

    The suite's ``app`` fixture keeps an app context pushed, so every request of every
    client shares one ``flask.g``, where Flask-Login caches the current user and Flask-WTF
    the CSRF token: a client that never logged in would be served as whoever logged in last
    through another client, and would get that client's CSRF token. Emptying ``g`` before
    each request gives each request a fresh ``g``, as in production.
    """

    def open(self, *args, **kwargs):
        from flask import g, has_app_context

        if has_app_context():
            for name in list(g):
                g.pop(name, None)
        return super().open(*args, **kwargs)


@pytest.fixture
def app(app):
    app.test_client_class = IsolatedClient
    return app


def pg_admin() -> sa.Engine:
    return sa.create_engine(pg_admin_url(TEST_DATABASE_URL, "postgres"),
                            isolation_level="AUTOCOMMIT")


@pytest.fixture
def scratch_pg():
    """``make()`` → the URL of a new, empty PostgreSQL database, dropped afterwards."""
    names: list[str] = []
    admin = pg_admin()

    def make() -> str:
        name = f"eventapp_ops_{uuid.uuid4().hex[:10]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        names.append(name)
        return pg_admin_url(TEST_DATABASE_URL, name).render_as_string(hide_password=False)

    yield make
    with admin.connect() as conn:
        for name in names:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def fresh_app(tmp_path, request):
    """``make(name, **config)`` → a new app on a database of its own (same kind as the
    suite's), with nothing in it, and its own upload folder."""
    made = []
    scratch_pg = request.getfixturevalue("scratch_pg") if TEST_DATABASE_URL else None

    def make(name: str = "fresh", **config):
        root = tmp_path / name
        root.mkdir()
        uri = scratch_pg() if TEST_DATABASE_URL else f"sqlite:///{root / 'db.sqlite'}"
        app = create_app({**base_config(root, uri), **config})
        app.test_client_class = IsolatedClient
        made.append(app)
        return app

    yield make
    for app in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def closed_port():
    """A loopback port where nothing listens, for as long as the test runs: the socket is
    bound but never listens, so connections are refused and no other process can take it."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


class Http:
    """A tiny browser: cookies kept across requests (cookies ignore the port, as in a real
    browser), redirects not followed, every status returned rather than raised."""

    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar),
                                                  _NoRedirect())

    def request(self, url: str, data: dict | None = None, headers: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        req = urllib.request.Request(url, data=body, headers=headers or {})
        try:
            with self.opener.open(req, timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    def csrf(self, base: str) -> str:
        _, _, html = self.request(f"{base}/login")
        return re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)

    def login(self, base: str, email: str, password: str):
        return self.request(f"{base}/login", {"csrf_token": self.csrf(base), "email": email,
                                              "password": password})


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def gunicorn(tmp_path):
    """``start(env, workers=1)`` → a running ``gunicorn "eventapp:create_app()"`` with the
    repository's gunicorn.conf.py, on a port it binds itself (``bench.harness.ServerProcess``:
    ``.url``, ``.log``, ``.stop()``); all are stopped afterwards."""
    started: list[ServerProcess] = []

    def start(env: dict, workers: int = 1) -> ServerProcess:
        server = ServerProcess(gunicorn_command(),
                               {**os.environ, **env, "GUNICORN_WORKERS": str(workers)},
                               tmp_path / f"gunicorn-{len(started)}.log")
        started.append(server)
        return server.start()

    yield start
    for server in started:
        server.stop()


def flask_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    """``flask --app eventapp ARGS`` in a child process with ``env`` added."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "eventapp", *args],
                          cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True,
                          timeout=300)


def run_cli(app, *args: str):
    """Invoke a CLI command on ``app`` itself: Flask's runner would otherwise reuse whatever
    app context is current (the ``app`` fixture's)."""
    with app.app_context():
        return app.test_cli_runner().invoke(args=[str(a) for a in args])
