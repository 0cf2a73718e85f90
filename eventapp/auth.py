"""Identity: who is calling — the logged-in user (login session) or an API token's holder.

Pages authenticate with the login session (Flask-Login) and are CSRF-protected; the JSON
API authenticates only with ``Authorization: Bearer <token>`` and never reads the session
cookie, so it needs no CSRF token. What each caller may do is declared per route with
``eventapp.policy.policy`` over the predicates of ``<domain>/access.py``.
"""

from __future__ import annotations

import secrets
from typing import NamedTuple

import sqlalchemy as sa
from flask import g, has_request_context, request
from flask_login import current_user

from eventapp.accounts.models import ApiToken, User, display_name
from eventapp.errors import DomainError
from eventapp.extensions import db, login_manager
from eventapp.prepared import Prepared, request_connection


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdecimal() else None


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

def issue_token(user: User, label: str = "") -> str:
    """Create a token for ``user``; the caller must show it now: only its hash is kept."""
    token = "ea_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=ApiToken.digest(token), label=label))
    return token


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


BAD_TOKEN = "Thiếu hoặc sai mã truy cập (Authorization: Bearer …)."


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


_users, _tokens = User.__table__, ApiToken.__table__
#: One indexed lookup from the token's hash to its active user (the token row is not needed).
TOKEN_HOLDER = Prepared(
    sa.select(_users.c.id, _users.c.role, _users.c.unit_id, _users.c.full_name, _users.c.email)
    .join_from(_users, _tokens, _tokens.c.user_id == _users.c.id)
    .where(_tokens.c.token_hash == sa.bindparam("token_hash"), _tokens.c.revoked_at.is_(None),
           _users.c.active.is_(True)))


def token_holder() -> TokenHolder | None:
    """The holder of the request's ``Authorization: Bearer`` token, if it is valid.

    A prepared statement on the request's autocommit connection, outside the ORM session: every
    API call — above all each scan at the door — pays for this lookup.
    """
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    row = TOKEN_HOLDER.first(request_connection(),
                             {"token_hash": ApiToken.digest(token.strip())})
    return TokenHolder(*row) if row is not None else None


def api_user() -> User:
    """The ORM user behind this API request's token (loaded on first use)."""
    user = g.get("api_user")
    if user is None:
        user = g.api_user = db.session.get(User, g.token_holder.id)
        if user is None:  # deleted since the token was checked, a moment ago
            raise Unauthorized(BAD_TOKEN)
    return user
