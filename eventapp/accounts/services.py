"""Operations on accounts: create and update users (the only writer of user rows)."""

from __future__ import annotations

import sqlalchemy as sa

from eventapp import audit
from eventapp.accounts.models import Role, User
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.units.models import Unit

MIN_PASSWORD = 8


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, role: str, password: str, *, unit_code: str | None = None,
                full_name: str = "", actor=None) -> User:
    """Create an account; a ``unit`` account must name its unit. Raises ``Invalid``."""
    email = (email or "").strip().lower()
    errors: dict[str, str] = {}
    if "@" not in email or len(email) > 254:
        errors["email"] = "Email không hợp lệ."
    elif find_user(email):
        errors["email"] = "Email này đã có tài khoản."
    if role not in {r.value for r in Role}:
        errors["role"] = "Vai trò phải là organizer, unit hoặc checkin."
    if len(password or "") < MIN_PASSWORD:
        errors["password"] = f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    unit = _unit_for(role, unit_code, errors)
    if errors:
        raise Invalid(errors)
    user = User(email=email, role=role, unit=unit, full_name=(full_name or "").strip())
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record("user.create", obj=user, summary=f"Tạo tài khoản {email} ({role})",
                 after={"email": email, "role": role, "unit": unit.code if unit else None},
                 user=actor)
    db.session.commit()
    return user


def update_user(user: User, *, role: str, unit_code: str | None, full_name: str,
                active: bool, password: str | None, actor) -> User:
    errors: dict[str, str] = {}
    unit = _unit_for(role, unit_code, errors)
    if password and len(password) < MIN_PASSWORD:
        errors["password"] = f"Mật khẩu cần ít nhất {MIN_PASSWORD} ký tự."
    if actor is not None and user.id == actor.id and (role != user.role or not active):
        errors["role"] = "Không thể tự đổi vai trò hoặc khóa tài khoản của chính mình."
    if errors:
        raise Invalid(errors)
    before = {"role": user.role, "unit": user.unit.code if user.unit else None,
              "active": user.active}
    user.role, user.unit, user.full_name, user.active = role, unit, full_name.strip(), active
    if password:
        user.set_password(password)
    after = {"role": role, "unit": unit.code if unit else None, "active": active}
    old, new = audit.changed(before, after)
    if new or password:
        audit.record("user.update", obj=user, summary=f"Sửa tài khoản {user.email}"
                     + (" (đặt lại mật khẩu)" if password else ""), before=old, after=new,
                     user=actor)
    db.session.commit()
    return user


def _unit_for(role: str, unit_code: str | None, errors: dict) -> Unit | None:
    if role != Role.unit:
        return None
    if not unit_code:
        errors["unit"] = "Tài khoản đơn vị phải gắn với một đơn vị."
        return None
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == unit_code.strip().upper()))
    if unit is None:
        errors["unit"] = f"Không có đơn vị mã {unit_code}."
    return unit
