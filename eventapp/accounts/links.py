"""Set-password links (liên kết đặt mật khẩu): "Quên mật khẩu?" and the link an organizer
sends a new account instead of typing its password.

A link carries a random token; only its SHA-256 is stored (``PasswordToken``), with its
expiry and ``used_at``. A reset link lasts ``PASSWORD_RESET_HOURS`` (1), a welcome link
``PASSWORD_WELCOME_HOURS`` (72: a unit's secretary may open the mail after a weekend). The
link goes out by e-mail only, through ``outbox.enqueue`` (cause ``password``), written in
the same transaction as the token.

Using a link sets the password (the one rule, ``rules.password_error``), marks it and
every other live link of the account used, and ends every login session of the account.
API tokens are kept: they are issued by an organizer for a device (a check-in door), are
not derived from the password, and revoking them because someone forgot a password would
stop a door in the middle of an event; the organizer revokes them on the account's page
(as an organizer's password reset there does).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from eventapp import audit
from eventapp.accounts import sessions
from eventapp.accounts.models import PasswordToken, TokenPurpose, User
from eventapp.accounts.rules import password_error
from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import DomainError, Invalid
from eventapp.extensions import db
from eventapp.messages import notices
from eventapp.messages.models import Channel
from eventapp.messages.outbox import enqueue, for_user

__all__ = ["TokenPurpose", "send_password_link", "request_reset", "find_link", "link_problem",
           "use_link", "LinkUnusable"]

UNKNOWN = "Liên kết đặt mật khẩu không đúng. Hãy mở đúng liên kết trong email, hoặc yêu cầu " \
          "liên kết mới bằng “Quên mật khẩu?”."
USED = "Liên kết này đã được dùng. Mỗi liên kết chỉ dùng được một lần: hãy yêu cầu liên kết " \
       "mới bằng “Quên mật khẩu?” nếu cần."
EXPIRED = "Liên kết này đã hết hạn. Hãy yêu cầu liên kết mới bằng “Quên mật khẩu?”."

_TEXTS = {
    TokenPurpose.reset: (
        "Đặt lại mật khẩu",
        "Xin chào {name},\n\nCó người (có thể là bạn) vừa yêu cầu đặt lại mật khẩu cho tài "
        "khoản {email}. Mở liên kết sau để đặt mật khẩu mới (dùng được một lần, hết hạn sau "
        "{hours} giờ):\n\n{link}\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này: mật khẩu hiện "
        "tại vẫn giữ nguyên."),
    TokenPurpose.welcome: (
        "Tài khoản của bạn đã được tạo: đặt mật khẩu",
        "Xin chào {name},\n\nBan tổ chức đã tạo tài khoản {email} cho bạn. Mở liên kết sau để "
        "đặt mật khẩu và bắt đầu dùng (dùng được một lần, hết hạn sau {hours} giờ):\n\n"
        "{link}\n\nTài khoản chỉ đăng nhập được sau khi bạn đặt mật khẩu."),
}


class LinkUnusable(DomainError):
    """The link is unknown, used or expired (410: it will not work again)."""

    status = 410
    code = "link_unusable"


def _hours(purpose: TokenPurpose) -> int:
    key = "PASSWORD_RESET_HOURS" if purpose is TokenPurpose.reset else "PASSWORD_WELCOME_HOURS"
    return int(current_app.config[key])


def send_password_link(user: User, purpose: TokenPurpose, actor=None) -> str:
    """A new link for ``user``, mailed through the outbox; returns the token (for tests and
    the caller's log, never shown on a page)."""
    token = secrets.token_urlsafe(32)
    hours, moment = _hours(purpose), now()
    row = PasswordToken(user_id=user.id, token_hash=PasswordToken.digest(token), purpose=purpose,
                        created_at=moment, expires_at=moment + timedelta(hours=hours),
                        created_by_id=actor.id if actor is not None else None)
    db.session.add(row)
    db.session.flush()
    subject, body = _TEXTS[purpose]
    # At PUBLIC_URL when set: the request's Host header must not choose where a link points.
    link = notices.link("accounts.set_password", token=token)
    enqueue([for_user(user)], subject=subject, cause="password", cause_ref=f"link:{row.id}",
            body=body.format(name=user.display_name, email=user.email, hours=hours, link=link),
            channels=(Channel.email,), created_by_id=row.created_by_id)
    audit.record("user.password_link", obj=user, user=actor,
                 summary=f"Gửi liên kết “{purpose.label}” tới {user.email}")
    return token


def request_reset(email: str) -> bool:
    """"Quên mật khẩu?": mail a reset link to an active account with this e-mail. Whether
    one was sent is the caller's to hide (the page answers the same either way). A link is
    sent at most once per ``PASSWORD_RESET_RESEND_SECONDS`` per account, so the form cannot
    flood someone's mailbox."""
    user = db.session.scalar(sa.select(User).where(User.email == (email or "").strip().lower()))
    if user is None or not user.active:
        return False
    lock(user)  # two requests at once: the second sees the first's link
    since = now() - timedelta(seconds=current_app.config["PASSWORD_RESET_RESEND_SECONDS"])
    recent = db.session.scalar(sa.select(sa.func.count()).select_from(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.purpose == TokenPurpose.reset,
        PasswordToken.created_at > since))
    if recent:
        return False
    send_password_link(user, TokenPurpose.reset)
    return True


def find_link(token: str) -> PasswordToken | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(sa.select(PasswordToken).where(
        PasswordToken.token_hash == PasswordToken.digest(token)))


def link_problem(row: PasswordToken | None) -> str | None:
    """Why the link cannot set a password (Vietnamese), or None."""
    if row is None or not row.user.active:
        return UNKNOWN
    if row.used_at is not None:
        return USED
    if row.expires_at <= now():
        return EXPIRED
    return None


def use_link(token: str, password: str) -> User:
    """Set the password through the link; raises ``LinkUnusable`` or ``Invalid``."""
    row = find_link(token)
    if row is not None:
        lock(row)  # two tabs submitting at once: the second finds it used
    if problem := link_problem(row):
        raise LinkUnusable(problem)
    user = row.user
    if message := password_error(password, user.email):
        raise Invalid({"password": message})
    moment = now()
    user.set_password(password)
    db.session.execute(sa.update(PasswordToken).where(
        PasswordToken.user_id == user.id, PasswordToken.used_at.is_(None))
        .values(used_at=moment))
    row.used_at = moment
    ended = sessions.end_all(user)
    audit.record("user.password_link_used", obj=user, user=user,
                 summary=f"Đặt mật khẩu bằng liên kết ({row.purpose.label}): {user.email}"
                 + (f" — kết thúc {ended} phiên đăng nhập" if ended else ""))
    return user
