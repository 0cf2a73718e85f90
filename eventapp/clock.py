"""The one clock. ``now()`` is the server's time as an aware UTC datetime.

Tests control it through ``app.config["NOW"]`` (a datetime, or a callable returning one).
"""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app, has_app_context


def now() -> datetime:
    if has_app_context():
        fixed = current_app.config.get("NOW")
        if fixed is not None:
            value = fixed() if callable(fixed) else fixed
            return value.astimezone(UTC)
    return datetime.now(UTC)
