"""Nomination (hồ sơ đề nghị vinh danh), NominationFile (tệp hồ sơ), NominationStatusChange
(lịch sử trạng thái) and CertificateSettings (thông tin in giấy chứng nhận).

The nominee's service record (periods, titles, disciplines) is kept as JSON lists on the
dossier: they are values owned by one dossier, edited and validated together, and are the
eligibility engine's input as they stand.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.accounts.models import User
from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.nominations.eligibility import ServiceStatus
from eventapp.units.models import Unit


class NominationStatus(enum.StrEnum):
    draft = "draft"          # nháp: the unit is still editing
    submitted = "submitted"  # đã gửi: waiting for the organizer
    returned = "returned"    # trả lại: the organizer asked for changes
    approved = "approved"    # được vinh danh
    rejected = "rejected"    # không được vinh danh

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def badge(self) -> str:
        return {"draft": "secondary", "submitted": "primary", "returned": "warning",
                "approved": "success", "rejected": "danger"}[self.value]


STATUS_LABELS = {
    NominationStatus.draft: "Nháp (chưa gửi)",
    NominationStatus.submitted: "Đã gửi, chờ xét",
    NominationStatus.returned: "Bị trả lại",
    NominationStatus.approved: "Được vinh danh",
    NominationStatus.rejected: "Không được vinh danh",
}
#: States in which the unit may change the dossier (before its deadline).
EDITABLE = {NominationStatus.draft, NominationStatus.returned}
#: States the organizer sees (drafts stay private to the unit).
SENT = {NominationStatus.submitted, NominationStatus.approved, NominationStatus.rejected}


class Nomination(db.Model):
    """Hồ sơ đề nghị vinh danh: one nominee put forward by one unit for one event."""

    __tablename__ = "nomination"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"),
                                         index=True)
    status: Mapped[NominationStatus] = mapped_column(enum_column(NominationStatus, 20),
                                                     default=NominationStatus.draft)

    # The nominee (người được đề nghị).
    full_name: Mapped[str] = mapped_column(sa.String(200))
    birth_date: Mapped[date | None]
    #: "nam", "nu" or "" — only used to address the honoree ("Thầy"/"Cô") on the list.
    gender: Mapped[str] = mapped_column(sa.String(3), default="")
    #: School or workplace (trường, đơn vị công tác).
    school: Mapped[str] = mapped_column(sa.String(300))
    #: Position (chức vụ), e.g. "Giáo viên Tổng phụ trách Đội".
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    service_status: Mapped[ServiceStatus] = mapped_column(enum_column(ServiceStatus, 10))
    retired_on: Mapped[date | None]
    #: [{"start": "YYYY-MM-DD", "end": "YYYY-MM-DD" | null}] — periods as team leader.
    service_periods: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: [{"year": 2019, "title": "lao_dong_tien_tien"}] — titles by year (danh hiệu).
    titles: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: [{"date": "YYYY-MM-DD", "level": "khien_trach"}] — discipline records (kỷ luật).
    disciplines: Mapped[list] = mapped_column(sa.JSON, default=list)
    note: Mapped[str] = mapped_column(sa.Text, default="")

    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now, onupdate=now)
    #: The latest submission (the instant that counts for "on time").
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # The organizer's review (xét duyệt).
    #: {"achievements": true, …}: manual criteria the organizer ticked.
    manual_checks: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: The reason given with the decision or with the latest return (trả lại).
    review_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: The automatic result when the organizer decided (a decision may go against it).
    decision_auto_eligible: Mapped[bool | None]
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    #: Position in the honoree list read at the ceremony (None: after the numbered ones).
    reading_order: Mapped[int | None]

    event: Mapped[Event] = relationship()
    unit: Mapped[Unit] = relationship(lazy="joined")
    decided_by: Mapped[User | None] = relationship()
    files: Mapped[list[NominationFile]] = relationship(
        back_populates="nomination", order_by="NominationFile.id", cascade="all, delete-orphan")
    history: Mapped[list[NominationStatusChange]] = relationship(
        back_populates="nomination", order_by="NominationStatusChange.id",
        cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Nomination {self.id} {self.full_name!r} {self.status}>"


class NominationFile(db.Model):
    """Tệp hồ sơ: an uploaded PDF, DOCX or image, stored outside static/ under a random name.

    ``nomination_id`` None means a unit-level submission letter (tờ trình) that covers every
    dossier of the unit in the event.
    """

    __tablename__ = "nomination_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"),
                                         index=True)
    nomination_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    #: Dossier parts this file contains, e.g. ["bao_cao_thanh_tich", "xac_nhan_doan_co_so"].
    kinds: Mapped[list] = mapped_column(sa.JSON, default=list)
    original_name: Mapped[str] = mapped_column(sa.String(255))
    #: Random file name inside UPLOAD_FOLDER/nominations/.
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    nomination: Mapped[Nomination | None] = relationship(back_populates="files")
    uploaded_by: Mapped[User | None] = relationship()


class NominationStatusChange(db.Model):
    """Lịch sử hồ sơ: one state change, who made it, when and why."""

    __tablename__ = "nomination_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    nomination_id: Mapped[int] = mapped_column(
        sa.ForeignKey("nomination.id", ondelete="CASCADE"), index=True)
    from_status: Mapped[NominationStatus | None] = mapped_column(
        enum_column(NominationStatus, 20))
    to_status: Mapped[NominationStatus] = mapped_column(enum_column(NominationStatus, 20))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)
    by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(sa.Text, default="")

    nomination: Mapped[Nomination] = relationship(back_populates="history")
    by: Mapped[User | None] = relationship()


class CertificateSettings(db.Model):
    """Thông tin in trên giấy chứng nhận vinh danh of one event (issuer, place, signer)."""

    __tablename__ = "nomination_certificate_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          unique=True)
    #: Issuing body, one line per row (top-left of the certificate).
    issuer: Mapped[str] = mapped_column(sa.Text)
    heading: Mapped[str] = mapped_column(sa.Text)
    citation: Mapped[str] = mapped_column(sa.Text)
    place: Mapped[str] = mapped_column(sa.String(100))
    signed_on: Mapped[date | None]
    #: Signer's capacity, one line per row, e.g. "TM. BAN THƯỜNG VỤ TỈNH ĐOÀN\nBÍ THƯ".
    signer_title: Mapped[str] = mapped_column(sa.Text)
    signer_name: Mapped[str] = mapped_column(sa.String(200), default="")


#: Who may file dossiers when an event says nothing: the unions one level below the
#: province, that is commune unions since the July 2025 reform and district unions before
#: it (an event has one or the other; the seed names "district" itself).
DEFAULT_UNIT_KINDS = ("commune", "district")


class NominationRules(db.Model):
    """An event's honoring rules (tiêu chuẩn vinh danh, PRODUCT.md §3.3) and the dossier
    deadline. Without a row, the defaults."""

    __tablename__ = "nomination_rules"

    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"),
                                          primary_key=True)
    deadline: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Seniority is counted up to this date; None: the honoring session's date.
    reference_date: Mapped[date | None]
    serving_min_years: Mapped[int] = mapped_column(default=30)
    retired_min_years: Mapped[int] = mapped_column(default=25)
    title_window_years: Mapped[int] = mapped_column(default=1)
    discipline_window_years: Mapped[int] = mapped_column(default=5)
    #: Unit kinds allowed to submit nominations, e.g. ["district"].
    unit_kinds: Mapped[list] = mapped_column(sa.JSON, default=lambda: list(DEFAULT_UNIT_KINDS))
