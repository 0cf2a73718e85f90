"""Authorization: the one set of helpers every view and API route uses.

Pages authenticate with the login session (Flask-Login) and are CSRF-protected; the JSON
API authenticates only with ``Authorization: Bearer <token>`` and never reads the session
cookie, so it needs no CSRF token. Roles: organizer sees everything; a unit account only
its own unit; check-in staff only the check-in pages.
"""

from __future__ import annotations

import functools
import secrets

import sqlalchemy as sa
from flask import abort, g, has_request_context, request
from flask_login import current_user, login_required

from eventapp.accounts.models import ApiToken, Role, User
from eventapp.errors import DomainError, Forbidden, NotFound
from eventapp.events.models import Event, EventUnit
from eventapp.extensions import db, login_manager


@login_manager.user_loader
def _load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def acting_user() -> User | None:
    """The person behind this request: the API token's user or the logged-in user."""
    if not has_request_context():
        return None
    user = g.get("api_user")
    if user is not None:
        return user
    if current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def roles_required(*roles: Role | str):
    """Page decorator: logged in, and one of ``roles`` (403 otherwise)."""
    allowed = {Role(r) for r in roles}

    def decorator(view):
        @functools.wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if Role(current_user.role) not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


organizer_required = roles_required(Role.organizer)


# --- API tokens -----------------------------------------------------------------------

def issue_token(user: User, label: str = "") -> str:
    """Create a token for ``user``; the caller must show it now: only its hash is kept."""
    token = "ea_" + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=ApiToken.digest(token), label=label))
    return token


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


@functools.cache
def _token_user_query() -> sa.Select:
    """One indexed lookup straight to the user (the token row itself is not needed).

    Built once with a bind parameter: every API request runs it, and constructing the
    statement cost more than executing it.
    """
    return (sa.select(User).join(ApiToken, ApiToken.user_id == User.id)
            .where(ApiToken.token_hash == sa.bindparam("token_hash"),
                   ApiToken.revoked_at.is_(None), User.active.is_(True)))


def token_user() -> User | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return db.session.scalar(_token_user_query(),
                             {"token_hash": ApiToken.digest(token.strip())})


def token_required(*roles: Role | str):
    """API decorator: a valid bearer token whose user has one of ``roles`` (any if none)."""
    allowed = {Role(r) for r in roles} or set(Role)

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            user = token_user()
            if user is None:
                raise Unauthorized("Thiếu hoặc sai mã truy cập (Authorization: Bearer …).")
            if Role(user.role) not in allowed:
                raise Forbidden("Tài khoản này không có quyền dùng chức năng này.")
            g.api_user = user
            return view(*args, **kwargs)

        wrapped.allowed_roles = allowed
        return wrapped

    return decorator


# --- Object-level checks ----------------------------------------------------------------

def event_for(user: User, slug: str) -> Event:
    """The event ``slug`` if ``user`` may see it: organizers and check-in staff see every
    event; a unit account only events its unit takes part in."""
    event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
    if event is None:
        raise NotFound("Không tìm thấy sự kiện.")
    if user.is_unit and not unit_takes_part(event, user.unit_id):
        raise Forbidden("Đơn vị của bạn không tham gia sự kiện này.")
    return event


def unit_takes_part(event: Event, unit_id: int | None) -> bool:
    if unit_id is None:
        return False
    return db.session.scalar(
        sa.select(EventUnit.id).where(EventUnit.event_id == event.id,
                                      EventUnit.unit_id == unit_id)) is not None


def ensure_unit_access(user: User, unit_id: int | None) -> None:
    """Refuse unless ``user`` may see data owned by ``unit_id`` (guests: organizers only)."""
    if user.is_organizer:
        return
    if user.is_unit and unit_id is not None and user.unit_id == unit_id:
        return
    raise Forbidden("Bạn chỉ được xem và thay đổi dữ liệu của đơn vị mình.")


def scoped_unit_id(user: User) -> int | None:
    """The unit a query must be limited to: the user's unit, or None for organizers."""
    if user.is_organizer:
        return None
    if user.is_unit:
        return user.unit_id
    raise Forbidden("Tài khoản này không có quyền xem dữ liệu đơn vị.")
