"""Security headers on pages, the API, files and errors; session cookies; TLS settings."""

from __future__ import annotations

import pytest

from eventapp import create_app
from tests.conftest import PASSWORD, base_config
from tests.ops.conftest import IsolatedClient


def _csp(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no CSP on {response.request.path}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


def assert_secure_headers(response, *, hsts: bool) -> None:
    csp = _csp(response)
    script = csp.get("script-src") or csp["default-src"]
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    assert "*" not in script and not any(s.startswith("http") for s in script)
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] in {"same-origin", "no-referrer",
                                                   "strict-origin-when-cross-origin"}
    assert response.headers.get("X-Frame-Options") == "DENY"
    if hsts:
        value = response.headers["Strict-Transport-Security"]
        assert int(value.split("max-age=")[1].split(";")[0]) >= 180 * 24 * 3600
    else:
        assert "Strict-Transport-Security" not in response.headers


#: What nginx adds in front of the app, and the Referer a browser sends on a same-origin
#: form post (Flask-WTF checks it over HTTPS).
BEHIND_TLS = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.7",
              "HTTP_REFERER": "https://localhost/login"}


def _client(app, https: bool):
    client = app.test_client()
    if https:
        client.environ_base.update(BEHIND_TLS)
    return client


def _responses(app, users, token_for, https: bool = False) -> dict[str, object]:
    """One response of every kind the app gives: pages, redirects, API, files, errors."""
    anonymous, organizer, unit = (_client(app, https) for _ in range(3))
    for client, user in ((organizer, users["organizer"]), (unit, users["unit_a"])):
        assert client.post_form("/login", {"email": user.email,
                                           "password": PASSWORD}).status_code == 302
    api = token_for(users["organizer"])
    unit_api = token_for(users["unit_a"])
    got = {
        "login page": anonymous.get("/login"),
        "redirect to login": anonymous.get("/events/"),
        "organizer page": organizer.get("/events/"),
        "export file": organizer.get("/audit/export.xlsx"),
        "static file": anonymous.get("/static/js/app.js"),
        "page 403": unit.get("/accounts/"),
        "page 404": organizer.get("/khong-co-trang-nay"),
        "page 405": anonymous.put("/login"),
        "csrf 400": organizer.post("/accounts/new", data={"email": "x@y.vn"}),
        "api 200": anonymous.get("/api/v1/events/doi-thoai-2020", headers=api),
        "api 401": anonymous.get("/api/v1/events/doi-thoai-2020"),
        "api 404": anonymous.get("/api/v1/events/khong-co", headers=api),
        "api as unit": anonymous.get("/api/v1/events/doi-thoai-2020", headers=unit_api),
    }
    expected = {"login page": 200, "redirect to login": 302, "organizer page": 200,
                "export file": 200, "static file": 200, "page 403": 403, "page 404": 404,
                "page 405": 405, "csrf 400": 400, "api 200": 200, "api 401": 401,
                "api 404": 404}
    for name, status in expected.items():
        assert got[name].status_code == status, name
    return got


def test_every_kind_of_response_carries_the_security_headers(app, users, token_for):
    for name, response in _responses(app, users, token_for).items():
        try:
            assert_secure_headers(response, hsts=False)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


def test_database_outage_503_carries_the_security_headers(tmp_path, closed_port):
    closed = f"postgresql+psycopg://postgres@127.0.0.1:{closed_port}/x"
    app = create_app({**base_config(tmp_path, closed), "TESTING": False})
    for path in ("/healthz", "/api/v1/events/x"):
        response = app.test_client().get(path, headers={"Authorization": "Bearer ea_x"})
        assert response.status_code == 503
        assert_secure_headers(response, hsts=False)


def _cookies(response) -> dict[str, str]:
    out = {}
    for header in response.headers.getlist("Set-Cookie"):
        out[header.split("=", 1)[0]] = header
    return out


def _attributes(set_cookie: str) -> set[str]:
    """``{"httponly", "secure", "samesite=lax", "path=/", …}``"""
    return {part.strip().lower() for part in set_cookie.split(";")[1:]}


def _login(client, email: str, remember: bool = False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post_form("/login", data)
    assert response.status_code == 302
    return response


def test_session_cookie_is_httponly_and_samesite_and_not_secure_without_tls(app, users):
    response = _login(app.test_client(), users["organizer"].email, remember=True)
    cookies = _cookies(response)
    for name in ("session", "remember_token"):
        attrs = _attributes(cookies[name])
        assert "httponly" in attrs, name
        assert "samesite=lax" in attrs, name
        assert "secure" not in attrs, name


@pytest.fixture
def tls_app(app, users, monkeypatch, tmp_path):
    """The same database served as behind nginx with TLS: EVENTAPP_TLS=1 and
    EVENTAPP_PROXY_FIX=1 in the environment, as the deployment guide sets them."""
    monkeypatch.setenv("EVENTAPP_TLS", "1")
    monkeypatch.setenv("EVENTAPP_PROXY_FIX", "1")
    served = create_app({**base_config(tmp_path / "tls", app.config["SQLALCHEMY_DATABASE_URI"])})
    served.test_client_class = IsolatedClient
    return served


def test_with_tls_cookies_are_secure_and_hsts_is_sent_everywhere(tls_app, users, token_for):
    cookies = _cookies(_login(_client(tls_app, True), users["organizer"].email, remember=True))
    for name in ("session", "remember_token"):
        attrs = _attributes(cookies[name])
        assert {"secure", "httponly", "samesite=lax"} <= attrs, name
    for name, response in _responses(tls_app, users, token_for, https=True).items():
        try:
            assert_secure_headers(response, hsts=True)
        except AssertionError as error:
            raise AssertionError(f"{name}: {error}") from error


def test_a_header_the_app_sets_itself_is_kept_not_doubled():
    """``SecurityHeaders`` adds what is missing and leaves a response's own choice alone."""
    from eventapp.security import HEADERS, SecurityHeaders

    def framed_page(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/html"),
                                  ("x-frame-options", "SAMEORIGIN")])
        return [b"<p>ok</p>"]

    sent = {}
    body = SecurityHeaders(framed_page, HEADERS)(
        {}, lambda status, headers, exc_info=None: sent.update(status=status, headers=headers))
    assert list(body) == [b"<p>ok</p>"] and sent["status"] == "200 OK"
    names = [key.lower() for key, _ in sent["headers"]]
    assert names.count("x-frame-options") == 1
    assert ("x-frame-options", "SAMEORIGIN") in sent["headers"]
    assert {key.lower() for key, _ in HEADERS} <= set(names)
