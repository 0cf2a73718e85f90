"""Unit — đơn vị tham gia (Đoàn xã, Đoàn trường THPT, Liên đội …), the unit kinds, and
UnitChange, a unit's history (renames, merge)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from eventapp.clock import now
from eventapp.database import UTCDateTime, enum_column
from eventapp.extensions import db

#: The kinds a fresh database starts with (key, name), in the order selects show them:
#: today's structure of the Youth Union, ``district`` kept for past events (the seed's), and
#: ``other`` — what a unit gets when a definition or an import names no kind.
DEFAULT_KINDS = (
    ("commune", "Đoàn xã, phường, đặc khu"),
    ("high_school", "Đoàn trường THPT"),
    ("gdnn_gdtx", "Đoàn Trung tâm GDNN-GDTX"),
    ("college", "Đoàn trường Cao đẳng, Đại học"),
    ("pioneer_brigade", "Liên đội Tiểu học, THCS"),
    ("agency_union", "Đoàn khối, Đoàn cơ quan"),
    ("district", "Huyện, Thành đoàn"),
    ("other", "Khác"),
)
#: The kind of a unit whose kind was not given.
DEFAULT_KIND = "other"


class UnitKindRow(db.Model):
    """A unit kind (loại đơn vị): data the organizer manages, not code. Units, caps
    (``RegistrationCap.unit_kind``) and the nomination rules name it by ``key``."""

    __tablename__ = "unit_kind"
    #: 0015_unit_kinds seeds the defaults: backup and copy-db count a table of only them as empty.
    __table_args__ = {"info": {"seeded": True}}

    #: Stable key used in definitions, the API and caps, e.g. ``high_school``.
    key: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    #: Vietnamese name shown on pages and exports; the organizer may rename it.
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Order in lists and selects (new kinds go last).
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<UnitKindRow {self.key}>"


class Unit(db.Model):
    """A unit is global; it takes part in events through ``EventUnit``."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used in imports and the API, e.g. ``BATRI``.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: The key of its ``UnitKindRow``.
    kind: Mapped[str] = mapped_column(sa.String(40), sa.ForeignKey("unit_kind.key"),
                                      default=DEFAULT_KIND)
    #: Đơn vị cấp trên: a commune union over its pioneer brigades and school unions. Its
    #: accounts see this unit's progress and act for it (``units.access.acts_for``); one
    #: level only, never a cycle (``units.rules.parent_error``).
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("unit.id", ondelete="SET NULL"), index=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    @property
    def kind_name(self) -> str:
        """The kind's Vietnamese name (the identity map answers after the first unit)."""
        row = db.session.get(UnitKindRow, self.kind)
        return row.name if row is not None else self.kind

    contacts: Mapped[list[UnitContact]] = relationship(
        back_populates="unit", cascade="all, delete-orphan", passive_deletes=True,
        order_by="UnitContact.id")

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class UnitContact(db.Model):
    """A person to reach at a unit (đầu mối liên hệ): receives the unit's messages by e-mail."""

    __tablename__ = "unit_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str | None] = mapped_column(sa.String(254))
    phone: Mapped[str | None] = mapped_column(sa.String(32))

    unit: Mapped[Unit] = relationship(back_populates="contacts")


class UnitChangeKind(enum.StrEnum):
    rename = "rename"
    merge = "merge"

    @property
    def label(self) -> str:
        return {"rename": "Đổi tên", "merge": "Sáp nhập"}[self.value]


class UnitChange(db.Model):
    """One line of a unit's history (lịch sử đơn vị): a rename, or its merge into another unit.

    A unit is merged at most once (the partial unique index decides between two organizers
    merging it at once); a merged unit keeps its row, its name and its past events.
    """

    __tablename__ = "unit_change"
    __table_args__ = (
        sa.Index("uq_unit_change_one_merge", "unit_id", unique=True,
                 sqlite_where=sa.text("kind = 'merge'"),
                 postgresql_where=sa.text("kind = 'merge'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("unit.id", ondelete="CASCADE"),
                                         index=True)
    kind: Mapped[UnitChangeKind] = mapped_column(enum_column(UnitChangeKind, 10))
    #: The unit's name until ``effective_on`` (a merge keeps the name: both are the same).
    old_name: Mapped[str] = mapped_column(sa.String(200))
    new_name: Mapped[str] = mapped_column(sa.String(200))
    #: Merge only: the unit that takes this one's place from ``effective_on``.
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("unit.id", ondelete="SET NULL"), index=True)
    #: The first day (in the configured zone) of the new name, or of the merge.
    effective_on: Mapped[date] = mapped_column(sa.Date)
    #: Merge only: whether the unit's accounts moved to ``merged_into`` (else deactivated).
    accounts_moved: Mapped[bool | None]
    note: Mapped[str] = mapped_column(sa.Text, default="")
    by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=now)

    unit: Mapped[Unit] = relationship(foreign_keys=[unit_id])
    merged_into: Mapped[Unit | None] = relationship(foreign_keys=[merged_into_id])
    by = relationship("User")
