"""Event, session, topic and extension forms. Times are entered in the event's time zone;
``moment`` is the one field for them, the domains' settings forms use it too."""

from __future__ import annotations

from wtforms import IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from eventapp.forms import DayField, Form, MomentField

REQUIRED = "Vui lòng nhập thông tin này."
BAD_TIME = "Thời điểm không hợp lệ."


def moment(label: str, required: bool = False) -> MomentField:
    # InputRequired, not DataRequired: a typed value that is no time keeps its own message.
    first = InputRequired(REQUIRED) if required else Optional()
    return MomentField(label, validators=[first])


class EventForm(Form):
    """The event's own fields; each domain adds its settings (``events/settings.py``)."""

    slug = StringField("Mã sự kiện (dùng trong địa chỉ trang)", validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message="Chỉ chữ thường không dấu, số và dấu -.")])
    title = TextAreaField("Tên sự kiện", validators=[DataRequired(REQUIRED), Length(max=2000)])
    theme = TextAreaField("Chủ đề", validators=[Optional(), Length(max=2000)])
    topics = TextAreaField("Chủ đề câu hỏi (mỗi dòng một chủ đề)",
                           validators=[Optional(), Length(max=20000)])


class SessionForm(Form):
    key = StringField("Mã phiên", validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message="Chỉ chữ thường không dấu, số và dấu -.")])
    name = TextAreaField("Tên phiên", validators=[DataRequired(REQUIRED), Length(max=2000)])
    starts_at = moment("Bắt đầu", required=True)
    ends_at = moment("Kết thúc")
    venue = StringField("Địa điểm", validators=[Optional(), Length(max=1000)])
    capacity = IntegerField("Sức chứa (để trống: không giới hạn)",
                            validators=[Optional(), NumberRange(1, 100000, "Từ 1 đến 100000.")])
    agenda = TextAreaField("Chương trình (mỗi dòng một mục)",
                           validators=[Optional(), Length(max=20000)])


class ExtensionForm(Form):
    unit = SelectField("Đơn vị", choices=[], validators=[DataRequired(REQUIRED)])
    #: Choices: the registered deadline kinds (``deadlines.choices()``), set by the view.
    kind = SelectField("Hạn", choices=[])
    deadline = moment("Hạn mới", required=True)
    reason = TextAreaField("Lý do gia hạn", validators=[DataRequired("Cần ghi lý do gia hạn."),
                                                        Length(max=2000)])


class CloneForm(Form):
    """Nhân bản sự kiện: the new event's slug and the day of its first session."""

    slug = StringField("Mã sự kiện mới", validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message="Chỉ chữ thường không dấu, số và dấu -.")])
    starts_on = DayField("Ngày của phiên đầu tiên (dd/mm/yyyy)",
                         validators=[InputRequired(REQUIRED)])


class ExtensionRequestForm(Form):
    """Xin gia hạn: the unit's request. Choices: the kinds that concern the unit
    (``requests.kinds_for``), set by the view; the service checks every value."""

    deadline = SelectField("Hạn chót cần gia hạn", choices=[])
    reason = TextAreaField("Lý do", validators=[DataRequired("Cần ghi lý do xin gia hạn."),
                                                Length(max=2000)])
    until = DayField("Xin gia hạn đến hết ngày (không bắt buộc)", validators=[Optional()])


class GrantForm(Form):
    """One click "Gia hạn": the new deadline, pre-filled with the proposed one."""

    until = moment("Hạn mới", required=True)


class RefuseForm(Form):
    """"Từ chối", with an optional note the unit reads."""

    note = StringField("Ghi chú cho đơn vị", validators=[Optional(), Length(max=2000)])
