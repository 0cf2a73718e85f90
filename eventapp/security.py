"""Security headers on every response (CSP without inline scripts, no framing, nosniff)."""

from __future__ import annotations

from flask import Flask

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


class SecurityHeaders:
    """WSGI middleware: each header on every response (pages, API, files, errors) unless
    the app set its own.

    Added to the finished header list in ``start_response`` rather than in an
    ``after_request`` hook through Werkzeug's ``Headers``, which validates every name and
    value again on every response: a tenth of the app's own work on a door scan.
    """

    def __init__(self, wsgi_app, headers: tuple[tuple[str, str], ...]):
        self.wsgi_app = wsgi_app
        self.headers = list(headers)
        self.names = frozenset(key.lower() for key, _ in headers)

    def __call__(self, environ, start_response):
        def add_headers(status, headers, exc_info=None):
            if any(key.lower() in self.names for key, _ in headers):
                present = {key.lower() for key, _ in headers}
                return start_response(status, headers + [
                    h for h in self.headers if h[0].lower() not in present], exc_info)
            return start_response(status, headers + self.headers, exc_info)

        return self.wsgi_app(environ, add_headers)


def register_security(app: Flask) -> None:
    wanted = HEADERS + ((HSTS,) if app.config.get("TLS") else ())
    app.wsgi_app = SecurityHeaders(app.wsgi_app, wanted)
