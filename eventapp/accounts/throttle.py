"""Login throttling: a limit per client address and a growing delay per account.

- Per address: at most ``LOGIN_RATE_LIMIT`` (default ``10 per minute``) *failed* logins
  from one address; a successful login does not count. Counted in
  ``RATELIMIT_STORAGE_URI``: ``database`` (default: the ``login_throttle`` table, shared
  by every worker and host), ``redis://…``, or ``memory://`` (per process: refused at start
  when gunicorn runs several workers, unless ``RATELIMIT_ALLOW_PER_PROCESS``). Behind
  nginx the address is the real client's only with ``EVENTAPP_PROXY_FIX=1``.
- Per account (always in the database): after ``LOGIN_ACCOUNT_FREE_FAILURES`` (5)
  consecutive wrong passwords the account refuses logins for ``LOGIN_ACCOUNT_DELAY`` (30 s),
  doubling with each further failure up to ``LOGIN_ACCOUNT_MAX_DELAY`` (15 min); a
  successful login clears it, and so does a day without failures. Unknown e-mails are
  counted the same way, so a lock says nothing about whether an account exists. A school
  behind one NAT address is thus not locked out by one guesser: only the guessed account
  waits.

``RATELIMIT_ENABLED`` (default on) switches the per-address limit off (tests).
Why not Flask-Limiter: its hooks run on every request of the app (a tenth of a door scan);
calling ``limits`` where the form is handled costs nothing elsewhere.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app
from limits import parse
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy.dialects import postgresql, sqlite

from eventapp.accounts.models import LoginThrottle as Counter
from eventapp.clock import now
from eventapp.database import is_sqlite
from eventapp.extensions import db

EXTENSION = "eventapp.login_throttle"
DATABASE = "database"
LOGIN = "login"
RESET = "reset"
#: Consecutive failures of an account are forgotten a day after the last one.
ACCOUNT_FORGETS_AFTER = timedelta(days=1)


def gunicorn_workers() -> int:
    """How many gunicorn workers serve this app (1 when not under gunicorn)."""
    if "gunicorn" not in os.path.basename(sys.argv[0] if sys.argv else ""):
        return 1
    config_file = sys.modules.get("__config__")  # gunicorn.conf.py, as gunicorn loads it
    for value in (getattr(config_file, "workers", None), os.environ.get("GUNICORN_WORKERS"),
                  os.environ.get("WEB_CONCURRENCY")):
        if value not in (None, ""):
            return int(value)
    return 1


class LoginThrottle:
    def __init__(self, app: Flask):
        config = app.config
        self.limit = parse(config["LOGIN_RATE_LIMIT"])
        self.prefix = config.get("RATELIMIT_KEY_PREFIX", "")
        uri = config["RATELIMIT_STORAGE_URI"]
        self.limiter = None
        if uri.rstrip(":/") != DATABASE:
            if uri.startswith("memory") and gunicorn_workers() > 1 \
                    and not config.get("RATELIMIT_ALLOW_PER_PROCESS"):
                raise RuntimeError(
                    "RATELIMIT_STORAGE_URI=memory:// counts login attempts per process, but "
                    f"gunicorn runs {gunicorn_workers()} workers: use 'database' (the default) "
                    "or redis://…, or set EVENTAPP_RATELIMIT_ALLOW_PER_PROCESS=1.")
            self.limiter = FixedWindowRateLimiter(storage_from_string(uri))
        app.extensions[EXTENSION] = self

    # --- per address ------------------------------------------------------------------

    def address_allowed(self, address: str | None, scope: str = LOGIN) -> bool:
        """Whether ``address`` may try now (counts nothing: only failures count).

        ``scope`` keeps separate counts under the same limit: ``login`` (wrong passwords)
        and ``reset`` (every "Quên mật khẩu?" request), so asking for links does not lock
        a school's logins, nor wrong passwords its password resets."""
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return True
        address = address or "-"
        if self.limiter is not None:
            return self.limiter.test(self.limit, self.prefix, scope, address)
        # A plain read: every login from one address (a school's NAT) must not queue
        # behind the others' password checks on a lock of the address's row.
        row = db.session.scalar(sa.select(Counter).where(Counter.key == _address_key(
            scope, address)))
        return row is None or self._window_failures(row) < self.limit.amount

    def address_failed(self, address: str | None, scope: str = LOGIN) -> None:
        if not current_app.config.get("RATELIMIT_ENABLED", True):
            return
        address = address or "-"
        if self.limiter is not None:
            self.limiter.hit(self.limit, self.prefix, scope, address)
            return
        row = _counter(_address_key(scope, address))
        if self._window_failures(row) == 0:
            row.window_start = now()
            row.failures = 0
        row.failures += 1

    def _window_failures(self, row: Counter) -> int:
        window = timedelta(seconds=self.limit.get_expiry())
        return row.failures if row.window_start + window > now() else 0

    # --- per account ------------------------------------------------------------------

    def account_locked_for(self, email: str) -> int:
        """Seconds until ``email`` may try again (0: now). Locks its counter row until the
        request ends, so concurrent guesses at one account are checked one at a time."""
        row = _counter(f"account:{email}")
        if row.locked_until is None:
            return 0
        return max(0, int((row.locked_until - now()).total_seconds() + 0.999))

    def account_failed(self, email: str) -> int:
        """Count a wrong password for ``email``; the seconds of the lock it starts (0: none)."""
        config = current_app.config
        row = _counter(f"account:{email}")
        moment = now()
        if row.window_start + ACCOUNT_FORGETS_AFTER <= moment:
            row.failures = 0  # a slip of the finger last month does not count today
        row.failures += 1
        row.window_start = moment  # for an account: its last failure
        over = row.failures - config["LOGIN_ACCOUNT_FREE_FAILURES"]
        if over < 0:
            return 0
        seconds = min(config["LOGIN_ACCOUNT_MAX_DELAY"],
                      config["LOGIN_ACCOUNT_DELAY"] * 2 ** min(over, 30))
        row.locked_until = moment + timedelta(seconds=seconds)
        return seconds

    def account_succeeded(self, email: str) -> None:
        row = _counter(f"account:{email}")
        if row.failures or row.locked_until is not None:
            row.failures, row.locked_until = 0, None


def _address_key(scope: str, address: str) -> str:
    # Logins keep the key they always had (``ip:``): counts survive an upgrade.
    return f"ip:{address}" if scope == LOGIN else f"{scope}-ip:{address}"


def _counter(key: str) -> Counter:
    """The counter row of ``key``, created if missing, locked until the request ends
    (PostgreSQL: FOR NO KEY UPDATE; SQLite: a login request already holds the write lock)."""
    session = db.session
    sqlite_db = is_sqlite(session.get_bind())
    select = sa.select(Counter).where(Counter.key == key) \
        .execution_options(populate_existing=True)
    if not sqlite_db:
        select = select.with_for_update(key_share=True)
    row = session.scalar(select)
    if row is None:
        insert = (sqlite if sqlite_db else postgresql).insert(Counter)
        session.execute(insert.values(key=key, failures=0, window_start=_epoch())
                        .on_conflict_do_nothing(index_elements=["key"]))
        row = session.scalar(select)
    return row


def _epoch() -> datetime:
    return datetime(2000, 1, 1, tzinfo=now().tzinfo)


def throttle() -> LoginThrottle:
    return current_app.extensions[EXTENSION]
