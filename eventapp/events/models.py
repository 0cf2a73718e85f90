"""Event (sự kiện), EventSession (phiên), EventUnit (đơn vị tham gia), Topic (chủ đề câu
hỏi), Category (thành phần đại biểu), RegistrationCap (chỉ tiêu), DeadlineExtension (gia hạn).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.clock import now
from eventapp.database import UTCDateTime
from eventapp.extensions import db
from eventapp.formatting import configured_zone_name
from eventapp.units.models import Unit


class DeadlineKind(enum.StrEnum):
    questions = "questions"
    registration = "registration"
    nominations = "nominations"

    @property
    def label(self) -> str:
        return {"questions": "Gửi câu hỏi", "registration": "Đăng ký đại biểu",
                "nominations": "Gửi hồ sơ vinh danh"}[self.value]


class Event(db.Model):
    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.Text)
    theme: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default=configured_zone_name)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    # Questions (tâm tư, đề xuất): every unit sends at least min_per_unit before the deadline.
    question_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    question_min_per_unit: Mapped[int] = mapped_column(default=0)
    #: Hard cap per unit, or None for no cap.
    question_max_per_unit: Mapped[int | None]

    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Honoring (vinh danh) rules, PRODUCT.md §3.3.
    nomination_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Defaults to the honoring session's date when None.
    nomination_reference_date: Mapped[date | None]
    serving_min_years: Mapped[int] = mapped_column(default=30)
    retired_min_years: Mapped[int] = mapped_column(default=25)
    title_window_years: Mapped[int] = mapped_column(default=1)
    discipline_window_years: Mapped[int] = mapped_column(default=5)
    #: Unit kinds allowed to submit nominations, e.g. ["district"].
    nomination_unit_kinds: Mapped[list] = mapped_column(sa.JSON, default=lambda: ["district"])

    sessions: Mapped[list[EventSession]] = relationship(
        back_populates="event", order_by="EventSession.starts_at, EventSession.id",
        cascade="all, delete-orphan")
    participations: Mapped[list[EventUnit]] = relationship(
        back_populates="event", cascade="all, delete-orphan")
    topics: Mapped[list[Topic]] = relationship(
        order_by="Topic.position", cascade="all, delete-orphan")
    categories: Mapped[list[Category]] = relationship(
        order_by="Category.position", cascade="all, delete-orphan")
    caps: Mapped[list[RegistrationCap]] = relationship(cascade="all, delete-orphan")

    @property
    def units(self) -> list[Unit]:
        return sorted((p.unit for p in self.participations), key=lambda u: u.name)

    def deadline_for(self, kind: DeadlineKind | str) -> datetime | None:
        """The event-wide deadline of one kind (a unit may have an extension)."""
        return {DeadlineKind.questions: self.question_deadline,
                DeadlineKind.registration: self.registration_deadline,
                DeadlineKind.nominations: self.nomination_deadline}[DeadlineKind(kind)]

    def session_by_key(self, key: str) -> EventSession | None:
        return next((s for s in self.sessions if s.key == key), None)

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class EventSession(db.Model):
    """A session (phiên) of an event: a time slot in a venue with a seat capacity."""

    __tablename__ = "event_session"
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.Text)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    venue: Mapped[str] = mapped_column(sa.Text, default="")
    #: Seats; None means unlimited.
    capacity: Mapped[int | None]
    #: Agenda items (chương trình) in order, as plain strings.
    agenda: Mapped[list] = mapped_column(sa.JSON, default=list)

    event: Mapped[Event] = relationship(back_populates="sessions")


class EventUnit(db.Model):
    """Participation of a unit in an event; also the row that per-unit writers lock."""

    __tablename__ = "event_unit"
    __table_args__ = (sa.UniqueConstraint("event_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"),
                                         index=True)

    event: Mapped[Event] = relationship(back_populates="participations")
    unit: Mapped[Unit] = relationship(lazy="joined")


class Topic(db.Model):
    """A topic (chủ đề) that questions are filed under."""

    __tablename__ = "topic"
    __table_args__ = (sa.UniqueConstraint("event_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0)


class Category(db.Model):
    """A delegate category (thành phần), e.g. ``clb-tpt`` — CLB Tổng phụ trách Đội."""

    __tablename__ = "category"
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(64))
    name: Mapped[str] = mapped_column(sa.String(300))
    position: Mapped[int] = mapped_column(default=0)


class RegistrationCap(db.Model):
    """At most ``max_per_unit`` delegates of a category per unit (of a kind) in a session."""

    __tablename__ = "registration_cap"
    __table_args__ = (sa.UniqueConstraint("session_id", "category_id", "unit_kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"))
    category_id: Mapped[int] = mapped_column(sa.ForeignKey("category.id", ondelete="CASCADE"))
    #: The cap applies to units of this kind; None means every unit.
    unit_kind: Mapped[str | None] = mapped_column(sa.String(20))
    max_per_unit: Mapped[int]

    session: Mapped[EventSession] = relationship()
    category: Mapped[Category] = relationship()


class DeadlineExtension(db.Model):
    """An organizer's extension (gia hạn) of one deadline for one unit, with who and why."""

    __tablename__ = "deadline_extension"
    __table_args__ = (sa.UniqueConstraint("event_id", "unit_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    unit: Mapped[Unit] = relationship()
    granted_by = relationship("User")
