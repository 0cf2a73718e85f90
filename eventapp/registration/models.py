"""Attendee (đại biểu) and the sessions each attends; InvitationSetting (thông tin in giấy
mời); the registration limits an event sets (RegistrationSetting, CategorySetting,
SessionReservation), which the event definition fills through ``registration/settings.py``.

The foundation defines Attendee so that registration and check-in can grow side by side;
their operations live in ``registration/services.py``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.clock import now
from eventapp.database import UTCDateTime
from eventapp.events.models import Category, Event, EventSession
from eventapp.extensions import db
from eventapp.units.models import Unit


class AttendeeStatus(enum.StrEnum):
    active = "active"
    cancelled = "cancelled"  # its code is revoked


attendee_session = sa.Table(
    "attendee_session",
    db.metadata,
    sa.Column("attendee_id", sa.ForeignKey("attendee.id", ondelete="CASCADE"),
              primary_key=True),
    sa.Column("session_id", sa.ForeignKey("event_session.id", ondelete="CASCADE"),
              primary_key=True, index=True),
)


class Attendee(db.Model):
    """A registered delegate, or an invited guest (khách mời) when ``unit_id`` is None."""

    __tablename__ = "attendee"
    __table_args__ = (sa.Index("ix_attendee_event_unit", "event_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id", ondelete="RESTRICT"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id"))
    full_name: Mapped[str] = mapped_column(sa.String(200))
    #: ``text.fold(full_name)``: diacritics-insensitive search and duplicate checks.
    name_key: Mapped[str] = mapped_column(sa.String(200), index=True)
    position: Mapped[str] = mapped_column(sa.String(200), default="")   # chức vụ
    workplace: Mapped[str] = mapped_column(sa.String(300), default="")  # trường / nơi công tác
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: Seat or area shown on the badge and at check-in, optional.
    seat: Mapped[str] = mapped_column(sa.String(64), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default=AttendeeStatus.active.value)
    #: Random half of the check-in code (see ``registration/codes.py``); replaced on re-issue.
    code_nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")
    sessions: Mapped[list[EventSession]] = relationship(secondary=attendee_session,
                                                        order_by=EventSession.starts_at)

    @property
    def is_active(self) -> bool:
        return self.status == AttendeeStatus.active

    @property
    def unit_name(self) -> str:
        return self.unit.name if self.unit else "Khách mời"


class InvitationSetting(db.Model):
    """What an event's invitation letters (giấy mời) and badges (thẻ đại biểu) print.

    One row per event, edited by the organizer; without a row the defaults below are
    used (``defaults_for``), so printing always works.
    """

    __tablename__ = "invitation_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          unique=True)
    #: Parent body above the issuer (cơ quan chủ quản), e.g. "ĐOÀN TNCS HỒ CHÍ MINH".
    issuer_parent: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Issuing body (cơ quan ban hành), e.g. "BCH TỈNH ĐOÀN BẾN TRE"; may hold two lines.
    issuer: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Document number (số hiệu), e.g. "15-GM/TĐTN"; printed as "Số: …".
    number: Mapped[str] = mapped_column(sa.String(100), default="")
    #: Place name of the date line (địa danh), e.g. "Bến Tre".
    place: Mapped[str] = mapped_column(sa.String(100), default="")
    #: Date of issue (ngày ban hành); None prints the day the letter is printed.
    issued_on: Mapped[date | None]
    #: Who invites, the sentence before the name: "Ban Thường vụ Tỉnh đoàn trân trọng kính mời".
    inviter: Mapped[str] = mapped_column(sa.String(300), default="")
    #: Signature block: capacity (TM. BAN THƯỜNG VỤ), title (BÍ THƯ) and name.
    signer_capacity: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_title: Mapped[str] = mapped_column(sa.String(200), default="")
    signer_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Short event name for badges (the full title is far too long for a badge).
    short_title: Mapped[str] = mapped_column(sa.String(200), default="")
    #: Closing note printed under the sessions, e.g. dress code or where to park.
    note: Mapped[str] = mapped_column(sa.Text, default="")


#: Per-unit limit per session where no cap applies, when the event sets none.
DEFAULT_MAX_PER_UNIT = 10


class RegistrationSetting(db.Model):
    """An event's registration settings (cài đặt đăng ký); without a row, the defaults."""

    __tablename__ = "registration_setting"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          unique=True)
    #: How many delegates one unit may register in one session in the categories that no
    #: cap covers for it (organizer-only categories aside); None: no such limit. No column
    #: default: SQLAlchemy would put it in place of an explicit None ("no limit").
    default_max_per_unit: Mapped[int | None] = mapped_column()


class CategorySetting(db.Model):
    """How units may use one delegate category (thành phần); without a row, freely."""

    __tablename__ = "registration_category_setting"

    category_id: Mapped[int] = mapped_column(
        sa.ForeignKey("category.id", ondelete="CASCADE"), primary_key=True)
    #: Only the organizer registers people in it (lãnh đạo, khách mời); units cannot pick it.
    organizer_only: Mapped[bool] = mapped_column(default=False)


class SessionReservation(db.Model):
    """Seats of a session kept for the organizer's guests (chỗ dành cho khách mời): units
    together may fill at most ``capacity − reserved`` of the session."""

    __tablename__ = "session_reservation"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True)
    reserved: Mapped[int] = mapped_column(default=0)
