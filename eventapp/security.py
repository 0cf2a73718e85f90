"""Security headers on every response (CSP without inline scripts, no framing, nosniff),
and ``Cache-Control: no-store`` on every API answer and every page served to a logged-in
user, so that neither a shared computer's cache nor a proxy keeps personal data."""

from __future__ import annotations

from flask import Flask, g, request

from eventapp.api import API_PREFIX

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "connect-src 'self'",
    "font-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])


HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "same-origin"),
    ("Permissions-Policy", "camera=(self), microphone=(), geolocation=()"),
)
HSTS = ("Strict-Transport-Security", "max-age=31536000")
NO_STORE = ("Cache-Control", "no-store")


class SecurityHeaders:
    """WSGI middleware: each header on every response (pages, API, files, errors) unless
    the app set its own.

    Added to the finished header list in ``start_response`` rather than in an
    ``after_request`` hook through Werkzeug's ``Headers``, which validates every name and
    value again on every response: a tenth of the app's own work on a door scan.
    """

    def __init__(self, wsgi_app, headers: tuple[tuple[str, str], ...],
                 api_prefix: str | None = None):
        self.wsgi_app = wsgi_app
        self.headers = list(headers)
        #: API answers also get ``no-store`` (checked on the path: no hook on the scan).
        self.api_prefix = api_prefix
        self.api_headers = self.headers + [NO_STORE]
        self.names = frozenset(key.lower() for key, _ in self.api_headers)

    def __call__(self, environ, start_response):
        api = self.api_prefix is not None and \
            environ.get("PATH_INFO", "").startswith(self.api_prefix)
        wanted = self.api_headers if api else self.headers

        def add_headers(status, headers, exc_info=None):
            if any(key.lower() in self.names for key, _ in headers):
                present = {key.lower() for key, _ in headers}
                return start_response(status, headers + [
                    h for h in wanted if h[0].lower() not in present], exc_info)
            return start_response(status, headers + wanted, exc_info)

        return self.wsgi_app(environ, add_headers)


def _no_store_when_logged_in(response):
    """Pages for a logged-in user are never cached (Flask-Login keeps the user in ``g``
    once a page has asked who is logged in; static files are left cacheable)."""
    user = g.get("_login_user")
    if user is not None and user.is_authenticated and request.endpoint != "static":
        response.headers["Cache-Control"] = "no-store"
    return response


def register_security(app: Flask) -> None:
    wanted = HEADERS + ((HSTS,) if app.config.get("TLS") else ())
    app.wsgi_app = SecurityHeaders(app.wsgi_app, wanted, API_PREFIX + "/")
    app.after_request(_no_store_when_logged_in)
