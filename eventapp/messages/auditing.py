"""How the audit log reads this domain's entries: notices sent by hand and reminder rules."""

from __future__ import annotations

from flask import Flask

from eventapp.audit import phrases
from eventapp.audit.phrases import Field
from eventapp.events.auditing import deadline_label
from eventapp.messages import audiences
from eventapp.messages.rules import offset_text
from eventapp.units.auditing import unit_name


def _audience(value, event_id):
    """An audience key → its name; a list of unit codes is shown code by code."""
    return dict(audiences.choices()).get(value) if isinstance(value, str) else None


def contribute(app: Flask) -> None:
    phrases.describe(app, "message", noun="thông báo", actions={
        "notice": ("Gửi thông báo", "đã gửi thông báo"),
    }, fields={"ref": Field("Đợt gửi", lambda v, e: "xem ở trang Thư đã gửi" if v else None),
               "audience": Field("Gửi tới", lambda v, e: _audience(v, e) or unit_name(v, e)),
               "units": Field("Các đơn vị", unit_name)})
    phrases.describe(app, "reminder", noun="nhắc việc", actions={
        "create": ("Thêm nhắc việc", "đã thêm quy tắc nhắc việc"),
        "pause": ("Tạm dừng nhắc việc", "đã tạm dừng một quy tắc nhắc việc"),
        "resume": ("Bật lại nhắc việc", "đã bật lại một quy tắc nhắc việc"),
        "delete": ("Xóa nhắc việc", "đã xóa một quy tắc nhắc việc"),
    }, fields={"deadline": Field("Hạn", deadline_label),
               "offset_days": Field("Thời điểm gửi", lambda v, e: offset_text(v)
                                    if isinstance(v, int) else None),
               "audience": Field("Gửi tới", _audience), "subject": "Tiêu đề",
               "body": "Nội dung", "approval": "Cần duyệt trước khi gửi"})
