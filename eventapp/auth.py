"""Identity: who is calling — the logged-in user (login session) or an API token's holder.

Pages authenticate with the login session (Flask-Login) and are CSRF-protected; the JSON
API authenticates only with ``Authorization: Bearer <token>`` and never reads the session
cookie, so it needs no CSRF token. What each caller may do is declared per route with
``eventapp.policy.policy`` over the predicates of ``<domain>/access.py``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user

from eventapp.accounts.models import ApiToken, User, display_name
from eventapp.accounts.sessions import user_for_key
from eventapp.clock import now
from eventapp.errors import DomainError
from eventapp.extensions import db, login_manager
from eventapp.prepared import Prepared, request_connection
from eventapp.units.tree import child_unit_ids


@login_manager.user_loader
def _load_user(login_key: str) -> User | None:
    """The user of a live login session (accounts/sessions.py); a revoked or expired
    session, or a deactivated user, is anonymous."""

    return user_for_key(login_key)


def acting_user() -> User | None:
    """The person behind this request: the API token's user or the logged-in user."""
    if not has_request_context():
        return None
    if g.get("token_holder") is not None:
        return api_user()
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


# --- API tokens -----------------------------------------------------------------------

def issue_token(user: User, label: str = "", expires_at: datetime | None = None) -> str:
    """Create a token for ``user``; the caller must show it now: only its hash is kept."""
    token = "ea_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=ApiToken.digest(token), label=label,
                            expires_at=expires_at))
    return token


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


BAD_TOKEN = "Thiếu hoặc sai mã truy cập (Authorization: Bearer …)."
#: "Last used" is written at most this often per token: the door's scans must not add a
#: write to every request.
TOKEN_TOUCH_EVERY = timedelta(minutes=1)


class TokenHolder(NamedTuple):
    """Who an API token belongs to: what every API request needs, read without the ORM."""

    id: int
    role: str
    unit_id: int | None
    full_name: str
    email: str

    @property
    def display_name(self) -> str:
        return display_name(self.full_name, self.email)

    @property
    def child_unit_ids(self) -> frozenset[int]:
        """Read only when a predicate asks (never on the door's scan, which has no unit)."""
        return child_unit_ids(self.unit_id if self.role == "unit" else None)


_users, _tokens = User.__table__, ApiToken.__table__
#: One indexed lookup from the token's hash to its active user, with the token's id and
#: expiry (compared in Python: almost every token has none, and a NULL costs nothing).
TOKEN_HOLDER = Prepared(
    sa.select(_users.c.id, _users.c.role, _users.c.unit_id, _users.c.full_name, _users.c.email,
              _tokens.c.id.label("token_id"), _tokens.c.expires_at)
    .join_from(_users, _tokens, _tokens.c.user_id == _users.c.id)
    .where(_tokens.c.token_hash == sa.bindparam("token_hash"), _tokens.c.revoked_at.is_(None),
           _users.c.active.is_(True)))
#: Written at most once a minute per token: the condition keeps other workers' writes of
#: the same minute from changing the row again.
TOKEN_USED = Prepared(
    sa.update(_tokens)
    .where(_tokens.c.id == sa.bindparam("token_id"),
           sa.or_(_tokens.c.last_used_at.is_(None),
                  _tokens.c.last_used_at <= sa.bindparam("cutoff",
                                                         type_=_tokens.c.last_used_at.type)))
    .values(last_used_at=sa.bindparam("moment", type_=_tokens.c.last_used_at.type))
    .returning(_tokens.c.id))
#: When this process last wrote each token's "last used" (token hash → instant; the hash,
#: not the id, since ids are reused by another database, e.g. after a restore).
_touched: dict[str, datetime] = {}


def token_holder() -> TokenHolder | None:
    """The holder of the request's ``Authorization: Bearer`` token, if it is live.

    A prepared statement on the request's autocommit connection, outside the ORM session:
    every API call — above all each scan at the door — pays for this lookup. "Last used" is
    written at most once a minute per token and process, not on every scan.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    connection = request_connection()
    digest = ApiToken.digest(token.strip())
    row = TOKEN_HOLDER.first(connection, {"token_hash": digest})
    if row is None:
        return None
    moment = now()
    if row.expires_at is not None and row.expires_at <= moment:
        return None
    last = _touched.get(digest)
    if (last is None or moment - last >= TOKEN_TOUCH_EVERY) and not _orm_transaction_open():
        # Autocommit, one statement; skipped while this request's ORM transaction is open
        # (on SQLite it may hold the write lock this statement would wait for).
        _touched[digest] = moment
        TOKEN_USED.all(connection, {"token_id": row.token_id, "moment": moment,
                                    "cutoff": moment - TOKEN_TOUCH_EVERY})
    return TokenHolder(*row[:5])


def _orm_transaction_open() -> bool:
    """Without creating a session for a request that has none (the door's scan)."""
    return db.session.registry.has() and db.session.registry().in_transaction()


def api_user() -> User:
    """The ORM user behind this API request's token (loaded on first use)."""
    user = g.get("api_user")
    if user is None:
        user = g.api_user = db.session.get(User, g.token_holder.id)
        if user is None:  # deleted since the token was checked, a moment ago
            raise Unauthorized(BAD_TOKEN)
    return user
