"""Login rate limiting: shared by every worker through the database (the default) or
Redis, keyed by the real client address behind the proxy.

What a shared store must prove is that separate processes count together, so the
workers here are real gunicorn processes.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
import redis

from eventapp import create_app
from tests.conftest import TEST_DATABASE_URL, base_config
from tests.ops.conftest import Http, IsolatedClient

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
LIMIT = 4
# The login route's own words (eventapp/accounts/views.py), not the generic 429 text.
TOO_MANY = "Quá nhiều lần đăng nhập. Vui lòng đợi một phút rồi thử lại."


@pytest.fixture
def redis_prefix():
    """A key prefix of this test's own in the test Redis database; its keys are removed."""
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError:
        pytest.fail(f"Redis is needed at {REDIS_URL} (set TEST_REDIS_URL): start it with "
                    "`redis-server --daemonize yes --bind 127.0.0.1 --save ''`")
    prefix = f"eventapp-test-{uuid.uuid4().hex[:8]}"
    yield prefix
    for key in client.scan_iter(match=f"*{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture
def worker_env(database_template, tmp_path):
    """``make(storage, prefix)`` → the environment of a gunicorn worker on the suite's
    migrated database, with login limited to LIMIT attempts a minute."""

    def make(storage: str, prefix: str) -> dict:
        instance = tmp_path / f"instance-{uuid.uuid4().hex[:6]}"
        instance.mkdir()
        (instance / "config.py").write_text(
            f'LOGIN_RATE_LIMIT = "{LIMIT} per minute"\n'
            f'RATELIMIT_KEY_PREFIX = "{prefix}"\n'
            'PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"\n', encoding="utf-8")
        if TEST_DATABASE_URL:
            uri = database_template["uri"]
        else:
            uri = f"sqlite:///{tmp_path / 'workers.sqlite'}"
            if not (tmp_path / "workers.sqlite").exists():
                shutil.copyfile(database_template["path"], tmp_path / "workers.sqlite")
        return {"DATABASE_URL": uri, "EVENTAPP_INSTANCE_PATH": str(instance),
                "SECRET_KEY": "shared-by-every-worker-" + "k" * 32,
                "EVENTAPP_RATELIMIT_STORAGE_URI": storage, "GUNICORN_THREADS": "2"}

    return make


def _failed_login(browser: Http, server, attempt: int = 0) -> tuple[int, str]:
    # A different e-mail each time: the per-address limit, not the per-account delay.
    status, _, body = browser.login(server.url, f"khong-co-{attempt}@vi-du.vn", "sai-mat-khau")
    return status, body


@pytest.mark.parametrize("store", ["redis", "database"])
def test_login_limit_is_shared_by_two_workers(store, gunicorn, worker_env, request):
    """Two gunicorn processes count together, through Redis or through the app's own
    database (the default store, which needs no Redis)."""
    if store == "redis":
        env = worker_env(REDIS_URL, request.getfixturevalue("redis_prefix"))
    else:
        env = worker_env("database", "")
    first, second = gunicorn(env), gunicorn(env)
    browser = Http()
    for attempt in range(LIMIT):
        status, body = _failed_login(browser, (first, second)[attempt % 2], attempt)
        assert status == 200 and "không đúng" in body, attempt
    for server in (first, second):
        status, body = _failed_login(browser, server, 99)
        assert status == 429
        assert TOO_MANY in body


def test_without_a_shared_store_each_worker_counts_alone(gunicorn, worker_env, redis_prefix):
    """The control: with memory:// each worker allows LIMIT attempts, so a client that
    spreads its guesses over two workers gets twice as many — why Redis is needed."""
    env = worker_env("memory://", redis_prefix)
    first, second = gunicorn(env), gunicorn(env)
    browser = Http()
    for attempt in range(2 * LIMIT):
        status, _ = _failed_login(browser, (first, second)[attempt % 2], attempt)
        assert status == 200, attempt
    assert _failed_login(browser, first, 99)[0] == 429


@pytest.mark.parametrize("proxy_fix", [True, False])
def test_behind_nginx_the_limit_is_per_client_not_per_proxy(app, users, tmp_path, proxy_fix):
    served = create_app({**base_config(tmp_path, app.config["SQLALCHEMY_DATABASE_URI"]),
                         "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": "memory://",
                         "LOGIN_RATE_LIMIT": f"{LIMIT} per minute", "PROXY_FIX": proxy_fix})
    served.test_client_class = IsolatedClient
    guesser, colleague = served.test_client(), served.test_client()
    # Every request comes from nginx (127.0.0.1); X-Forwarded-For names the real client.
    guesser.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.20"
    colleague.environ_base["HTTP_X_FORWARDED_FOR"] = "198.51.100.21"
    wrong = {"email": users["unit_a"].email, "password": "sai-mat-khau"}
    for _ in range(LIMIT):
        assert guesser.post_form("/login", wrong).status_code == 200
    assert guesser.post_form("/login", wrong).status_code == 429
    right = {"email": users["unit_b"].email, "password": "matkhau-thu-nghiem"}
    # With EVENTAPP_PROXY_FIX the colleague behind the same proxy can still log in;
    # without it, everybody shares the proxy's address and is locked out together.
    assert colleague.post_form("/login", right).status_code == (302 if proxy_fix else 429)
