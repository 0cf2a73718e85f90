"""The reminder rule form and the notice form (Gửi thông báo), whose choices the view sets
from the registries (deadline kinds, audiences); the event form's notices part."""

from __future__ import annotations

from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from eventapp.forms import Form
from eventapp.messages.models import Channel
from eventapp.messages.notices import KINDS
from eventapp.messages.rules import MAX_OFFSET_DAYS
from eventapp.messages.schemas import MAX_BODY, MAX_SUBJECT

REQUIRED = "Vui lòng nhập thông tin này."


class _Text(Form):
    subject = StringField("Tiêu đề", validators=[DataRequired(REQUIRED), Length(max=MAX_SUBJECT)])
    body = TextAreaField("Nội dung", validators=[DataRequired(REQUIRED), Length(max=MAX_BODY)])


class RuleForm(_Text):
    deadline = SelectField("Hạn chót", validators=[DataRequired(REQUIRED)])
    offset_days = IntegerField(
        "Số ngày so với hạn chót (−3: 3 ngày trước; 1: 1 ngày sau)",
        validators=[InputRequired(REQUIRED), NumberRange(-MAX_OFFSET_DAYS, MAX_OFFSET_DAYS)])
    audience = SelectField("Gửi tới", validators=[DataRequired(REQUIRED)])
    approval = BooleanField("Chờ Ban tổ chức duyệt trước khi gửi")

    def values(self) -> dict:
        return {"deadline": self.deadline.data, "offset_days": self.offset_days.data,
                "audience": self.audience.data, "subject": self.subject.data,
                "body": self.body.data, "approval": bool(self.approval.data)}


class NoticeForm(_Text):
    audience = SelectField("Gửi tới", validators=[DataRequired(REQUIRED)])
    channels = SelectMultipleField(
        "Kênh", choices=[(c.value, c.label) for c in Channel],
        default=[c.value for c in Channel], validators=[DataRequired("Chọn ít nhất một kênh.")],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())


#: The event form's field of each notice kind (``notice_<kind>``).
FIELD = "notice_{}"

#: The event form's notices part (``messages/settings.py``): one box per kind, ticked = sent.
#: Built from ``KINDS`` so that a new kind appears on the form without another edit.
NoticeSettingsForm = type("NoticeSettingsForm", (Form,), {
    FIELD.format(key): BooleanField(kind.label, default=True) for key, kind in KINDS.items()})
