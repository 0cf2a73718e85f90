"""Registration forms. Choices are filled by the view from the event; the services do the
real validation (the same rules as the API and the Excel import)."""

from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from eventapp.events.forms import moment
from eventapp.forms import DayField, Form


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AttendeeForm(Form):
    full_name = StringField("Họ và tên", validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    position = StringField("Chức vụ", validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    workplace = StringField("Trường / nơi công tác",
                            validators=[Length(max=300, message="Tối đa 300 ký tự.")])
    category = SelectField("Thành phần", validate_choice=False)
    sessions = CheckboxesField("Phiên tham dự", validate_choice=False)
    phone = StringField("Điện thoại", validators=[Length(max=32, message="Tối đa 32 ký tự.")])
    email = StringField("Email", validators=[Length(max=254, message="Tối đa 254 ký tự.")])
    #: Organizers only.
    unit = SelectField("Đơn vị", validate_choice=False)
    seat = StringField("Chỗ ngồi / khu vực",
                       validators=[Length(max=64, message="Tối đa 64 ký tự.")])


class ImportForm(Form):
    file = FileField("Tệp Excel (.xlsx)", validators=[FileRequired("Chọn tệp Excel để tải lên.")])
    #: Organizers only: the unit whose delegates the file lists ("" = invited guests).
    unit = SelectField("Đơn vị", validate_choice=False)


class SettingsForm(Form):
    issuer_parent = StringField("Cơ quan chủ quản (dòng trên)",
                                validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    issuer = TextAreaField("Cơ quan ban hành (có thể 2 dòng)",
                           validators=[Length(max=300, message="Tối đa 300 ký tự.")])
    number = StringField("Số hiệu giấy mời (sau chữ “Số:”)",
                         validators=[Length(max=100, message="Tối đa 100 ký tự.")])
    place = StringField("Địa danh", validators=[Length(max=100, message="Tối đa 100 ký tự.")])
    issued_on = DayField("Ngày ghi trên giấy mời", validators=[Optional()])
    inviter = StringField("Câu mời", validators=[Length(max=300, message="Tối đa 300 ký tự.")])
    signer_capacity = StringField("Thẩm quyền ký (TM. …)",
                                  validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    signer_title = StringField("Chức vụ người ký",
                               validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    signer_name = StringField("Họ tên người ký",
                              validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    short_title = StringField("Tên ngắn của sự kiện (in trên thẻ)",
                              validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    note = TextAreaField("Ghi chú cuối giấy mời",
                         validators=[Length(max=2000, message="Tối đa 2000 ký tự.")])


class AbsenceForm(Form):
    """Báo vắng: excused from one session with a reason, or expected again."""

    session = SelectField("Phiên", validate_choice=False)
    status = SelectField("Điểm danh", choices=[("excused", "Vắng có lý do"),
                                                ("expected", "Sẽ dự (bỏ báo vắng)")],
                         validate_choice=False)
    reason = StringField("Lý do vắng",
                         validators=[Length(max=500, message="Tối đa 500 ký tự.")])


class SubstituteForm(Form):
    """Cử người dự thay: the substitute takes the delegate's category, sessions and place."""

    full_name = StringField("Họ và tên người dự thay",
                            validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    position = StringField("Chức vụ", validators=[Length(max=200, message="Tối đa 200 ký tự.")])
    workplace = StringField("Trường / nơi công tác",
                            validators=[Length(max=300, message="Tối đa 300 ký tự.")])
    phone = StringField("Điện thoại", validators=[Length(max=32, message="Tối đa 32 ký tự.")])
    email = StringField("Email", validators=[Length(max=254, message="Tối đa 254 ký tự.")])


class ReviewForm(Form):
    """Duyệt / từ chối in bulk on the attendee list: the ticked ``attendee`` boxes (read by
    the view) and, to reject, the reason the units will read."""

    reason = StringField("Lý do từ chối",
                         validators=[Length(max=500, message="Tối đa 500 ký tự.")])


class RegistrationSettingsForm(Form):
    """The event form's registration part (``registration/settings.py``)."""

    registration_deadline = moment("Hạn đăng ký đại biểu")
    approval_required = BooleanField(
        "Ban tổ chức duyệt đăng ký đại biểu",
        description="Đại biểu do đơn vị đăng ký ở trạng thái “chờ duyệt” (vẫn tính vào chỉ "
                    "tiêu của đơn vị) đến khi Ban tổ chức duyệt; chỉ người đã được duyệt mới có "
                    "mã check-in, giấy mời và thẻ đại biểu.")
