"""How the audit log reads this domain's entries: units, their contacts and kinds.

``unit_name`` is the name other domains show for the unit codes they store.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from eventapp.audit import phrases
from eventapp.audit.phrases import Field
from eventapp.extensions import db
from eventapp.units import kinds
from eventapp.units.models import Unit


@phrases.cached
def unit_name(code, event_id: int | None = None) -> str | None:
    """``BATRI`` → "Huyện đoàn Ba Tri" (None for a code no unit has)."""
    return db.session.scalar(sa.select(Unit.name).where(Unit.code == code))


@phrases.cached
def kind_name(key, event_id: int | None = None) -> str | None:
    return kinds.names().get(key) if isinstance(key, str) else None


UNIT = Field("Đơn vị", unit_name)
_CONTACT = {"name": "Họ tên", "position": "Chức vụ", "email": "Email", "phone": "Điện thoại"}


def contribute(app: Flask) -> None:
    phrases.describe(app, "unit", noun="đơn vị", actions={
        "add": ("Thêm đơn vị", "đã thêm đơn vị", lambda r: r.summary),
        "update": ("Sửa đơn vị", "đã sửa đơn vị", lambda r: r.summary),
        "import": ("Nhập đơn vị từ Excel", "đã nhập đơn vị từ Excel"),
        "rename": ("Đổi tên đơn vị", "đã đổi tên đơn vị"),
        "merge": ("Sáp nhập đơn vị", "đã sáp nhập đơn vị"),
        "contact": ("Thêm người liên hệ", "đã thêm người liên hệ của đơn vị"),
        "contact_update": ("Sửa người liên hệ", "đã sửa người liên hệ của đơn vị"),
        "contact_remove": ("Xóa người liên hệ", "đã xóa người liên hệ của đơn vị"),
    }, fields={
        "code": "Mã đơn vị", "name": "Tên", "kind": Field("Loại đơn vị", kind_name),
        "parent": Field("Đơn vị cấp trên", unit_name), "codes": Field("Các đơn vị", unit_name),
        "parents": Field("Đơn vị cấp trên", _parents), "effective_on": "Từ ngày",
        "events": Field("Sự kiện áp dụng", lambda ids, _e: f"{len(ids)} sự kiện"
                        if isinstance(ids, list) else None),
        "into": Field("Sáp nhập vào", unit_name), "merged_on": "Từ ngày",
        "accounts": "Tài khoản", "accounts_moved": "Chuyển tài khoản sang đơn vị mới",
        **_CONTACT,
    })
    phrases.describe(app, "unit_kind", noun="loại đơn vị", actions={
        "add": ("Thêm loại đơn vị", "đã thêm loại đơn vị",
                phrases.rest_of("Thêm loại đơn vị ")),
        "rename": ("Đổi tên loại đơn vị", "đã đổi tên loại đơn vị",
                   phrases.rest_of("Đổi tên loại đơn vị ")),
        "delete": ("Xóa loại đơn vị", "đã xóa loại đơn vị", phrases.rest_of("Xóa loại đơn vị ")),
    }, fields={"key": "Mã loại (dùng trong tệp nhập)", "name": "Tên loại"})


def _parents(links, event_id):
    """``{"THPT-X": "BATRI"}`` → "Trường THPT X thuộc Huyện đoàn Ba Tri"."""
    if not isinstance(links, dict):
        return None
    return "; ".join(f"{unit_name(child) or child} thuộc {unit_name(parent) or parent}"
                     if parent else f"{unit_name(child) or child}: không có đơn vị cấp trên"
                     for child, parent in links.items()) or "—"
