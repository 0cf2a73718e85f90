"""Fixtures: a fresh database per test (SQLite, or PostgreSQL when TEST_DATABASE_URL is set),
a CSRF-aware test client, users and tokens, the demo event, a live server and Chromium.

Where a test lives: tests/ mirrors the package. A test of ``eventapp/<domain>/…`` goes to
``tests/<domain>/`` (events, units, accounts, questions, …); a test of a top-level module
(``eventapp/database.py``, ``formatting.py``, ``cli.py``, ``api.py``, ``prepared.py``,
``spreadsheets.py``, ``text.py``) or of the migrations goes to ``tests/core/``. Suites that
cross every domain by design are named by their concern: ``tests/security/`` (matrix,
sweeps), ``tests/reliability/`` (crashes, surges), ``tests/ops/`` (eventapp/ops and real
gunicorn). Fixtures shared by several directories live here; helpers that are not fixtures
live in ``tests/helpers.py``; nothing is copied between test modules.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import threading
import uuid
from importlib import resources
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from hypothesis import settings
from werkzeug.serving import make_server

from eventapp import create_app
from eventapp.extensions import db

# pytest-xdist's workers inherit this: one hash seed for all, so sets iterate alike in each
# and every worker collects the same tests in the same order (the run stops otherwise).
os.environ.setdefault("PYTHONHASHSEED", "0")

# Property tests check rules, not speed: hypothesis's 200 ms per example failed one on a
# machine busy with the browser tests beside it.
settings.register_profile("eventapp", deadline=None)
settings.load_profile("eventapp")

PASSWORD = "matkhau-thu-nghiem"
ARTIFACTS = Path(__file__).parent / "artifacts"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
_CSRF = re.compile(r'name="csrf-token" content="([^"]+)"')


# --- Database per test ---------------------------------------------------------------------

def base_config(tmp: Path, uri: str) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-" + "x" * 32,
        "SQLALCHEMY_DATABASE_URI": uri,
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
        "RATELIMIT_ENABLED": False,
        "PASSWORD_RESET_ANSWER_SECONDS": 0,  # tests/accounts/test_password_links.py sets it
        "UPLOAD_FOLDER": str(tmp / "uploads"),
    }


def pg_admin_url(url: str, dbname: str) -> sa.URL:
    return sa.make_url(url).set(drivername="postgresql+psycopg", database=dbname)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory):
    """Migrate once per test run; tests then copy (SQLite) or truncate (PostgreSQL)."""
    root = tmp_path_factory.mktemp("template")
    os.environ["EVENTAPP_INSTANCE_PATH"] = str(root / "instance")
    if TEST_DATABASE_URL:
        name = f"eventapp_test_{uuid.uuid4().hex[:10]}"
        admin = sa.create_engine(pg_admin_url(TEST_DATABASE_URL, "postgres"),
                                 isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        uri = pg_admin_url(TEST_DATABASE_URL, name).render_as_string(hide_password=False)
    else:
        uri = f"sqlite:///{root / 'template.sqlite'}"
    app = create_app(base_config(root, uri))
    with app.app_context():
        from eventapp.cli import upgrade_schema

        upgrade_schema()
        db.engine.dispose()
    yield {"uri": uri, "path": root / "template.sqlite"}
    if TEST_DATABASE_URL:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def app(database_template, tmp_path, monkeypatch):
    monkeypatch.setenv("EVENTAPP_INSTANCE_PATH", str(tmp_path / "instance"))
    if TEST_DATABASE_URL:
        uri = database_template["uri"]
    else:
        target = tmp_path / "test.sqlite"
        shutil.copyfile(database_template["path"], target)
        uri = f"sqlite:///{target}"
    app = create_app(base_config(tmp_path, uri))
    app.test_client_class = CsrfClient
    with app.app_context():
        if TEST_DATABASE_URL:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            db.session.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            _seed_as_the_migrations_do()
            db.session.commit()
        yield app
        db.session.remove()
        db.engine.dispose()


def _seed_as_the_migrations_do() -> None:
    """Put back the reference rows the migrations seed, which TRUNCATE removed."""
    from eventapp.units.models import DEFAULT_KINDS, UnitKindRow

    db.session.execute(sa.insert(UnitKindRow), [
        {"key": key, "name": name, "position": i} for i, (key, name) in enumerate(DEFAULT_KINDS)])


class CsrfClient(FlaskClient):
    """A test client that can post forms with a valid CSRF token, like a browser would.

    Each request runs in its own app context, as in production: a fresh ``g`` (no cached
    login or CSRF token from another client) and its own database session.
    """

    def open(self, *args, **kwargs):
        from flask import has_app_context

        if has_app_context():
            # End the test's own transaction: the request sees what the test wrote, and the
            # test's next read sees what the request wrote (not an old SQLite snapshot).
            db.session.commit()
        with self.application.app_context():
            return super().open(*args, **kwargs)

    def csrf_token(self, page: str = "/login") -> str:
        html = self.get(page, follow_redirects=True).get_data(as_text=True)
        match = _CSRF.search(html)
        assert match, f"no CSRF token on {page}"
        return match.group(1)

    def post_form(self, url: str, data: dict | None = None, *, page: str | None = None,
                  **kwargs):
        data = dict(data or {})
        data.setdefault("csrf_token", self.csrf_token(page or "/login"))
        return self.post(url, data=data, **kwargs)


@pytest.fixture
def client(app) -> CsrfClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# --- Data -----------------------------------------------------------------------------------

def demo_definition() -> dict:
    text = resources.files("eventapp.events").joinpath("demo_event.json").read_text("utf-8")
    return json.loads(text)


@pytest.fixture
def event(app):
    """The seed's event (doi-thoai-2020) with its 17 units."""
    from eventapp.events.services import import_event

    imported = import_event(demo_definition())
    db.session.commit()  # as the import-event command would
    return imported


@pytest.fixture
def make_user(app):
    from eventapp.accounts.services import create_user

    def make(email: str, role: str = "unit", unit: str | None = None):
        user = create_user(email, role, PASSWORD, unit_code=unit, full_name=email.split("@")[0])
        db.session.commit()  # services only flush; a live server must see the account
        return user

    return make


@pytest.fixture
def users(event, make_user):
    """organizer, unit A (BATRI), unit B (BINHDAI), a high school unit, check-in staff."""
    return {
        "organizer": make_user("btc@test.vn", "organizer"),
        "unit_a": make_user("batri@test.vn", "unit", "BATRI"),
        "unit_b": make_user("binhdai@test.vn", "unit", "BINHDAI"),
        "school": make_user("ndchieu@test.vn", "unit", "THPT-NDCHIEU"),
        "checkin": make_user("cua1@test.vn", "checkin"),
    }


@pytest.fixture
def login(client):
    def do_login(user, c: CsrfClient | None = None) -> CsrfClient:
        c = c or client
        response = c.post_form("/login", {"email": user.email, "password": PASSWORD})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return c

    return do_login


@pytest.fixture
def token_for(app):
    from eventapp.auth import issue_token

    def make(user) -> dict:
        token = issue_token(user, "test")
        db.session.commit()
        return {"Authorization": f"Bearer {token}"}

    return make


@pytest.fixture
def set_now(app):
    """Fix the server clock: ``set_now(datetime)``."""

    def fix(moment):
        app.config["NOW"] = moment

    yield fix
    app.config["NOW"] = None


def run_concurrently(fn, count: int) -> list:
    """Run ``fn(i)`` in ``count`` threads released together; return results in order."""
    barrier = threading.Barrier(count)
    results: list = [None] * count
    errors: list = []

    def worker(i):
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as error:  # reported below, with the thread's index
            errors.append((i, error))

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    return results


# --- Live server and Chromium ---------------------------------------------------------------

class LiveServer:
    """The app served over real HTTP in a thread, on a port it keeps across ``stop()`` and
    ``start()``: stopped, the port refuses connections, kept-alive ones included."""

    def __init__(self, app):
        self.app, self.port = app, 0
        self.server = self.thread = None
        self.connections: set = set()
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = make_server("127.0.0.1", self.port, self.app, threaded=True)
        self.port = self.server.server_port
        accept = self.server.get_request

        def get_request():  # remembered so that stop() can cut kept-alive connections
            conn, address = accept()
            with self.lock:
                self.connections.add(conn)
            return conn, address

        def shutdown_request(conn):
            with self.lock:
                self.connections.discard(conn)
            close(conn)

        close = self.server.shutdown_request
        self.server.get_request = get_request
        self.server.shutdown_request = shutdown_request
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        with self.lock:
            open_connections, self.connections = self.connections, set()
        for conn in open_connections:
            with contextlib.suppress(OSError):  # already closed by its handler
                conn.shutdown(socket.SHUT_RDWR)
        self.thread.join(timeout=10)
        self.server = None


@pytest.fixture
def stoppable_server(app):
    """A ``LiveServer`` a test can stop and start again on the same port."""
    server = LiveServer(app)
    server.start()
    yield server
    if server.server is not None:
        server.stop()


@pytest.fixture
def live_server(stoppable_server):
    """The app served over real HTTP on a free local port, in a thread."""
    return stoppable_server.url


CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `python tests/install_browser.py` (Debian "
                    "package chromium) first")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                   viewport={"width": 1280, "height": 900})
    page = patient(context.new_page())
    yield page
    context.close()


BROWSER_WAIT_MS = 40_000


def patient(page):
    """Give every wait of ``page`` 40 s, the time a busy CI machine once needed.

    A click that starts a navigation waits for it under the *action* timeout, not the
    navigation one: with 15 s for actions, a login whose answer took over 15 s on CI failed
    in ``page.click`` although the navigation itself had 40 s. One budget for both: a test
    that passes takes no longer, and only a failing one waits the full 40 s."""
    page.set_default_timeout(BROWSER_WAIT_MS)
    page.set_default_navigation_timeout(BROWSER_WAIT_MS)
    return page


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def browser_login(page, base_url: str, user) -> None:
    page.goto(f"{base_url}/login")
    page.fill("input[name=email]", user.email)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(wait_until="load"):  # the home page fetches nothing after
        page.click("button[type=submit]")
