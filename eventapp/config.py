"""Configuration defaults.

Order of precedence (lowest first): these defaults, ``instance/config.py``, environment
variables (``SECRET_KEY``, ``DATABASE_URL``, ``EVENTAPP_*``), then ``test_config``.
"""

from __future__ import annotations

import os
from datetime import timedelta
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
    # A form or JSON body without files (eventapp/app.py EventRequest): a long dossier is
    # under 0.5 MB once URL-encoded.
    MAX_BODY_WITHOUT_FILES = 2 * 1024 * 1024
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    SQLITE_BUSY_TIMEOUT_MS = 30_000
    # Refused scans stored per session (checkin/failed.py); past it they are only counted.
    FAILED_SCANS_PER_SESSION = 1000
    # PostgreSQL that stalls instead of refusing (eventapp/dbtimeouts.py): seconds before a
    # request gets the 503 page; 0 turns one off. Raise DB_STATEMENT_TIMEOUT for a long
    # maintenance command (EVENTAPP_DB_STATEMENT_TIMEOUT=0 flask … init-db).
    DB_CONNECT_TIMEOUT = 3
    DB_STATEMENT_TIMEOUT = 6
    DB_POOL_TIMEOUT = 10
    DB_KEEPALIVES_IDLE = 10
    # Login throttling (accounts/throttle.py): failed logins per address are counted in
    # the database (shared by every worker), or redis://…; memory:// counts per process
    # and is refused with several gunicorn workers unless RATELIMIT_ALLOW_PER_PROCESS.
    RATELIMIT_STORAGE_URI = "database"
    RATELIMIT_ALLOW_PER_PROCESS = False
    LOGIN_RATE_LIMIT = "10 per minute"
    # Per account: free wrong passwords, then a lock of DELAY seconds doubling each time.
    LOGIN_ACCOUNT_FREE_FAILURES = 5
    LOGIN_ACCOUNT_DELAY = 30
    LOGIN_ACCOUNT_MAX_DELAY = 15 * 60
    # Set-password links (accounts/links.py): "Quên mật khẩu?" and the organizer's link
    # for a new account; a new reset link is mailed at most once per RESEND seconds.
    PASSWORD_RESET_HOURS = 1
    PASSWORD_WELCOME_HOURS = 72
    PASSWORD_RESET_RESEND_SECONDS = 60
    # "Quên mật khẩu?" answers no sooner than this, whether or not a link was written, so
    # the time it takes does not tell which e-mails have an account.
    PASSWORD_RESET_ANSWER_SECONDS = 0.4
    # "Ghi nhớ đăng nhập" lasts this many days (EVENTAPP_REMEMBER_DAYS); a login without
    # it lasts PERMANENT_SESSION_LIFETIME. Both end at logout (accounts/sessions.py).
    REMEMBER_DAYS = 14
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
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
    # E-mail over SMTP (messages/channels.py). No MAIL_SERVER: e-mails wait in the outbox
    # (queued) and the in-app inbox still works; set it and the worker sends them.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS after connecting (port 587)
    MAIL_USE_SSL = False  # TLS from the start (port 465)
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_DEFAULT_SENDER = "eventapp@localhost"
    MAIL_TIMEOUT = 30  # seconds for one SMTP conversation step; past it: a temporary failure
    # The outbox worker (messages/worker.py): rows claimed at once, how long a claim holds
    # before another worker may take the rows of a worker that died, give up after so many
    # attempts, and the sleep between rounds when nothing is due.
    OUTBOX_BATCH = 50
    OUTBOX_LEASE = 300
    OUTBOX_MAX_ATTEMPTS = 8
    OUTBOX_IDLE = 2.0


ENV_OVERRIDES = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "EVENTAPP_UPLOAD_FOLDER": "UPLOAD_FOLDER",
    "EVENTAPP_RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    # The site's address as units reach it ({lien_ket} in messages written by the worker).
    "EVENTAPP_PUBLIC_URL": "PUBLIC_URL",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_DEFAULT_SENDER": "MAIL_DEFAULT_SENDER",
}

#: Boolean settings: 1/0, true/false (yes/no, on/off too).
ENV_FLAGS = {"MAIL_USE_TLS": "MAIL_USE_TLS", "MAIL_USE_SSL": "MAIL_USE_SSL"}


#: Settings in seconds (a number; 0 turns the timeout off).
ENV_SECONDS = {
    "EVENTAPP_DB_CONNECT_TIMEOUT": "DB_CONNECT_TIMEOUT",
    "EVENTAPP_DB_STATEMENT_TIMEOUT": "DB_STATEMENT_TIMEOUT",
    "EVENTAPP_DB_POOL_TIMEOUT": "DB_POOL_TIMEOUT",
    "EVENTAPP_DB_KEEPALIVES_IDLE": "DB_KEEPALIVES_IDLE",
    "MAIL_TIMEOUT": "MAIL_TIMEOUT",
    "EVENTAPP_OUTBOX_LEASE": "OUTBOX_LEASE",
    "EVENTAPP_OUTBOX_IDLE": "OUTBOX_IDLE",
}

def as_flag(value) -> bool:
    """One boolean from a setting: the strings 1/true/yes/on are on and any other string off
    (so ``MAIL_USE_TLS = "0"`` in ``instance/config.py`` is off, not a true non-empty string);
    anything else by its truth."""
    if isinstance(value, str):
        return value.strip().lower() in {"1", "true", "yes", "on"}
    return bool(value)


def flag(env: str) -> bool:
    """The one boolean reader of the environment (``as_flag`` of its value; unset is off)."""
    return as_flag(os.environ.get(env, ""))


def normalise_flags(settings) -> None:
    """Make the boolean settings booleans, wherever they came from (the config file may hold
    "0" or "false", which Python would read as true)."""
    for key in ENV_FLAGS.values():
        if key in settings:
            settings[key] = as_flag(settings[key])


def _port(env: str) -> int:
    value = os.environ[env].strip()
    if not value.isdecimal() or not 0 < int(value) < 65536:
        raise ValueError(f"{env} must be a port number (1–65535), not {value!r}")
    return int(value)


def _seconds(env: str) -> float:
    try:
        value = float(os.environ[env])
    except ValueError:
        value = -1
    if not 0 <= value < 86_400:
        raise ValueError(f"{env} must be a number of seconds (0 turns it off), "
                         f"not {os.environ[env]!r}")
    return value


def from_environment() -> dict:
    """Settings taken from environment variables."""
    found = {key: os.environ[env] for env, key in ENV_OVERRIDES.items() if os.environ.get(env)}
    found.update({key: _seconds(env) for env, key in ENV_SECONDS.items()
                  if os.environ.get(env, "").strip()})
    found.update({key: flag(env) for env, key in ENV_FLAGS.items() if env in os.environ})
    if os.environ.get("MAIL_PORT", "").strip():
        found["MAIL_PORT"] = _port("MAIL_PORT")
    if flag("EVENTAPP_PROXY_FIX"):
        found["PROXY_FIX"] = True
    if flag("EVENTAPP_RATELIMIT_ALLOW_PER_PROCESS"):
        found["RATELIMIT_ALLOW_PER_PROCESS"] = True
    if os.environ.get("EVENTAPP_REMEMBER_DAYS", "").strip().isdecimal():
        days = int(os.environ["EVENTAPP_REMEMBER_DAYS"])
        found.update(REMEMBER_DAYS=days, REMEMBER_COOKIE_DURATION=timedelta(days=days))
    if flag("EVENTAPP_TLS"):
        found.update(TLS=True, SESSION_COOKIE_SECURE=True, REMEMBER_COOKIE_SECURE=True)
    return found


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` URLs and use the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url
