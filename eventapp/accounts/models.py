"""User (tài khoản) and ApiToken (mã truy cập API)."""

from __future__ import annotations

import enum
import hashlib
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from eventapp.clock import now
from eventapp.database import UTCDateTime
from eventapp.extensions import db
from eventapp.units.models import Unit


class Role(enum.StrEnum):
    organizer = "organizer"  # Ban tổ chức: sees and changes everything
    unit = "unit"            # đại diện đơn vị: only its own unit's data
    checkin = "checkin"      # tổ đón tiếp: only the check-in pages

    @property
    def label(self) -> str:
        return {"organizer": "Ban tổ chức", "unit": "Đơn vị",
                "checkin": "Tổ đón tiếp (check-in)"}[self.value]


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
    role: Mapped[str] = mapped_column(sa.String(20))
    #: Set for role ``unit`` only: the one unit whose data this account may see.
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    unit: Mapped[Unit | None] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        from flask import current_app

        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
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
    def role_label(self) -> str:
        return Role(self.role).label


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

    user: Mapped[User] = relationship(lazy="joined")

    @staticmethod
    def digest(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
