"""Question (câu hỏi, tâm tư, đề xuất) sent by a unit for the dialogue, and DialogueState
(câu hỏi đang trình chiếu) — which selected question the secretary is presenting.

The unit's original wording (``content``) is never changed by the organizer: the wording
for reading aloud lives in ``reading_text``. Merging (gộp) keeps both questions: the merged
one points at the one it was merged into, so every unit that asked stays on record.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.events.models import Topic
from eventapp.extensions import db
from eventapp.units.models import Unit


class QuestionStatus(enum.StrEnum):
    submitted = "submitted"  # đã gửi, chờ xử lý
    selected = "selected"    # được chọn đưa vào đối thoại
    rejected = "rejected"    # không đưa vào đối thoại
    merged = "merged"        # đã gộp vào một câu hỏi khác
    withdrawn = "withdrawn"  # đơn vị đã rút (không tính vào chỉ tiêu)

    @property
    def label(self) -> str:
        """The organizer's word for the status."""
        return {"submitted": "Chờ xử lý", "selected": "Được chọn", "rejected": "Không chọn",
                "merged": "Đã gộp", "withdrawn": "Đơn vị đã rút"}[self.value]

    @property
    def unit_label(self) -> str:
        """What a unit is told: gentle, and never naming other units."""
        return {"submitted": "Đã gửi", "selected": "Được chọn đưa vào đối thoại",
                "rejected": "Chưa được chọn đưa vào đối thoại",
                "merged": "Đã gộp với câu hỏi cùng nội dung",
                "withdrawn": "Đã rút"}[self.value]

    @property
    def badge(self) -> str:
        return {"submitted": "secondary", "selected": "success", "rejected": "danger",
                "merged": "info", "withdrawn": "light"}[self.value]


#: Statuses that count toward a unit's number of questions (PRODUCT §3.2).
COUNTED = (QuestionStatus.submitted, QuestionStatus.selected, QuestionStatus.rejected,
           QuestionStatus.merged)


class QuestionSource(enum.StrEnum):
    form = "form"    # typed on the unit's page
    paste = "paste"  # pasted with others, one per line
    excel = "excel"  # uploaded from the Excel template
    api = "api"      # sent through /api/v1

    @property
    def label(self) -> str:
        return {"form": "Biểu mẫu", "paste": "Dán nhiều câu", "excel": "Tệp Excel",
                "api": "API"}[self.value]


class Question(db.Model):
    """Câu hỏi: one question (tâm tư, đề xuất) of one unit for one event."""

    __tablename__ = "question"
    __table_args__ = (
        # Covering indexes: the compliance board and the topic totals never read the table.
        sa.Index("ix_question_board", "event_id", "unit_id", "status", "created_at"),
        sa.Index("ix_question_topics", "event_id", "topic_id", "status"),
        sa.Index("ix_question_event_status_position", "event_id", "status", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    #: The unit that asked (đơn vị gửi).
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"))
    #: Topic (chủ đề); the organizer may refile a question under another topic.
    topic_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("topic.id", ondelete="SET NULL"))
    #: The unit's own wording (nguyên văn), at most 2,000 characters.
    content: Mapped[str] = mapped_column(sa.Text)
    #: ``content`` folded (no diacritics, lower case): search and duplicate suggestions.
    folded: Mapped[str] = mapped_column(sa.Text, default="")
    #: Optional asker (người hỏi) and their position (chức vụ).
    asker_name: Mapped[str] = mapped_column(sa.String(200), default="")
    asker_position: Mapped[str] = mapped_column(sa.String(200), default="")
    #: How it arrived: form, paste, excel, api.
    source: Mapped[QuestionSource] = mapped_column(enum_column(QuestionSource, 10),
                                                   default=QuestionSource.form)
    status: Mapped[QuestionStatus] = mapped_column(enum_column(QuestionStatus, 12),
                                                   default=QuestionStatus.submitted)
    #: Set while ``status`` is merged: the question this one was merged into (never itself
    #: merged — chains are flattened when merging).
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question.id", ondelete="SET NULL"), index=True)
    #: Wording for reading aloud (nội dung đọc tại hội nghị); None means the original.
    reading_text: Mapped[str | None] = mapped_column(sa.Text)
    #: Order in the dialogue (thứ tự) while selected; None otherwise.
    position: Mapped[int | None]

    # The dialogue and its follow-up (theo dõi sau đối thoại).
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The chair's answer or commitment (nội dung trả lời, cam kết của chủ trì).
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    #: Agency assigned to follow up (cơ quan được giao theo dõi, giải quyết).
    followup_agency: Mapped[str] = mapped_column(sa.String(300), default="")
    followup_due: Mapped[date | None]
    #: When the follow-up was marked done; None while open.
    followup_done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    #: Last change of ``content`` (the duplicate-suggestion cache keys on it).
    text_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    unit: Mapped[Unit] = relationship(lazy="joined")
    topic: Mapped[Topic | None] = relationship(lazy="joined")
    merged_into: Mapped[Question | None] = relationship(remote_side=[id], lazy="select")

    @property
    def text_for_reading(self) -> str:
        """What the secretary reads aloud: the edited wording, else the original."""
        return self.reading_text or self.content

    @property
    def followup_status(self) -> str | None:
        """``open`` or ``done`` once an agency is assigned; None otherwise."""
        if not self.followup_agency:
            return None
        return "done" if self.followup_done_at else "open"

    def __repr__(self) -> str:
        return f"<Question {self.id} {self.status}>"


class DialogueState(db.Model):
    """The question on screen during the dialogue (one row per event)."""

    __tablename__ = "question_dialogue_state"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)


class QuestionSettings(db.Model):
    """An event's question quotas and deadline (chỉ tiêu, hạn gửi câu hỏi): every unit sends
    at least ``min_per_unit`` before the deadline. Without a row, the defaults."""

    __tablename__ = "question_settings"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    min_per_unit: Mapped[int] = mapped_column(default=0)
    #: Hard cap per unit, or None for no cap.
    max_per_unit: Mapped[int | None]
