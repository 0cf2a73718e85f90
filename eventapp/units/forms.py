"""Unit forms."""

from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from eventapp.forms import DayField, Form, unit_code
from eventapp.units import kinds
from eventapp.units.rules import KIND_KEY_MAX
from eventapp.units.services import today


class UnitForm(Form):
    code = StringField("Mã đơn vị", validators=[DataRequired("Nhập mã đơn vị."), unit_code])
    name = StringField("Tên đơn vị", validators=[DataRequired("Nhập tên đơn vị."),
                                                 Length(max=200)])
    kind = SelectField("Loại đơn vị", choices=kinds.choices)  # the table's, per form
    #: A code, not a list: units are global and a national event has thousands.
    parent = StringField("Đơn vị cấp trên", validators=[Optional(), unit_code])


class ImportForm(Form):
    file = FileField("Tệp Excel (.xlsx)", validators=[FileRequired("Chọn tệp Excel để tải lên.")])


class KindForm(Form):
    """A new unit kind (loại đơn vị); the service checks the key's rule and that it is free."""

    key = StringField("Mã loại", validators=[DataRequired("Nhập mã loại đơn vị."),
                                              Length(max=KIND_KEY_MAX)],
                      description="Ví dụ pioneer_brigade: chữ thường không dấu, số, - hoặc _; "
                                  "dùng trong tệp định nghĩa sự kiện và API.")
    name = StringField("Tên loại", validators=[DataRequired("Nhập tên loại đơn vị."),
                                               Length(max=200)])


class KindNameForm(Form):
    name = StringField("Tên loại", validators=[DataRequired("Nhập tên loại đơn vị."),
                                               Length(max=200)])


class RenameForm(Form):
    """Đổi tên: the new name from a date (default today); the service checks both.

    Dates are ``InputRequired``: ``DataRequired`` would replace "Ngày không hợp lệ." with
    "Nhập ngày …" for a date typed wrong."""

    name = StringField("Tên mới", validators=[DataRequired("Nhập tên mới của đơn vị."),
                                              Length(max=200, message="Tối đa 200 ký tự.")])
    effective_on = DayField("Có hiệu lực từ ngày", default=today,
                             validators=[InputRequired("Nhập ngày hiệu lực.")])
    note = TextAreaField("Ghi chú (căn cứ, quyết định số …)",
                         validators=[Length(max=1000, message="Tối đa 1000 ký tự.")])


class MergeForm(Form):
    """Sáp nhập vào đơn vị khác: the receiving unit, the date, and what becomes of accounts."""

    into = SelectField("Sáp nhập vào đơn vị", validate_choice=False,
                       validators=[DataRequired("Chọn đơn vị nhận sáp nhập.")])
    merged_on = DayField("Từ ngày", default=today,
                          validators=[InputRequired("Nhập ngày sáp nhập.")])
    accounts = RadioField("Tài khoản của đơn vị", default="move", choices=[
        ("move", "Chuyển sang đơn vị nhận sáp nhập"), ("deactivate", "Khóa (ngừng hoạt động)")])
    reason = TextAreaField("Ghi chú (căn cứ, quyết định số …)",
                         validators=[Length(max=1000, message="Tối đa 1000 ký tự.")])


class ContactForm(Form):
    """One contact; the service checks every value (``rules.clean_contact``)."""

    name = StringField("Họ và tên", validators=[Length(max=200)])
    position = StringField("Chức vụ", validators=[Length(max=200)])
    email = StringField("Email")
    phone = StringField("Điện thoại")
