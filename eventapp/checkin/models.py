"""CheckIn (lượt check-in): one attendee's arrival at one session, with its undo history.

"At most once per session" is a database rule, not only a Python check: a partial unique
index on ``(attendee_id, session_id) WHERE undone_at IS NULL`` (SQLite and PostgreSQL both
have partial indexes). An undone check-in stays in the table as history — with who undid
it, when and why — and no longer blocks a new check-in of the same person.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.checkin.rules import Outcome
from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.extensions import db


class Method(enum.StrEnum):
    """How the attendee was found: scanned code, name search at the door, organizer's manual."""

    scan = "scan"
    search = "search"
    manual = "manual"
    walk_in = "walk_in"

    @property
    def label(self) -> str:
        return {"scan": "Quét mã", "search": "Tìm tên", "manual": "Thủ công (Ban tổ chức)",
                "walk_in": "Đăng ký tại cửa"}[self.value]


ACTIVE = sa.text("undone_at IS NULL")


class CheckIn(db.Model):
    """A check-in (lượt check-in). ``undone_at`` set = undone (hủy), kept as history."""

    __tablename__ = "checkin"
    __table_args__ = (
        sa.Index("uq_checkin_active", "attendee_id", "session_id", unique=True,
                 sqlite_where=ACTIVE, postgresql_where=ACTIVE),
        sa.Index("ix_checkin_session_time", "session_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    attendee_id: Mapped[int] = mapped_column(sa.ForeignKey("attendee.id", ondelete="CASCADE"),
                                             index=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"))
    #: When the person arrived (giờ đến): the device's scan time for an offline scan
    #: (never later than ``recorded_at``; see ``rules.arrival_time``), else the server's.
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: When the server stored it; differs from ``checked_in_at`` for offline scans.
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    #: The scan time the device reported, as sent (None when it sent none).
    scanned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Staff account (cán bộ đón tiếp) that scanned or checked in by hand.
    staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    #: Door or device label typed on the scanner page, e.g. "Cửa 1".
    device: Mapped[str] = mapped_column(sa.String(64), default="")
    method: Mapped[Method] = mapped_column(enum_column(Method, 16), default=Method.scan)
    #: Scanned while the server was unreachable and sent later from the browser's queue.
    from_offline_queue: Mapped[bool] = mapped_column(default=False)
    #: The browser's id for one scan, so that a retried upload is not a "conflict".
    scan_id: Mapped[str | None] = mapped_column(sa.String(64))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    #: The device's scan time was outside what can be believed (``rules.arrival_time``):
    #: the server's time was recorded instead, and the organizer's log shows it for review.
    needs_review: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    undone_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    undone_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    undo_reason: Mapped[str] = mapped_column(sa.String(500), default="")

    attendee = relationship("Attendee")
    session = relationship("EventSession")
    staff = relationship("User", foreign_keys=[staff_id])
    undone_by = relationship("User", foreign_keys=[undone_by_id])

    @property
    def is_active(self) -> bool:
        return self.undone_at is None


class FailedScan(db.Model):
    """A refused scan (lượt quét lỗi): unknown, revoked, not invited… at one door.

    Never the code itself: only the first characters of its fingerprint (the offline
    table's SHA-256), enough to tell one bad card from many. Rows are capped per session
    (``checkin.failed``); ``FailedScanTally`` keeps counting past the cap.
    """

    __tablename__ = "failed_scan"
    __table_args__ = (sa.Index("ix_failed_scan_session_at", "session_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"))
    #: When it was scanned: the device's time for a believable offline scan, else the server's.
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Door or device label typed on the scanner page, e.g. "Cửa 1".
    device: Mapped[str] = mapped_column(sa.String(64), default="")
    staff_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    #: The scan's answer, e.g. ``Outcome.unknown_code``.
    result: Mapped[Outcome] = mapped_column(enum_column(Outcome, 32))
    #: The first 6 hex characters of the code's fingerprint (``codes.code_fingerprint``).
    fingerprint: Mapped[str] = mapped_column(sa.String(6), default="")

    staff = relationship("User")


class FailedScanTally(db.Model):
    """How many scans a session has refused in all, stored or not (past the row cap)."""

    __tablename__ = "failed_scan_tally"

    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event_session.id", ondelete="CASCADE"), primary_key=True)
    total: Mapped[int] = mapped_column(default=0)


class CheckinSetting(db.Model):
    """An event's check-in settings (cài đặt check-in); without a row, the defaults."""

    __tablename__ = "checkin_setting"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    #: Check-in staff may register walk-ins (khách vãng lai) at the door, not only
    #: organizers. Off by default: a walk-in takes a seat of the session.
    staff_walk_ins: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
