"""Shared by bench scripts and the tests: a scratch database, a server process (gunicorn or
``flask run``) that binds a free loopback port itself and reports it, and an event with
many units and API tokens.

Only loopback addresses are used; every loop is bounded.
"""

from __future__ import annotations

import contextlib
import gc
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).with_name("gunicorn"))


@contextlib.contextmanager
def scratch_database(pg_url: str | None, folder: Path):
    """A new empty database: on the PostgreSQL server of ``pg_url``, else a SQLite file."""
    if not pg_url:
        yield f"sqlite:///{folder / 'bench.sqlite'}"
        return
    name = f"eventapp_bench_{uuid.uuid4().hex[:10]}"
    server = sa.make_url(pg_url).set(drivername="postgresql+psycopg")
    admin = sa.create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def app_env(database_url: str, instance: Path) -> dict:
    env = dict(os.environ)
    env.update(DATABASE_URL=database_url, EVENTAPP_INSTANCE_PATH=str(instance),
               SECRET_KEY=env.get("SECRET_KEY") or secrets.token_hex(32),
               GUNICORN_ACCESSLOG="", GUNICORN_LOGLEVEL="warning")
    env.pop("TEST_DATABASE_URL", None)
    return env


def make_app(env: dict, **config):
    """An app bound to the scratch database, for seeding and checking from this process."""
    from eventapp import create_app

    saved = {k: os.environ.get(k) for k in ("EVENTAPP_INSTANCE_PATH",)}
    os.environ["EVENTAPP_INSTANCE_PATH"] = env["EVENTAPP_INSTANCE_PATH"]
    try:
        return create_app({"SQLALCHEMY_DATABASE_URI": env["DATABASE_URL"],
                           "SECRET_KEY": env["SECRET_KEY"],
                           "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000", **config})
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextlib.contextmanager
def in_process_app(pg_url: str | None):
    """The app over a new, migrated scratch database, its context pushed, for benches that
    time the server's work in this process (the test client); yields ``(app, database_url)``."""
    from eventapp import create_app
    from eventapp.cli import upgrade_schema

    with tempfile.TemporaryDirectory() as tmp, scratch_database(pg_url, Path(tmp)) as url:
        os.environ["EVENTAPP_INSTANCE_PATH"] = str(Path(tmp) / "instance")
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench-" + "x" * 32,
                          "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                          "RATELIMIT_ENABLED": False})
        with app.app_context():
            upgrade_schema()
            yield app, url


def like_a_worker() -> None:
    """Freeze what this process holds, as a gunicorn worker does once the app is loaded
    (``post_worker_init`` in gunicorn.conf.py), so the collector's full passes walk only what
    requests allocate. Call it after seeding and a warm-up request: the seed's leftovers, which
    a server never holds, would otherwise be walked by every full pass (a 3,000-row page
    triggers one every other request, ~150 ms each)."""
    gc.collect()
    gc.freeze()


def demo_definition() -> dict:
    """The demo event's definition (``eventapp/events/demo_event.json``)."""
    import json
    from importlib import resources

    return json.loads(resources.files("eventapp.events").joinpath("demo_event.json")
                      .read_text("utf-8"))


def demo_event(**changes):
    """Import the demo event with ``changes`` (another ``slug``; ``units=[]`` for an event
    of seeded units only) and commit; returns the event."""
    from eventapp.events.services import import_event
    from eventapp.extensions import db

    event = import_event({**demo_definition(), **changes})
    db.session.commit()
    return event


#: The password of every account ``seed_surge_event`` makes (``<code>@surge.vn``).
SURGE_PASSWORD = "thu-tai-" + secrets.token_hex(6)


def seed_surge_event(app, units: int, *, slug: str = "surge", questions_max: int = 15,
                     delegates_cap: int = 5, capacity: int | None = None) -> dict[str, str]:
    """An open event with ``units`` district units, one unit account and API token each,
    and an organizer. Returns ``{unit code: token}`` plus ``"__organizer__"``; every
    account's password is ``SURGE_PASSWORD``."""
    from eventapp.accounts.models import ApiToken, User
    from eventapp.cli import upgrade_schema
    from eventapp.events.services import import_event
    from eventapp.extensions import db

    soon = datetime.now(UTC) + timedelta(days=30)
    definition = {
        "slug": slug, "title": "Đối thoại — thử tải", "theme": "Thử tải hạn chót",
        "units": [{"code": f"U{i:04d}", "name": f"Huyện đoàn số {i}", "kind": "district"}
                  for i in range(units)],
        "sessions": [{"key": "so-ket", "name": "Sơ kết", "capacity": capacity,
                      "starts_at": (soon + timedelta(days=5)).isoformat()}],
        "questions": {"deadline": soon.isoformat(), "min_per_unit": 15,
                      "max_per_unit": questions_max, "topics": ["Môi trường làm việc"]},
        "registration": {"deadline": soon.isoformat(), "default_max_per_unit": None,
                         "categories": [{"key": "clb-tpt", "name": "CLB TPT Đội"},
                                        {"key": "dai-bieu", "name": "Đại biểu"}],
                         "caps": [{"session": "so-ket", "category": "clb-tpt",
                                   "unit_kind": "district", "max_per_unit": delegates_cap}]},
    }
    tokens: dict[str, str] = {}
    with app.app_context():
        upgrade_schema()
        event = import_event(definition)
        units_by_code = {u.code: u for u in event.units}
        password = User(email="x", role="organizer")
        password.set_password(SURGE_PASSWORD)
        rows = [("__organizer__", None, "organizer")] + [(c, u, "unit")
                                                           for c, u in units_by_code.items()]
        for code, unit, role in rows:
            user = User(email=f"{code.lower().strip('_')}@surge.vn", role=role, unit=unit,
                        password_hash=password.password_hash)
            token = "ea_" + secrets.token_urlsafe(32)
            db.session.add_all([user, ApiToken(user=user, token_hash=ApiToken.digest(token))])
            tokens[code] = token
        db.session.commit()
        db.engine.dispose()
    return tokens


class ServerProcess:
    """A server in a process of its own (gunicorn, ``flask run``) that binds its port itself.

    The first start asks for port 0: the kernel picks a free port as the server binds it,
    and the server reports it in its log (``Listening at:`` / ``Running on``), so no other
    process can take the port between a test choosing it and the server binding it. A
    restart binds the same port again (a page's origin must not change), retrying while it
    is still being released. ``command(port)`` gives the argv; output goes to ``log``.
    """

    LISTENING = re.compile(r"(?:Listening at: |Running on )http://127\.0\.0\.1:(\d+)")

    def __init__(self, command: Callable[[int], list[str]], env: dict, log: Path):
        self.command, self.env, self.log = command, env, log
        self.port = 0
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self, offset: int = 0) -> str:
        with self.log.open("rb") as handle:
            handle.seek(offset)
            return handle.read().decode(errors="replace")

    def start(self, timeout: float = 60) -> ServerProcess:
        deadline = time.monotonic() + timeout
        while True:
            offset = self.log.stat().st_size if self.log.exists() else 0
            with self.log.open("ab") as out:
                self.proc = subprocess.Popen(self.command(self.port), cwd=ROOT, env=self.env,
                                             stdout=out, stderr=subprocess.STDOUT,
                                             start_new_session=True)
            if self._wait_listening(offset, deadline):
                wait_until_up(self.url, self.proc, deadline - time.monotonic())
                return self
            # Only a restart on a known port lands here: its old socket is not free yet.

    def _wait_listening(self, offset: int, deadline: float) -> bool:
        """Wait for the log to say the server listens; False if the port was still taken."""
        while time.monotonic() < deadline:
            output = self.output(offset)
            found = self.LISTENING.search(output)
            if found:
                self.port = int(found.group(1))
                return True
            if self.proc.poll() is not None:
                if self.port and "Address already in use" in output:
                    return False
                raise RuntimeError(f"server exited:\n{output[-3000:]}")
            time.sleep(0.05)  # polling the log, bounded by the deadline
        raise RuntimeError(f"server did not listen in time:\n{self.output(offset)[-3000:]}")

    def stop(self) -> None:
        if self.proc:
            stop_process(self.proc)


def stop_process(proc: subprocess.Popen) -> None:
    """SIGTERM (a graceful stop), then SIGKILL to the whole process group (started with
    ``start_new_session=True``)."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def gunicorn_command(*options: str) -> Callable[[int], list[str]]:
    """argv of ``gunicorn "eventapp:create_app()"`` with the project's gunicorn.conf.py, bound
    to loopback ``port`` (0: any free port) and logging at info, where it says the port."""
    def command(port: int) -> list[str]:
        return [GUNICORN, "-c", str(ROOT / "gunicorn.conf.py"), "--bind", f"127.0.0.1:{port}",
                "--log-level", "info", *options, "eventapp:create_app()"]

    return command


@contextlib.contextmanager
def gunicorn(env: dict, *, workers: int = 4, threads: int = 4, timeout: int = 60):
    """gunicorn serving ``eventapp:create_app()`` on a free loopback port; yields
    ``(base_url, process)``. Stopped (SIGTERM, then SIGKILL) on exit."""
    run_env = dict(env, GUNICORN_WORKERS=str(workers), GUNICORN_THREADS=str(threads),
                   GUNICORN_TIMEOUT=str(timeout))
    with tempfile.TemporaryDirectory() as folder:
        server = ServerProcess(gunicorn_command(), run_env, Path(folder) / "gunicorn.log")
        try:
            server.start()
            yield server.url, server.proc
        finally:
            server.stop()


def wait_until_up(base: str, process: subprocess.Popen, seconds: float = 30) -> None:
    """Poll ``/healthz`` until it answers 200 (bounded); fail if the process exits."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{base} did not answer /healthz in time")


def worker_pids(master_pid: int) -> list[int]:
    """The gunicorn workers (children of the master)."""
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(master_pid)], capture_output=True,
                         text=True, check=False).stdout
    return [int(p) for p in out.split()]


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


class Browserless:
    """A cookie-keeping HTTP client that logs in and posts forms with their CSRF token."""

    def __init__(self, base: str):
        import http.cookiejar

        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=60) as response:
            return response.read().decode()

    def csrf(self, path: str) -> str:
        return re.search(r'name="csrf-token" content="([^"]+)"', self.get(path)).group(1)

    def post(self, path: str, fields: dict, files: dict | None = None, timeout: float = 120):
        """POST multipart form data; returns (status, body)."""
        boundary = "----eventapp" + secrets.token_hex(8)
        chunks = []
        for name, value in fields.items():
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
                          f"\r\n\r\n{value}\r\n".encode())
        for name, (filename, data) in (files or {}).items():
            chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                          f'filename="{filename}"\r\nContent-Type: application/octet-stream'
                          "\r\n\r\n".encode() + data + b"\r\n")
        chunks.append(f"--{boundary}--\r\n".encode())
        request = urllib.request.Request(self.base + path, data=b"".join(chunks), headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}"})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def login(self, email: str, password: str) -> None:
        status, body = self.post("/login", {"csrf_token": self.csrf("/login"), "email": email,
                                            "password": password})
        if "Đăng xuất" not in body:
            raise RuntimeError(f"login failed ({status})")
