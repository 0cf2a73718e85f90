"""Login and account forms."""

from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from eventapp.accounts.models import Role
from eventapp.accounts.rules import MAX_PASSWORD
from eventapp.forms import Form, email_address

REQUIRED = "Vui lòng nhập thông tin này."
MISMATCH = "Hai mật khẩu mới không khớp."


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class UserForm(Form):
    email = EmailField("Email đăng nhập",
                       validators=[DataRequired(REQUIRED), email_address])
    full_name = StringField("Họ và tên", validators=[Optional(), Length(max=200)])
    # No default: a role is a deliberate choice (a unit picked with the role left alone
    # once made a full organizer).
    role = SelectField("Vai trò", default="",
                       choices=[("", "— Chọn vai trò —")] + [(r.value, r.label) for r in Role],
                       validators=[DataRequired("Vui lòng chọn vai trò.")])
    unit = SelectField("Đơn vị (chỉ với vai trò Đơn vị)", choices=[], validate_choice=False)
    confirm_organizer = BooleanField("Tôi xác nhận cấp quyền Ban tổ chức: xem và sửa mọi dữ "
                                     "liệu, kể cả tài khoản, nhật ký và quyết định hồ sơ")
    # The length and the rest of the password rule are the service's (rules.password_error).
    password = PasswordField("Mật khẩu", validators=[Optional(), Length(max=MAX_PASSWORD)])
    send_link = BooleanField("Gửi liên kết đặt mật khẩu (thay vì nhập mật khẩu)")
    active = BooleanField("Đang hoạt động", default=True)


class PasswordForm(Form):
    current_password = PasswordField("Mật khẩu hiện tại",
                                     validators=[DataRequired(REQUIRED), Length(max=200)])
    new_password = PasswordField("Mật khẩu mới", validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD)])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        DataRequired(REQUIRED), EqualTo("new_password", MISMATCH)])


class ForgotForm(Form):
    email = EmailField("Email đăng nhập", validators=[DataRequired(REQUIRED), Length(max=254)])


class SetPasswordForm(Form):
    password = PasswordField("Mật khẩu mới", validators=[
        DataRequired(REQUIRED), Length(max=MAX_PASSWORD)])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        DataRequired(REQUIRED), EqualTo("password", MISMATCH)])


class TokenForm(Form):
    """A new API token (mã truy cập API): a name to recognise it by and how long it lasts.
    The limits are the service's (``services.create_token``); these say the same first."""

    label = StringField("Tên mã", validators=[
        InputRequired("Vui lòng đặt tên cho mã để sau này nhận ra nó (ví dụ: Máy quét cửa 1)."),
        Length(max=100)])
    days = IntegerField("Dùng được trong (số ngày)", default=365, validators=[
        Optional(), NumberRange(1, 3650, "Số ngày hiệu lực phải từ 1 đến 3650.")])
