"""Configuration defaults.

Order of precedence (lowest first): these defaults, ``instance/config.py``, environment
variables (``SECRET_KEY``, ``DATABASE_URL``, ``EVENTAPP_*``), then ``test_config``.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
TEMPLATE_DIR = PROJECT_ROOT / "templates"
STATIC_DIR = PROJECT_ROOT / "static"


def instance_path() -> Path:
    """The runtime-data folder: ``EVENTAPP_INSTANCE_PATH`` or ``<project>/instance``."""
    return Path(os.environ.get("EVENTAPP_INSTANCE_PATH") or PROJECT_ROOT / "instance").resolve()


class Defaults:
    """Values used when nothing else is configured. SQLALCHEMY_DATABASE_URI is derived."""

    SECRET_KEY: str | None = None  # generated into instance/secret_key when absent
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False  # set True behind TLS (EVENTAPP_TLS=1)
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = 12 * 3600
    WTF_CSRF_TIME_LIMIT = None  # a form left open all morning at the venue still submits
    MAX_CONTENT_LENGTH = 32 * 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 30_000
    # Login throttling (accounts/throttle.py): memory:// counts per process; use
    # redis://… with several workers or hosts.
    RATELIMIT_STORAGE_URI = "memory://"
    LOGIN_RATE_LIMIT = "10 per minute"
    TIMEZONE = "Asia/Ho_Chi_Minh"
    UPLOAD_FOLDER: str | None = None  # default: <instance>/uploads
    # Storage per unit and event (nominations/uploads.py); letters are capped at 5.
    UPLOAD_MAX_DOSSIERS_PER_UNIT = 50
    UPLOAD_MAX_BYTES_PER_UNIT = 200 * 1024 * 1024
    TLS = False
    #: Behind a reverse proxy (nginx): honour X-Forwarded-* from one hop.
    PROXY_FIX = False
    # Tests set NOW to a datetime (or a callable) to control the clock.
    NOW = None


ENV_OVERRIDES = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "EVENTAPP_UPLOAD_FOLDER": "UPLOAD_FOLDER",
    "EVENTAPP_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
}


def from_environment() -> dict:
    """Settings taken from environment variables."""
    found = {key: os.environ[env] for env, key in ENV_OVERRIDES.items() if os.environ.get(env)}
    if os.environ.get("EVENTAPP_PROXY_FIX", "").lower() in {"1", "true", "yes"}:
        found["PROXY_FIX"] = True
    if os.environ.get("EVENTAPP_TLS", "").lower() in {"1", "true", "yes"}:
        found.update(TLS=True, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    return found


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
