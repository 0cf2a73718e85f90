"""User (tài khoản), LoginSession (phiên đăng nhập), ApiToken (mã truy cập API) and
LoginThrottle (đếm lần đăng nhập sai)."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.extensions import db
from eventapp.units.models import Unit
from eventapp.units.tree import child_unit_ids


class Role(enum.StrEnum):
    organizer = "organizer"  # Ban tổ chức: sees and changes everything
    unit = "unit"            # đại diện đơn vị: only its own unit's data
    checkin = "checkin"      # tổ đón tiếp: only the check-in pages

    @property
    def label(self) -> str:
        return {"organizer": "Ban tổ chức", "unit": "Đơn vị",
                "checkin": "Tổ đón tiếp (check-in)"}[self.value]


#: Compared against when there is no password to check (an unknown e-mail, an account whose
#: password is not set yet), so every refusal costs one hash check.
DUMMY_HASH = "scrypt:32768:8:1$AAAAAAAAAAAAAAAA$" + "0" * 128
#: ``password_hash`` of an account waiting for its set-password link: matches no password.
NO_PASSWORD = "!"


def display_name(full_name: str, email: str) -> str:
    """How a person is named on screens and in the history: the name, else the e-mail."""
    return full_name or email


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (
        sa.CheckConstraint("role <> 'unit' OR unit_id IS NOT NULL", name="unit_role_has_unit"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Stored lower-case; the login name.
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, 20))
    #: Set for role ``unit`` only: the one unit whose data this account may see.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    #: The key of the login session this object was loaded for (not a column): what
    #: Flask-Login keeps in the session and the remember cookie, so both die with the row.
    login_key = None

    def get_id(self) -> str:  # Flask-Login
        if not self.login_key:
            raise RuntimeError("log in through accounts.sessions.start(), not login_user alone")
        return self.login_key

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def clear_password(self) -> None:
        """No password until the account's set-password link is used: no login until then."""
        self.password_hash = NO_PASSWORD

    @property
    def has_password(self) -> bool:
        return not self.password_hash.startswith(NO_PASSWORD)

    def check_password(self, password: str) -> bool:
        if not self.has_password:
            check_password_hash(DUMMY_HASH, password)  # the time a wrong password takes
            return False
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_organizer(self) -> bool:
        return self.role == Role.organizer

    @property
    def is_unit(self) -> bool:
        return self.role == Role.unit

    @property
    def is_checkin(self) -> bool:
        return self.role == Role.checkin

    @property
    def display_name(self) -> str:
        return display_name(self.full_name, self.email)

    @property
    def child_unit_ids(self) -> frozenset[int]:
        """The units this account also acts for, as their parent (``units.access``)."""
        return child_unit_ids(self.unit_id if self.is_unit else None)


class ApiToken(db.Model):
    """A bearer token. Only its SHA-256 is stored; the token is shown once at creation."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    label: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: None: never expires (``create-token --days N`` sets it).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Updated at most once a minute (the door's scans must not write on every request).
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_live(self, at: datetime) -> bool:
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > at)


class LoginSession(db.Model):
    """One login on one browser (phiên đăng nhập). Its random key is what the session
    cookie and the remember cookie carry; only the key's SHA-256 is stored, so a copy of
    the database cannot log anybody in. Revoking the row ends both cookies."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    key_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Logged in with "Ghi nhớ đăng nhập": lasts REMEMBER_DAYS instead of one working day.
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    #: Updated at most once a minute.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Logout, "đăng xuất mọi nơi", a password change or reset, or deactivation.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @staticmethod
    def digest(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()


class LoginThrottle(db.Model):
    """Failed logins counted in the database, so every worker and host shares the count.

    ``key`` is ``account:<email>`` (consecutive failures, then a lock that doubles) or
    ``ip:<address>`` (failures in the current fixed window).
    """

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(300), unique=True)
    failures: Mapped[int] = mapped_column(default=0)
    #: ``ip:``: when the current window began; ``account:``: the last failure.
    window_start: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class TokenPurpose(enum.StrEnum):
    reset = "reset"      # "Quên mật khẩu?": the user asked; short-lived
    welcome = "welcome"  # a new account's first password, sent by the organizer

    @property
    def label(self) -> str:
        return {"reset": "Đặt lại mật khẩu", "welcome": "Đặt mật khẩu lần đầu"}[self.value]


class PasswordToken(db.Model):
    """A single-use link that sets an account's password (liên kết đặt mật khẩu). Only the
    SHA-256 of its random token is stored: a copy of the database sets no password."""

    __tablename__ = "password_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, 20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Set when the link sets a password, and on every other live link of the user then.
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The organizer who sent a welcome link; None when the user asked.
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    def is_live(self, at: datetime) -> bool:
        return self.used_at is None and self.expires_at > at
