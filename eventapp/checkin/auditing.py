"""How the audit log reads this domain's entries: check-ins by hand or at the door, undone
check-ins, the door's walk-in setting."""

from __future__ import annotations

from flask import Flask

from eventapp.audit import phrases
from eventapp.audit.phrases import Field
from eventapp.events.auditing import session_name_by_id
from eventapp.registration.auditing import attendee_name


def contribute(app: Flask) -> None:
    phrases.describe(app, "checkin", noun="check-in", actions={
        "manual": ("Check-in thủ công", "đã check-in thủ công cho đại biểu",
                   phrases.rest_of("Check-in thủ công: ")),
        "walk_in": ("Check-in khách tại cửa", "đã check-in khách đăng ký tại cửa",
                    phrases.rest_of("Check-in khách đăng ký tại cửa: ")),
        "scan": ("Check-in bằng quét mã", "đã check-in bằng quét mã"),
        "search": ("Check-in bằng tìm tên", "đã check-in bằng tìm tên"),
        "undo": ("Hủy check-in", "đã hủy một lượt check-in"),
        "settings": ("Cài đặt đăng ký tại cửa", "đã đổi quyền đăng ký khách tại cửa"),
    }, fields={"checkin_id": Field("Lượt check-in", lambda v, e: f"số {v}"),
               "attendee_id": Field("Đại biểu", attendee_name),
               "session_id": Field("Phiên", session_name_by_id), "note": "Ghi chú",
               "checked_in_at": "Check-in lúc", "device": "Thiết bị",
               "undone_at": "Hủy lúc", "reason": "Lý do",
               "staff_walk_ins": "Tổ đón tiếp được đăng ký khách tại cửa"})
