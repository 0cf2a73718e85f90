"""How the audit log reads this domain's entries: delegates (đại biểu), attendance and the
invitation's print settings."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Flask

from eventapp.audit import phrases
from eventapp.audit.phrases import Field, Phrase
from eventapp.events.auditing import category_name, session_name
from eventapp.extensions import db
from eventapp.registration.attendance import EXCUSED, EXPECTED
from eventapp.registration.forms import AttendeeForm, SettingsForm
from eventapp.registration.models import Attendee, AttendeeStatus
from eventapp.units.auditing import UNIT

STATUS = phrases.choices({**{s.value: s.label for s in AttendeeStatus},
                          EXCUSED: "Vắng có lý do", EXPECTED: "Dự kiến có mặt"})


@phrases.cached
def attendee_name(attendee_id, event_id: int | None = None) -> str | None:
    return db.session.scalar(sa.select(Attendee.full_name).where(Attendee.id == attendee_id))


def _replacement(value, event_id):
    """The substitute's snapshot → their name."""
    return value.get("full_name") if isinstance(value, dict) else None


def _attendance(reading) -> str:
    for prefix, said in (("Báo vắng có lý do: ", "vắng có lý do: "),
                         ("Bỏ báo vắng: ", "bỏ báo vắng: ")):
        if reading.summary.startswith(prefix):
            return said + reading.summary[len(prefix):]
    return ""


def _count(value, event_id):
    return f"{len(value)} đại biểu" if isinstance(value, list) else None


def contribute(app: Flask) -> None:
    phrases.describe(app, "attendee", noun="đại biểu", actions={
        "register": ("Đăng ký đại biểu", "đã đăng ký đại biểu",
                     phrases.rest_of("Đăng ký đại biểu ")),
        "update": ("Sửa đại biểu", "đã sửa thông tin đại biểu", phrases.rest_of("Sửa đại biểu ")),
        "cancel": ("Hủy đăng ký đại biểu", "đã hủy đăng ký đại biểu",
                   phrases.rest_of("Hủy đăng ký ")),
        "reissue_code": ("Cấp lại mã check-in", "đã cấp lại mã check-in"),
        "attendance": ("Báo vắng / bỏ báo vắng", "đã ghi nhận", _attendance),
        "substitute": ("Cử người dự thay", "đã cử người dự thay"),
        "walk_in": ("Đăng ký tại cửa", "đã đăng ký khách tại cửa"),
        "import": ("Nhập đại biểu từ Excel", "đã nhập đại biểu từ Excel"),
        "approve": ("Duyệt đăng ký đại biểu", "đã duyệt đăng ký đại biểu",
                    phrases.rest_of("Duyệt đăng ký ")),
        "reject": ("Từ chối đăng ký đại biểu", "đã từ chối đăng ký đại biểu",
                   phrases.rest_of("Từ chối đăng ký ")),
        "resubmit": ("Gửi lại đăng ký để duyệt", "đã gửi lại đăng ký đại biểu để duyệt",
                     phrases.rest_of("Gửi lại đăng ký ")),
    }, fields={
        **phrases.form_labels(AttendeeForm),
        "category": Field("Thành phần", category_name),
        "sessions": Field("Phiên tham dự", session_name),
        "session": Field("Phiên", session_name),
        "unit": UNIT, "status": Field("Trạng thái", STATUS), "reason": "Lý do",
        "replacement_id": Field("Người dự thay", attendee_name),
        "replacement": Field("Người dự thay", _replacement),
        "attendees": Field("Đại biểu", _count),
    })
    phrases.describe(app, "invitation", noun="giấy mời", actions={
        "settings": Phrase("Sửa thông tin in giấy mời", "đã sửa thông tin in giấy mời, thẻ "
                                                         "đại biểu"),
    }, fields=phrases.form_labels(SettingsForm))
