"""gunicorn with the repository's gunicorn.conf.py serves the demo, as the deployment
guide sets it up: `flask init-db`, `flask demo`, then gunicorn (also behind a TLS proxy)."""

from __future__ import annotations

import re

from tests.conftest import TEST_DATABASE_URL
from tests.ops.conftest import Http, flask_cli

DEMO_TITLE = "Chương trình đối thoại giữa Bí thư Tỉnh ủy"
#: A deployment gives the demo accounts its own password (the printed one is refused there).
DEMO_PASSWORD = "mat-khau-trien-khai"


def _database(request, tmp_path) -> str:
    if TEST_DATABASE_URL:
        return request.getfixturevalue("scratch_pg")()
    return f"sqlite:///{tmp_path / 'eventapp.sqlite'}"


def test_gunicorn_serves_the_demo_with_the_repository_config(request, tmp_path, gunicorn):
    env = {"DATABASE_URL": _database(request, tmp_path),
           "EVENTAPP_INSTANCE_PATH": str(tmp_path / "instance")}
    for command in (["init-db"], ["demo", "--password", DEMO_PASSWORD]):
        done = flask_cli(env, *command)
        assert done.returncode == 0, done.stderr
    assert "bantochuc@demo.vn" in done.stdout

    server = gunicorn(env, workers=2)
    browser = Http()
    status, headers, _ = browser.login(server.url, "bantochuc@demo.vn", DEMO_PASSWORD)
    assert status == 302
    status, headers, html = browser.request(f"{server.url}/events/")
    assert status == 200 and DEMO_TITLE in html
    assert "Strict-Transport-Security" not in headers
    status, _, _ = browser.request(f"{server.url}/static/js/app.js")
    assert status == 200
    server.stop()
    log = server.log.read_text()
    assert len(re.findall(r"Booting worker with pid", log)) == 2
    assert "Using worker: gthread" in log
    # Access log: forwarded-for, peer, request, status, size, duration.
    assert re.search(r'^- 127\.0\.0\.1 .* "GET /events/ HTTP/1\.1" 200 \d+ \d+ms ', log, re.M)


def test_behind_a_tls_proxy_cookies_are_secure_and_hsts_is_sent(request, tmp_path, gunicorn):
    env = {"DATABASE_URL": _database(request, tmp_path),
           "EVENTAPP_INSTANCE_PATH": str(tmp_path / "instance"),
           "EVENTAPP_PROXY_FIX": "1", "EVENTAPP_TLS": "1"}
    done = flask_cli(env, "demo", "--password", DEMO_PASSWORD)
    assert done.returncode == 0, done.stderr
    server = gunicorn(env)
    nginx = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
             "X-Forwarded-Host": "doithoai.example", "Referer": "https://doithoai.example/login"}
    browser = Http()
    status, headers, html = browser.request(f"{server.url}/login", headers=nginx)
    assert status == 200
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    token = re.search(r'name="csrf-token" content="([^"]+)"', html).group(1)
    # The session cookie is Secure: a client only sends it back over HTTPS, which nginx
    # terminates; here we play the part of nginx and hand it on ourselves.
    session = headers["Set-Cookie"].split(";")[0]
    status, headers, _ = browser.request(
        f"{server.url}/login", {"csrf_token": token, "email": "bantochuc@demo.vn",
                                "password": DEMO_PASSWORD}, headers={**nginx, "Cookie": session})
    assert status == 302
    cookie = headers["Set-Cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    server.stop()
    # The access log names the real client, not the proxy.
    assert re.search(r'^203\.0\.113\.9 \S+ .*"POST /login', server.log.read_text(), re.M)
