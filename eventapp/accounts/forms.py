"""Login and account forms."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional

from eventapp.accounts.models import Role
from eventapp.forms import Form

REQUIRED = "Vui lòng nhập thông tin này."


class LoginForm(Form):
    email = EmailField("Email", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mật khẩu", validators=[DataRequired(REQUIRED), Length(max=200)])
    remember = BooleanField("Ghi nhớ đăng nhập trên máy này")


class UserForm(Form):
    email = EmailField("Email đăng nhập",
                       validators=[DataRequired(REQUIRED), Email("Email không hợp lệ."),
                                   Length(max=254)])
    full_name = StringField("Họ và tên", validators=[Optional(), Length(max=200)])
    # No default: a role is a deliberate choice (a unit picked with the role left alone
    # once made a full organizer).
    role = SelectField("Vai trò", default="",
                       choices=[("", "— Chọn vai trò —")] + [(r.value, r.label) for r in Role],
                       validators=[DataRequired("Vui lòng chọn vai trò.")])
    unit = SelectField("Đơn vị (chỉ với vai trò Đơn vị)", choices=[], validate_choice=False)
    confirm_organizer = BooleanField("Tôi xác nhận cấp quyền Ban tổ chức: xem và sửa mọi dữ "
                                     "liệu, kể cả tài khoản, nhật ký và quyết định hồ sơ")
    password = PasswordField("Mật khẩu", validators=[Optional(), Length(min=8, max=200,
                             message="Mật khẩu từ 8 đến 200 ký tự.")])
    active = BooleanField("Đang hoạt động", default=True)


class PasswordForm(Form):
    current_password = PasswordField("Mật khẩu hiện tại",
                                     validators=[DataRequired(REQUIRED), Length(max=200)])
    new_password = PasswordField("Mật khẩu mới", validators=[
        DataRequired(REQUIRED), Length(min=8, max=200, message="Mật khẩu từ 8 đến 200 ký tự.")])
    confirm = PasswordField("Nhập lại mật khẩu mới", validators=[
        DataRequired(REQUIRED), EqualTo("new_password", "Hai mật khẩu mới không khớp.")])
