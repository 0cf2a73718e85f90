"""Attendee (đại biểu) and the sessions each attends; InvitationSetting (thông tin in giấy
mời); the registration limits an event sets (RegistrationSetting, CategorySetting,
SessionReservation), which the event definition fills through ``registration/settings.py``;
attendance as offices record it: excused absences (Excuse) and substitutes (Substitution).

The foundation defines Attendee so that registration and check-in can grow side by side;
their operations live in ``registration/services.py``.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.events.models import Category, Event, EventSession
from eventapp.extensions import db
from eventapp.units.models import Unit


class AttendeeStatus(enum.StrEnum):
    #: Registered and, where the event asks for approval, approved: the code works.
    active = "active"
    cancelled = "cancelled"  # its code is revoked
    #: Replaced by a substitute (``Substitution``); its code is revoked too.
    substituted = "substituted"
    #: Chờ duyệt: a unit's registration waiting for the organizer (``registration/approval.py``);
    #: it holds its places under the caps, but has no usable code and prints nothing.
    pending = "pending"
    #: Bị từ chối: refused by the organizer with a reason; holds no place; the unit may edit
    #: it (back to pending) or cancel it.
    rejected = "rejected"

    @property
    def label(self) -> str:
        return {"active": "Đang đăng ký", "cancelled": "Đã hủy",
                "substituted": "Đã cử người thay", "pending": "Chờ duyệt",
                "rejected": "Bị từ chối"}[self.value]


#: The statuses that hold a place under caps and capacities (and count as duplicates).
HOLDING = (AttendeeStatus.active.value, AttendeeStatus.pending.value)
#: The statuses the attendee list shows by default: everything not cancelled or replaced.
CURRENT = (AttendeeStatus.active.value, AttendeeStatus.pending.value,
           AttendeeStatus.rejected.value)


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
    status: Mapped[AttendeeStatus] = mapped_column(enum_column(AttendeeStatus, 16),
                                                   default=AttendeeStatus.active)
    #: Random half of the check-in code (see ``registration/codes.py``); replaced on re-issue.
    code_nonce: Mapped[str] = mapped_column(sa.String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why the organizer refused the registration (lý do từ chối); "" unless ``rejected``.
    rejection_reason: Mapped[str] = mapped_column(sa.String(500), default="",
                                                  server_default="")

    event: Mapped[Event] = relationship()
    unit: Mapped[Unit | None] = relationship(lazy="joined")
    category: Mapped[Category] = relationship(lazy="joined")
    sessions: Mapped[list[EventSession]] = relationship(secondary=attendee_session,
                                                        order_by=EventSession.starts_at)

    @property
    def is_active(self) -> bool:
        return self.status == AttendeeStatus.active

    @property
    def is_pending(self) -> bool:
        return self.status == AttendeeStatus.pending

    @property
    def is_rejected(self) -> bool:
        return self.status == AttendeeStatus.rejected

    @property
    def is_current(self) -> bool:
        """Active, pending or rejected: a registration the unit may still edit or cancel."""
        return self.status in CURRENT

    @property
    def unit_name(self) -> str:
        """The unit's name at this event (a past event keeps the name of its time); the
        event's participations load once per request, whatever the number of attendees."""
        return self.event.unit_name(self.unit) if self.unit else "Khách mời"


class InvitationSetting(db.Model):
    """What an event's invitation letters (giấy mời) and badges (thẻ đại biểu) print.

    One row per event, edited by the organizer; without a row, values derived from the
    event are used (``printing.defaults``), so printing always works.
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
    #: Date of issue (ngày ban hành); None prints a week before the first session (never
    #: the day the letter happens to be printed).
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
    #: Units register delegates strictly before this instant; None: no deadline.
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Ban tổ chức duyệt đăng ký đại biểu: a unit's new registrations wait (``pending``)
    #: until an organizer approves them.
    approval_required: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


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


class Excuse(db.Model):
    """An excused absence (vắng có lý do) of one attendee from one session; no row: the
    attendee is expected. Set by the unit until the session starts, by organizers at any
    time (``registration/attendance.py``); every change is audited."""

    __tablename__ = "attendance_excuse"

    attendee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attendee.id", ondelete="CASCADE"), primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True, index=True)
    reason: Mapped[str] = mapped_column(sa.String(500))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    set_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))


class Substitution(db.Model):
    """A substitute (cử người dự thay): ``replacement`` takes ``replaced``'s place — same
    unit, category and sessions; the replaced delegate's status becomes ``substituted``
    and their code is revoked. The row is the history: who replaced whom, when, by whom."""

    __tablename__ = "attendee_substitution"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    #: Unique: a delegate is replaced at most once (the substitute may be replaced in turn).
    replaced_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attendee.id", ondelete="CASCADE"), unique=True)
    replacement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("attendee.id", ondelete="CASCADE"), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    replaced: Mapped[Attendee] = relationship(foreign_keys=[replaced_id])
    replacement: Mapped[Attendee] = relationship(foreign_keys=[replacement_id])
