"""Login sessions (phiên đăng nhập) kept on the server, so that logging out really ends them.

Flask-Login keeps ``User.get_id()`` in the signed session cookie and in the remember
cookie; here that value is a random key whose row says whether the login is still live.
Logout revokes the row; a password change or reset, a deactivation and "đăng xuất mọi
nơi" revoke every row of the user, which ends every copy of both cookies at once.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, request, session
from flask_login import login_user, logout_user

from eventapp import audit
from eventapp.accounts.models import LoginSession, User
from eventapp.clock import now
from eventapp.database import SAFE_METHODS
from eventapp.extensions import db

#: "Last seen" is written at most this often per session, not on every request.
TOUCH_EVERY = timedelta(minutes=1)


def remember_duration() -> timedelta:
    return timedelta(days=int(current_app.config.get("REMEMBER_DAYS", 14)))


def start(user: User, *, remember: bool = False) -> LoginSession:
    """Log ``user`` in on this browser: a new session row, a fresh cookie session (no
    session fixation) and a new CSRF token."""
    key = secrets.token_urlsafe(32)
    moment = now()
    lifetime = remember_duration() if remember else current_app.permanent_session_lifetime
    row = LoginSession(user=user, key_hash=LoginSession.digest(key), remember=remember,
                       created_at=moment, last_seen_at=moment, expires_at=moment + lifetime)
    db.session.add(row)
    db.session.flush()
    session.clear()  # drops the old CSRF token too: forms of the anonymous page are refused
    g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
    user.login_key = key
    login_user(user, remember=remember, duration=remember_duration() if remember else None)
    return row


def user_for_key(key: str) -> User | None:
    """Flask-Login's user loader: the active user of a live session, else None."""
    if not key or len(key) > 100:
        return None
    moment = now()
    row = db.session.execute(
        sa.select(LoginSession.id, LoginSession.last_seen_at, User)
        .join(User, User.id == LoginSession.user_id)
        .where(LoginSession.key_hash == LoginSession.digest(key),
               LoginSession.revoked_at.is_(None), LoginSession.expires_at > moment,
               User.active.is_(True))).first()
    if row is None:
        return None
    session_id, last_seen, user = row
    if moment - last_seen >= TOUCH_EVERY:
        _touch(session_id, moment)
    user.login_key = key
    return user


def _touch(session_id: int, moment: datetime) -> None:
    statement = (sa.update(LoginSession).where(LoginSession.id == session_id)
                 .values(last_seen_at=moment))
    if request.method not in SAFE_METHODS:
        db.session.execute(statement)  # the request writes anyway: in its transaction
        return
    # A reading request's own transaction stays a read (on SQLite a read that turns into
    # a write can fail at once); the touch is a short transaction of its own.
    with db.engine.connect().execution_options(sqlite_immediate=True) as conn, conn.begin():
        conn.execute(statement)


def current_session(user: User) -> LoginSession | None:
    if not user.login_key:
        return None
    return db.session.scalar(sa.select(LoginSession).where(
        LoginSession.key_hash == LoginSession.digest(user.login_key)))


def end(user: User) -> None:
    """Log out of this browser: the session row is revoked, both cookies dropped."""
    row = current_session(user)
    if row is not None and row.revoked_at is None:
        row.revoked_at = now()
    audit.record("auth.logout", obj=user, summary=f"Đăng xuất: {user.email}", user=user)
    logout_user()


def end_all(user: User) -> int:
    """Revoke every live session of ``user`` (every browser, every remember cookie)."""
    result = db.session.execute(
        sa.update(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None))
        .values(revoked_at=now()))
    return result.rowcount


def live_sessions(user: User) -> list[LoginSession]:
    return list(db.session.scalars(
        sa.select(LoginSession)
        .where(LoginSession.user_id == user.id, LoginSession.revoked_at.is_(None),
               LoginSession.expires_at > now())
        .order_by(LoginSession.last_seen_at.desc())))
