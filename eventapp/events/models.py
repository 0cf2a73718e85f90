"""Event (sự kiện), EventSession (phiên), EventUnit (đơn vị tham gia), Topic (chủ đề câu
hỏi), Category (thành phần đại biểu), RegistrationCap (chỉ tiêu), DeadlineExtension (gia hạn),
ExtensionRequest (đơn xin gia hạn).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.extensions import db
from eventapp.formatting import configured_zone_name
from eventapp.units.models import Unit


class Event(db.Model):
    """An event; each domain keeps its own per-event settings in its own table keyed by
    event (``events/settings.py`` says how they reach the event pages)."""

    __tablename__ = "event"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.Text)
    theme: Mapped[str] = mapped_column(sa.Text, default="")
    timezone: Mapped[str] = mapped_column(sa.String(64), default=configured_zone_name)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

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

    @property
    def unit_names(self) -> dict[int, str]:
        """Each taking-part unit's name as it was at this event (``EventUnit.name``), by id:
        what the event's pages and exports show, so past events keep the names of their time."""
        return {p.unit_id: p.name for p in self.participations}

    def unit_name(self, unit: Unit | None) -> str:
        """``unit``'s name at this event; its current name if it does not take part."""
        if unit is None:
            return ""
        return self.unit_names.get(unit.id, unit.name)

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


def _current_unit_name(context) -> str:
    """A participation made without a name (a clone) takes the unit's current name."""
    return context.connection.scalar(sa.select(Unit.name).where(
        Unit.id == context.get_current_parameters()["unit_id"]))


class EventUnit(db.Model):
    """Participation of a unit in an event; also the row that per-unit writers lock."""

    __tablename__ = "event_unit"
    __table_args__ = (sa.UniqueConstraint("event_id", "unit_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"),
                                         index=True)
    #: The unit's name at this event (tên đơn vị tại thời điểm sự kiện), the one its pages
    #: and exports show: the unit's name when it joins; a rename changes it only for events
    #: on or after the rename's date (``units/history.py``), so past events keep theirs.
    name: Mapped[str] = mapped_column(sa.String(200), default=_current_unit_name)

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
    unit_kind: Mapped[str | None] = mapped_column(sa.String(40), sa.ForeignKey("unit_kind.key"))
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
    #: The key of a registered deadline kind (``events/deadlines.py``), e.g. "questions".
    kind: Mapped[str] = mapped_column(sa.String(20))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    unit: Mapped[Unit] = relationship()
    granted_by = relationship("User")


class RequestStatus(enum.StrEnum):
    pending = "pending"  # chờ trả lời
    granted = "granted"  # đã gia hạn
    refused = "refused"  # không gia hạn

    @property
    def label(self) -> str:
        return {"pending": "Chờ Ban tổ chức trả lời", "granted": "Đã được gia hạn",
                "refused": "Không được gia hạn"}[self.value]

    @property
    def badge(self) -> str:
        return {"pending": "warning", "granted": "success", "refused": "danger"}[self.value]


#: At most one pending request per unit and deadline kind: the index decides between two
#: requests sent at once (a savepoint turns the loser into a 409).
PENDING = sa.text("status = 'pending'")


class ExtensionRequest(db.Model):
    """A unit's request for an extension (đơn xin gia hạn) of one deadline, and the
    organizer's answer; a grant creates (or moves) the unit's ``DeadlineExtension``."""

    __tablename__ = "extension_request"
    __table_args__ = (sa.Index("uq_extension_request_pending", "event_id", "unit_id", "kind",
                               unique=True, sqlite_where=PENDING, postgresql_where=PENDING),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"),
                                         index=True)
    #: The key of a registered deadline kind (``events/deadlines.py``).
    kind: Mapped[str] = mapped_column(sa.String(20))
    reason: Mapped[str] = mapped_column(sa.Text)
    #: The day the unit asks for (a date in the event's zone), if it said.
    requested_until: Mapped[date | None]
    status: Mapped[RequestStatus] = mapped_column(enum_column(RequestStatus, 10),
                                                  default=RequestStatus.pending)
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    answered_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The organizer's note with a refusal (or a grant).
    answer_note: Mapped[str] = mapped_column(sa.Text, default="")
    #: The deadline granted (the extension's, at the time of the answer).
    granted_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship(lazy="joined")
    answered_by = relationship("User", foreign_keys=[answered_by_id])
