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


def register_security(app: Flask) -> None:
    wanted = HEADERS + ((HSTS,) if app.config.get("TLS") else ())

    @app.after_request
    def _headers(response):
        """Each header unless the view set its own (one pass: every response pays this)."""
        headers = response.headers
        present = {key.lower() for key, _ in headers.items()}
        headers.extend([(key, value) for key, value in wanted if key.lower() not in present])
        return response
