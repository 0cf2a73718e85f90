"""How the audit log reads this domain's entries: accounts, logins, API tokens."""

from __future__ import annotations

from flask import Flask

from eventapp.accounts.models import Role
from eventapp.audit import phrases
from eventapp.audit.phrases import Field, Reading

ROLE = Field("Vai trò", phrases.choices({r.value: r.label for r in Role}))


def _account(reading: Reading) -> str:
    """"batri@demo.vn (Đơn vị) cho Huyện đoàn Ba Tri"; the summary for older entries."""
    email = reading.after("email")
    if not email:
        return reading.summary
    role, unit = reading.after("role"), reading.after("unit")
    return email + (f" ({role})" if role else "") + (f" cho {unit}" if unit else "")


def contribute(app: Flask) -> None:
    phrases.describe(app, "user", noun="tài khoản", actions={
        "create": ("Tạo tài khoản", "đã tạo tài khoản", _account),
        "update": ("Sửa tài khoản", "đã sửa tài khoản", phrases.rest_of("Sửa tài khoản ")),
        "password": ("Đổi mật khẩu", "đã đổi mật khẩu của mình"),
        "password_link": ("Gửi liên kết đặt mật khẩu", "đã gửi liên kết đặt mật khẩu"),
        "password_link_used": ("Đặt mật khẩu bằng liên kết",
                               "đã đặt mật khẩu bằng liên kết được gửi"),
    }, fields={"email": "Email", "role": ROLE, "full_name": "Họ tên", "active": "Đang hoạt động",
               "unit": Field("Đơn vị", _unit_name)})
    phrases.describe(app, "auth", noun="đăng nhập", actions={
        "login": ("Đăng nhập", "đã đăng nhập tài khoản", phrases.rest_of("Đăng nhập: ")),
        "login_failed": ("Đăng nhập sai", "đã ghi nhận một lần đăng nhập sai"),
        "lockout": ("Tạm khóa đăng nhập", "đã tạm khóa đăng nhập sau nhiều lần nhập sai"),
        "logout": ("Đăng xuất", "đã đăng xuất tài khoản", phrases.rest_of("Đăng xuất: ")),
        "logout_everywhere": ("Đăng xuất mọi nơi", "đã đăng xuất tài khoản ở mọi nơi"),
    })
    phrases.describe(app, "token", noun="mã truy cập API", actions={
        "create": ("Tạo mã truy cập API", "đã tạo mã truy cập API"),
        "revoke": ("Thu hồi mã truy cập API", "đã thu hồi mã truy cập API"),
    })


def _unit_name(code, event_id):
    # Imported here: units import accounts' models while loading.
    from eventapp.units.auditing import unit_name

    return unit_name(code, event_id)
