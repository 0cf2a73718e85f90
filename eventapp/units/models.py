"""Unit — đơn vị tham gia (Huyện đoàn, Đoàn trường THPT, Trung tâm GDNN-GDTX …)."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from eventapp.extensions import db


class UnitKind(enum.StrEnum):
    district = "district"
    high_school = "high_school"
    gdnn_gdtx = "gdnn_gdtx"
    college = "college"
    other = "other"

    @property
    def label(self) -> str:
        return UNIT_KIND_LABELS[self]


UNIT_KIND_LABELS = {
    UnitKind.district: "Huyện, Thành đoàn",
    UnitKind.high_school: "Đoàn trường THPT",
    UnitKind.gdnn_gdtx: "Trung tâm GDNN-GDTX",
    UnitKind.college: "Trường Cao đẳng",
    UnitKind.other: "Khác",
}


class Unit(db.Model):
    """A unit is global; it takes part in events through ``EventUnit``."""

    __tablename__ = "unit"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Short stable code used in imports and the API, e.g. ``BATRI``.
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(20), default=UnitKind.other.value)

    @property
    def kind_label(self) -> str:
        return UNIT_KIND_LABELS.get(self.kind, self.kind)

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"
