"""Organizer forms of the check-in pages (CSRF-protected)."""

from __future__ import annotations

from wtforms import BooleanField, StringField
from wtforms.validators import DataRequired, Length, Optional

from eventapp.forms import Form

TOO_LONG = "Tối đa 500 ký tự."


class UndoForm(Form):
    """Hủy check-in: the reason is required and kept in the history."""

    reason = StringField("Lý do hủy", validators=[
        DataRequired("Vui lòng ghi lý do hủy check-in."), Length(max=500, message=TOO_LONG)])


class ManualForm(Form):
    """Check-in thủ công by the organizer, e.g. a delegate who lost the invitation."""

    note = StringField("Ghi chú", validators=[Optional(), Length(max=500, message=TOO_LONG)])


class WalkInForm(Form):
    """Khách đăng ký tại cửa: at most three fields, then checked in at once."""

    full_name = StringField("Họ và tên", validators=[
        DataRequired("Vui lòng nhập họ và tên."), Length(max=200, message="Tối đa 200 ký tự.")])
    unit = StringField("Đơn vị", render_kw={"list": "ci-units", "autocomplete": "off"},
                       validators=[Optional(), Length(max=300, message="Tối đa 300 ký tự.")])
    position = StringField("Chức vụ (không bắt buộc)", validators=[
        Optional(), Length(max=200, message="Tối đa 200 ký tự.")])


class WalkInSettingForm(Form):
    """Organizer: may check-in staff register walk-ins at this event?"""

    staff_walk_ins = BooleanField("Cho phép tổ đón tiếp đăng ký khách tại cửa")
