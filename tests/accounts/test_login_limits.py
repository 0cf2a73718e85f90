"""Login limits (issue #12, item 10): per account with a growing delay beside the
per-address limit, failures only, shared through the database, audited, and a deactivated
account refused in the time a wrong password takes."""

from __future__ import annotations

import statistics
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventapp import create_app
from eventapp.extensions import db
from tests.conftest import PASSWORD, CsrfClient, base_config, run_concurrently

WRONG = "sai-mat-khau"


def _attempt(client, email, password=WRONG):
    return client.post_form("/login", {"email": email, "password": password})


def _actions() -> list[str]:
    db.session.commit()
    return list(db.session.scalars(sa.text("SELECT action FROM audit_entry ORDER BY id")))


def test_one_guesser_locks_only_the_guessed_account_not_the_school(app, users, set_now):
    """A whole school behind one NAT address: one pupil guessing at one account does not
    lock the others out."""
    start = datetime.now(UTC)
    set_now(start)
    guesser, colleague = app.test_client(), app.test_client()
    for _ in range(5):
        assert _attempt(guesser, "batri@test.vn").status_code == 200
    locked = _attempt(guesser, "batri@test.vn", PASSWORD)
    assert locked.status_code == 429
    assert "tạm khóa đăng nhập" in locked.get_data(as_text=True)
    assert _attempt(colleague, "binhdai@test.vn", PASSWORD).status_code == 302
    # the delay grows: 30 s, then 60 s after the next failure
    set_now(start + timedelta(seconds=31))
    assert _attempt(guesser, "batri@test.vn").status_code == 200
    set_now(start + timedelta(seconds=31 + 59))
    assert _attempt(guesser, "batri@test.vn", PASSWORD).status_code == 429
    set_now(start + timedelta(seconds=31 + 61))
    assert _attempt(guesser, "batri@test.vn", PASSWORD).status_code == 302
    actions = _actions()
    assert actions.count("auth.login_failed") == 6
    assert actions.count("auth.lockout") == 2
    assert actions.count("auth.login") == 2


def test_successful_logins_do_not_count(app, users):
    app.config["RATELIMIT_ENABLED"] = True
    for _ in range(14):  # more than LOGIN_RATE_LIMIT from one address
        client = app.test_client()
        assert _attempt(client, "batri@test.vn", PASSWORD).status_code == 302
    # one wrong password between right ones does not add up to a lock either
    for _ in range(8):
        client = app.test_client()
        assert _attempt(client, "binhdai@test.vn").status_code == 200
        assert _attempt(client, "binhdai@test.vn", PASSWORD).status_code == 302
    assert _attempt(app.test_client(), "ndchieu@test.vn", PASSWORD).status_code == 302


def test_unknown_emails_are_locked_like_accounts(app, users):
    client = app.test_client()
    for _ in range(5):
        assert _attempt(client, "khong-co@test.vn").status_code == 200
    assert _attempt(client, "khong-co@test.vn").status_code == 429


def test_concurrent_guesses_at_one_account_get_only_the_free_tries(app, users):
    """Ten guesses fired at once: exactly five reach the password check."""
    def guess(_):
        client = app.test_client()
        client.csrf_token()
        return _attempt(client, "batri@test.vn").status_code

    codes = run_concurrently(guess, 10)
    assert sorted(codes) == [200] * 5 + [429] * 5, codes
    assert _actions().count("auth.login_failed") == 5


def test_deactivated_account_takes_as_long_as_a_wrong_password(app, users):
    app.config["PASSWORD_HASH_METHOD"] = "pbkdf2:sha256:150000"
    for user in (users["unit_a"], users["unit_b"]):
        user.set_password(PASSWORD)
    users["unit_b"].active = False
    db.session.commit()

    def timed(email, password):
        client = app.test_client()
        client.csrf_token()
        began = time.perf_counter()
        response = _attempt(client, email, password)
        assert response.status_code == 200
        assert "Email hoặc mật khẩu không đúng." in response.get_data(as_text=True)
        return time.perf_counter() - began

    wrong, inactive = [], []
    for _ in range(4):  # below the per-account limit
        wrong.append(timed("batri@test.vn", WRONG))
        inactive.append(timed("binhdai@test.vn", PASSWORD))
    assert statistics.median(inactive) > 0.6 * statistics.median(wrong), (wrong, inactive)


def test_memory_store_is_refused_with_several_gunicorn_workers(app, tmp_path, monkeypatch):
    config = {**base_config(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"]),
              "RATELIMIT_STORAGE_URI": "memory://"}
    monkeypatch.setattr("sys.argv", ["/usr/bin/gunicorn"])
    monkeypatch.setenv("GUNICORN_WORKERS", "3")
    with pytest.raises(RuntimeError, match="gunicorn runs 3 workers"):
        create_app(config)
    assert create_app({**config, "RATELIMIT_ALLOW_PER_PROCESS": True})
    assert create_app({**config, "RATELIMIT_STORAGE_URI": "database"})
    monkeypatch.setenv("GUNICORN_WORKERS", "1")
    assert create_app(config)


def test_the_database_store_counts_per_address_failures(app, users, tmp_path):
    served = create_app({**base_config(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"]),
                         "RATELIMIT_ENABLED": True, "LOGIN_RATE_LIMIT": "3 per minute"})
    served.test_client_class = CsrfClient
    assert served.config["RATELIMIT_STORAGE_URI"] == "database"
    client = served.test_client()
    for i in range(3):
        assert _attempt(client, f"khach{i}@test.vn").status_code == 200
    assert _attempt(client, "batri@test.vn", PASSWORD).status_code == 429


def test_logins_failures_and_lockouts_are_on_the_audit_page(app, users, login, client):
    guesser = app.test_client()
    for _ in range(5):
        _attempt(guesser, "batri@test.vn")
    login(users["organizer"])
    html = client.get("/audit/", query_string={"q": "batri@test.vn"}).get_data(as_text=True)
    assert "đã ghi nhận một lần đăng nhập sai" in html
    assert "đã tạm khóa đăng nhập sau nhiều lần nhập sai" in html
    html = client.get("/audit/", query_string={"action": "auth.login"}).get_data(as_text=True)
    assert "btc (Ban tổ chức) đã đăng nhập tài khoản btc@test.vn từ" in html


def test_failures_are_forgotten_a_day_after_the_last_one(app, users, set_now):
    start = datetime.now(UTC)
    set_now(start)
    client = app.test_client()
    for _ in range(4):
        assert _attempt(client, "batri@test.vn").status_code == 200
    set_now(start + timedelta(days=1, minutes=1))
    for _ in range(4):  # four more: not nine in a row
        assert _attempt(client, "batri@test.vn").status_code == 200
    assert _attempt(client, "batri@test.vn", PASSWORD).status_code == 302
