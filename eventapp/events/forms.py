"""Event, session, topic and extension forms. Times are entered in the event's time zone."""

from __future__ import annotations

from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from eventapp.events.models import DeadlineKind
from eventapp.forms import Form
from eventapp.units.models import UNIT_KIND_LABELS

REQUIRED = "Vui lòng nhập thông tin này."
LOCAL_FORMAT = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
BAD_TIME = "Thời điểm không hợp lệ."


def _moment(label: str, required: bool = False) -> DateTimeLocalField:
    first = DataRequired(REQUIRED) if required else Optional()
    return DateTimeLocalField(label, format=LOCAL_FORMAT, validators=[first])


class EventForm(Form):
    slug = StringField("Mã sự kiện (dùng trong địa chỉ trang)", validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message="Chỉ chữ thường không dấu, số và dấu -.")])
    title = TextAreaField("Tên sự kiện", validators=[DataRequired(REQUIRED), Length(max=2000)])
    theme = TextAreaField("Chủ đề", validators=[Optional(), Length(max=2000)])
    question_deadline = _moment("Hạn gửi câu hỏi")
    question_min_per_unit = IntegerField("Số câu hỏi tối thiểu mỗi đơn vị", default=0,
                                         validators=[NumberRange(0, 10000, "Từ 0 đến 10000.")])
    question_max_per_unit = IntegerField("Số câu hỏi tối đa mỗi đơn vị (để trống: không giới hạn)",
                                         validators=[Optional(), NumberRange(1, 10000,
                                                                             "Từ 1 đến 10000.")])
    registration_deadline = _moment("Hạn đăng ký đại biểu")
    nomination_deadline = _moment("Hạn gửi hồ sơ vinh danh")
    nomination_reference_date = DateField("Ngày tính thâm niên (để trống: ngày diễn ra phiên đầu)",
                                          validators=[Optional()])
    serving_min_years = IntegerField("Thâm niên tối thiểu — đang công tác (năm)", default=30,
                                     validators=[NumberRange(0, 80, "Từ 0 đến 80.")])
    retired_min_years = IntegerField("Thâm niên tối thiểu — đã nghỉ hưu (năm)", default=25,
                                     validators=[NumberRange(0, 80, "Từ 0 đến 80.")])
    title_window_years = IntegerField("Số năm xét danh hiệu", default=1,
                                      validators=[NumberRange(0, 50, "Từ 0 đến 50.")])
    discipline_window_years = IntegerField("Số năm xét kỷ luật", default=5,
                                           validators=[NumberRange(0, 50, "Từ 0 đến 50.")])
    nomination_unit_kinds = SelectMultipleField(
        "Loại đơn vị được gửi hồ sơ vinh danh",
        choices=[(k.value, v) for k, v in UNIT_KIND_LABELS.items()])
    topics = TextAreaField("Chủ đề câu hỏi (mỗi dòng một chủ đề)",
                           validators=[Optional(), Length(max=20000)])


class SessionForm(Form):
    key = StringField("Mã phiên", validators=[
        DataRequired(REQUIRED), Length(max=64),
        Regexp(r"^[a-z0-9][a-z0-9-]*$", message="Chỉ chữ thường không dấu, số và dấu -.")])
    name = TextAreaField("Tên phiên", validators=[DataRequired(REQUIRED), Length(max=2000)])
    starts_at = _moment("Bắt đầu", required=True)
    ends_at = _moment("Kết thúc")
    venue = StringField("Địa điểm", validators=[Optional(), Length(max=1000)])
    capacity = IntegerField("Sức chứa (để trống: không giới hạn)",
                            validators=[Optional(), NumberRange(1, 100000, "Từ 1 đến 100000.")])
    agenda = TextAreaField("Chương trình (mỗi dòng một mục)",
                           validators=[Optional(), Length(max=20000)])


class ExtensionForm(Form):
    unit = SelectField("Đơn vị", choices=[], validators=[DataRequired(REQUIRED)])
    kind = SelectField("Hạn", choices=[(k.value, k.label) for k in DeadlineKind])
    deadline = _moment("Hạn mới", required=True)
    reason = TextAreaField("Lý do gia hạn", validators=[DataRequired("Cần ghi lý do gia hạn."),
                                                        Length(max=2000)])
