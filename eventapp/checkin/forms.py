"""Organizer forms of the check-in pages (CSRF-protected)."""

from __future__ import annotations

from wtforms import StringField
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
