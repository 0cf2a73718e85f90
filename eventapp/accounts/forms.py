"""Login and account forms."""

from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

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
    role = SelectField("Vai trò", choices=[(r.value, r.label) for r in Role])
    unit = SelectField("Đơn vị (với tài khoản đơn vị)", choices=[], validate_choice=False)
    password = PasswordField("Mật khẩu", validators=[Optional(), Length(min=8, max=200,
                             message="Mật khẩu từ 8 đến 200 ký tự.")])
    active = BooleanField("Đang hoạt động", default=True)
