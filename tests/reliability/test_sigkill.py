"""A gunicorn worker killed with SIGKILL in the middle of an Excel import leaves nothing
half-written: the import is one transaction, so the database rolls it back.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa

from bench.harness import (
    Browserless,
    app_env,
    gunicorn,
    make_app,
    scratch_database,
    seed_surge_event,
    wait_until_up,
    worker_pids,
)
from tests.conftest import TEST_DATABASE_URL
from tests.helpers import xlsx

ROWS = 3000
PASSWORD = "mat-khau-thu-tai"


def _import_file() -> bytes:
    return xlsx(([f"Nguyễn Văn Thử {i}", "Giáo viên", "Trường TH số 1", "Đại biểu", "so-ket",
                  f"09{i:08d}", ""] for i in range(ROWS)),
                ["Họ và tên", "Chức vụ", "Nơi công tác", "Thành phần", "Phiên", "Điện thoại",
                 "Email"])


def _writer_busy(url: str) -> bool:
    """Is another connection inside a write transaction right now?"""
    if url.startswith("sqlite"):
        conn = sqlite3.connect(sa.make_url(url).database, timeout=0, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            return False
        except sqlite3.OperationalError:  # "database is locked": a writer holds the lock
            return True
        finally:
            conn.close()
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return bool(conn.execute(sa.text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL")).scalar())
    finally:
        engine.dispose()


def _attendees(url: str) -> int:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text("SELECT count(*) FROM attendee")).scalar()
    finally:
        engine.dispose()


@pytest.mark.concurrency
def test_worker_killed_mid_import_leaves_nothing_half_written(tmp_path):
    from eventapp.accounts.services import create_user

    with scratch_database(TEST_DATABASE_URL, tmp_path) as url:
        env = app_env(url, tmp_path / "instance")
        app = make_app(env)
        seed_surge_event(app, 1)
        with app.app_context():
            create_user("donvi@surge.test", "unit", PASSWORD, unit_code="U0000")
            from eventapp.extensions import db

            db.session.commit()
            db.engine.dispose()
        data = _import_file()
        with gunicorn(env, workers=1, threads=1) as (base, master):
            client = Browserless(base)
            client.login("donvi@surge.test", PASSWORD)
            page = "/events/surge/registration/"
            outcome: dict = {}

            def upload():
                try:
                    outcome["answer"] = client.post(page + "import", {
                        "csrf_token": client.csrf(page)}, {"file": ("dai-bieu.xlsx", data)})
                except OSError as error:  # the worker died under the request
                    outcome["error"] = error

            thread = threading.Thread(target=upload)
            thread.start()
            deadline = time.monotonic() + 60
            while not _writer_busy(url):
                assert time.monotonic() < deadline, "the import never opened a transaction"
                assert thread.is_alive(), f"import finished before it could be killed: {outcome}"
                time.sleep(0.005)
            [worker] = worker_pids(master.pid)
            os.kill(worker, signal.SIGKILL)
            thread.join(timeout=60)
            assert "error" in outcome or outcome["answer"][0] >= 500, outcome

            wait_until_up(base, master)
            deadline = time.monotonic() + 30
            while _writer_busy(url):  # PostgreSQL notices the dead client and rolls back
                assert time.monotonic() < deadline, "the killed transaction is still open"
                time.sleep(0.1)
            assert _attendees(url) == 0

            # the same file imported again, undisturbed, goes in whole
            client = Browserless(base)
            client.login("donvi@surge.test", PASSWORD)
            status, body = client.post(page + "import", {"csrf_token": client.csrf(page)},
                                       {"file": ("dai-bieu.xlsx", data)})
            assert status == 200 and f"{ROWS}" in body, body[:3000]
            assert _attendees(url) == ROWS
