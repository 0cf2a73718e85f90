"""Message (thư trong hộp thư đi) and MessageAttempt (một lần gửi).

One row per recipient and channel: a unit with two accounts and a contact, reached in the app
and by e-mail, gets five rows. Delivery state lives on the row so that a worker can claim it
(``status``, ``next_attempt_at``, ``lease_until``) and the organizer can follow it.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.extensions import db


class Channel(enum.StrEnum):
    """How a message reaches its recipient. Zalo (ZNS) or SMS would be new members here and a
    new sender in the worker's channel registry."""

    inapp = "inapp"
    email = "email"

    @property
    def label(self) -> str:
        return {"inapp": "Trong ứng dụng", "email": "Thư điện tử"}[self.value]


class MessageStatus(enum.StrEnum):
    queued = "queued"                        # waiting for the worker (from next_attempt_at)
    awaiting_approval = "awaiting_approval"  # an organizer must approve it first
    sending = "sending"                      # claimed by a worker until lease_until
    sent = "sent"
    failed = "failed"                        # permanently: last_error says why
    cancelled = "cancelled"

    @property
    def label(self) -> str:
        return {"queued": "Chờ gửi", "awaiting_approval": "Chờ duyệt", "sending": "Đang gửi",
                "sent": "Đã gửi", "failed": "Gửi lỗi", "cancelled": "Đã hủy"}[self.value]


class AttemptOutcome(enum.StrEnum):
    """How one delivery attempt ended, as the delivery log shows it."""

    sent = "sent"
    retry = "retry"      # a temporary failure: the worker tries again later
    failed = "failed"    # permanently

    @property
    def label(self) -> str:
        return {"sent": "Đã gửi", "retry": "Lỗi tạm thời, sẽ thử lại",
                "failed": "Không gửi được"}[self.value]


class Message(db.Model):
    __tablename__ = "message"
    __table_args__ = (
        # The worker's claim: what is due, oldest first.
        sa.Index("ix_message_due", "status", "next_attempt_at"),
        # A recipient's inbox, newest first.
        sa.Index("ix_message_inbox", "user_id", "channel", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The event the message is about (None for account messages such as a password reset).
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    #: The unit the message is addressed to or about (its accounts and contacts receive it).
    unit_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    #: The recipient's account, when it has one (the in-app inbox needs one).
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    #: The e-mail address, copied when the message is written (the e-mail channel needs one).
    address: Mapped[str | None] = mapped_column(sa.String(254))
    recipient_name: Mapped[str] = mapped_column(sa.String(200), default="")
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, 16))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body_text: Mapped[str] = mapped_column(sa.Text)
    body_html: Mapped[str | None] = mapped_column(sa.Text)
    #: Attachments by reference, made when sent: ``[{"kind": "invitation_qr", "id": 12}]``.
    attachments: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[MessageStatus] = mapped_column(enum_column(MessageStatus, 20),
                                                  default=MessageStatus.queued)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    #: While ``sending``: the claim expires then, and another worker may take the message.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: What made it: ``manual``, ``reminder``, ``notice.<type>``, ``invitation``, ``password``…
    cause: Mapped[str] = mapped_column(sa.String(60))
    #: Which one: a rule id, a dossier id…, as text (``"rule:12"``), for filters and the log.
    cause_ref: Mapped[str | None] = mapped_column(sa.String(80))
    #: At most one message per key: a reminder rule's message to a unit's recipient is sent once
    #: however often the rule is evaluated (``rule:12:user:7:email``).
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(160), unique=True)
    #: The e-mail's Message-ID header, fixed when the row is written so that a retry after a
    #: crash is recognisably the same message.
    message_id: Mapped[str] = mapped_column(sa.String(200))
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    attempts_log: Mapped[list[MessageAttempt]] = relationship(
        back_populates="message", cascade="all, delete-orphan", passive_deletes=True,
        order_by="MessageAttempt.id")

    def __repr__(self) -> str:
        return f"<Message {self.id} {self.channel} {self.status}>"


class MessageAttempt(db.Model):
    """One delivery attempt: the organizer's delivery log of a message."""

    __tablename__ = "message_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    message_id: Mapped[int] = mapped_column(sa.ForeignKey("message.id", ondelete="CASCADE"),
                                            index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    outcome: Mapped[AttemptOutcome] = mapped_column(enum_column(AttemptOutcome, 16))
    #: The server's reply or the error, as the worker saw it.
    detail: Mapped[str] = mapped_column(sa.Text, default="")
    worker: Mapped[str] = mapped_column(sa.String(120), default="")

    message: Mapped[Message] = relationship(back_populates="attempts_log")


class ReminderRule(db.Model):
    """A reminder rule (quy tắc nhắc việc): ``offset_days`` from a unit's effective deadline of
    kind ``deadline`` (−3: three days before), the units of ``audience`` at that moment get
    ``subject`` and ``body`` with their placeholders filled; each unit once (``rules.py``)."""

    __tablename__ = "reminder_rule"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    #: The key of a registered deadline kind (``events/deadlines.py``), e.g. "questions".
    deadline: Mapped[str] = mapped_column(sa.String(20))
    offset_days: Mapped[int]
    #: The key of a registered audience (``messages/audiences.py``).
    audience: Mapped[str] = mapped_column(sa.String(40))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    #: Its messages wait in the outbox until an organizer approves them.
    approval: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    @property
    def cause_ref(self) -> str:
        """How its messages name it (``Message.cause_ref``), for filters and the log."""
        return f"rule:{self.id}"

    def __repr__(self) -> str:
        return f"<ReminderRule {self.id} {self.deadline}{self.offset_days:+d} {self.audience}>"


class NoticeSetting(db.Model):
    """Which notices on actions (thông báo tự động) an event sends: every kind is on unless
    the organizer switched it off, so an event without a row sends them all."""

    __tablename__ = "notice_setting"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    #: The kinds switched off (keys of ``messages.notices.KINDS``); a list, not a column per
    #: kind, so that adding a kind needs no migration.
    off: Mapped[list] = mapped_column(sa.JSON, default=list)
