"""Login throttling — the app's one rate limit — with the ``limits`` library.

At most ``LOGIN_RATE_LIMIT`` (default ``10 per minute``) login attempts from one client
address, successful ones included, counted in ``RATELIMIT_STORAGE_URI``: ``memory://``
counts per process, ``redis://…`` is shared by every worker and host. Behind nginx the
address is the real client's only with ``EVENTAPP_PROXY_FIX=1``. ``RATELIMIT_ENABLED``
(default on) and ``RATELIMIT_KEY_PREFIX`` keep their Flask-Limiter names.

Why not Flask-Limiter, which is built on ``limits``: it looks up the limits of every
request's endpoint in hooks that run on every request of the app. With one limited form
those hooks cost half of what the app adds to Flask's own floor, and a tenth of a scan at
the check-in door; calling ``limits`` where the form is handled costs nothing elsewhere.
"""

from __future__ import annotations

from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

EXTENSION = "eventapp.login_throttle"


class LoginThrottle:
    def __init__(self, app: Flask):
        config = app.config
        self.limit = parse(config["LOGIN_RATE_LIMIT"])
        self.prefix = config.get("RATELIMIT_KEY_PREFIX", "")
        self.limiter = FixedWindowRateLimiter(storage_from_string(config["RATELIMIT_STORAGE_URI"]))
        app.extensions[EXTENSION] = self

    def allow(self, address: str | None) -> bool:
        """Count one attempt from ``address``; False once it is over the limit."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return True
        return self.limiter.hit(self.limit, self.prefix, "login", address or "-")


def allow_login_attempt(address: str | None) -> bool:
    return current_app.extensions[EXTENSION].allow(address)
