"""Operations on accounts: create and update users (the only writer of user rows), and
their API tokens. Services flush; the request (or the CLI's ``unit_of_work``) commits."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa

from eventapp import audit
from eventapp.accounts import sessions
from eventapp.accounts.links import TokenPurpose, send_password_link
from eventapp.accounts.models import ApiToken, LoginSession, Role, User
from eventapp.accounts.rules import password_error
from eventapp.auth import issue_token
from eventapp.clock import now
from eventapp.database import write_lock
from eventapp.errors import Invalid, NotFound
from eventapp.extensions import db
from eventapp.text import email_error
from eventapp.units.models import Unit
from eventapp.units.rules import normal_code

#: The longest name of an API token (``api_token.label``).
LABEL_MAX = 100
CONFIRM_ORGANIZER = ("Tài khoản Ban tổ chức xem và sửa được mọi dữ liệu (tài khoản, nhật ký, "
                     "quyết định hồ sơ). Đánh dấu ô xác nhận nếu bạn thật sự muốn cấp quyền này.")


def find_user(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email.strip().lower()))


def create_user(email: str, role: str, password: str | None, *, unit_code: str | None = None,
                full_name: str = "", actor=None, organizer_confirmed: bool = True,
                send_link: bool = False) -> User:
    """Create an account; a ``unit`` account must name its unit and only it may.
    Raises ``Invalid``. The form passes ``organizer_confirmed`` from its check box.

    ``send_link``: no password is typed; the account gets a set-password link by e-mail
    (``WELCOME_LINK_HOURS``) and cannot log in until it is used."""
    email = (email or "").strip().lower()
    errors: dict[str, str] = {}
    if message := email_error(email):
        errors["email"] = message
    elif find_user(email):
        errors["email"] = "Email này đã có tài khoản."
    _check_role(role, organizer_confirmed, errors)
    if send_link and password:
        errors["password"] = ("Chọn một cách: nhập mật khẩu, hoặc gửi liên kết đặt mật khẩu "
                              "(khi đó để trống ô mật khẩu).")
    elif not send_link and (message := password_error(password, email)):
        errors["password"] = message
    unit = _unit_for(role, unit_code, errors)
    if errors:
        raise Invalid(errors)
    user = User(email=email, role=Role(role), unit=unit, full_name=(full_name or "").strip())
    if send_link:
        user.clear_password()
    else:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    if send_link:
        send_password_link(user, TokenPurpose.welcome, actor=actor)
    audit.record("user.create", obj=user, summary=f"Tạo tài khoản {email} ({Role(role).label})"
                 + (" — cấp quyền Ban tổ chức" if role == Role.organizer else ""),
                 after={"email": email, "role": role, "unit": unit.code if unit else None},
                 user=actor)
    db.session.flush()
    return user


def update_user(user: User, *, role: str, unit_code: str | None, full_name: str,
                active: bool, password: str | None, actor,
                organizer_confirmed: bool = True) -> User:
    """Change an account. A password reset or a deactivation ends every login session of
    the account; a password reset also revokes its API tokens."""
    _lock(user)
    errors: dict[str, str] = {}
    _check_role(role, organizer_confirmed or user.role == Role.organizer, errors)
    unit = _unit_for(role, unit_code, errors)
    if password and (message := password_error(password, user.email)):
        errors["password"] = message
    if actor is not None and user.id == actor.id and (role != user.role or not active):
        errors["role"] = "Không thể tự đổi vai trò hoặc khóa tài khoản của chính mình."
    if errors:
        raise Invalid(errors)
    before = {"role": user.role, "unit": user.unit.code if user.unit else None,
              "active": user.active}
    promoted = role == Role.organizer and user.role != Role.organizer
    user.role, user.unit, user.full_name, user.active = Role(role), unit, full_name.strip(), active
    ended = revoked = 0
    if password:
        user.set_password(password)
        revoked = revoke_tokens(user)
    if password or not active:
        ended = sessions.end_all(user)
    after = {"role": role, "unit": unit.code if unit else None, "active": active}
    old, new = audit.changed(before, after)
    if new or password:
        notes = [" (đặt lại mật khẩu)" if password else "",
                 " — cấp quyền Ban tổ chức" if promoted else "",
                 f" — kết thúc {ended} phiên đăng nhập" if ended else "",
                 f" — thu hồi {revoked} mã truy cập API" if revoked else ""]
        audit.record("user.update", obj=user, summary=f"Sửa tài khoản {user.email}"
                     + "".join(notes), before=old, after=new, user=actor)
    db.session.flush()
    return user


def change_own_password(user: User, current: str, new: str) -> None:
    """The user's own password change: every other login of the account ends."""
    errors: dict[str, str] = {}
    if not user.check_password(current or ""):
        errors["current_password"] = "Mật khẩu hiện tại không đúng."
    if message := password_error(new, user.email):
        errors["new_password"] = message
    if errors:
        raise Invalid(errors)
    user.set_password(new)
    ended = sessions.end_all(user)
    audit.record("user.password", obj=user, user=user,
                 summary=f"Đổi mật khẩu: {user.email} — kết thúc {ended} phiên đăng nhập")


def unit_accounts(unit_id: int) -> list[tuple[User, datetime | None]]:
    """A unit's accounts (a unit may have several), each with its last login if any."""
    last = (sa.select(sa.func.max(LoginSession.created_at))
            .where(LoginSession.user_id == User.id).scalar_subquery())
    return [(user, at) for user, at in db.session.execute(
        sa.select(User, last).where(User.unit_id == unit_id, User.role == Role.unit)
        .order_by(User.full_name, User.email))]


def log_out_everywhere(user: User, actor) -> int:
    """End every login session of ``user`` (every browser and remember cookie)."""
    ended = sessions.end_all(user)
    audit.record("auth.logout_everywhere", obj=user, user=actor,
                 summary=f"Đăng xuất mọi nơi: {user.email} ({ended} phiên)")
    return ended


def _lock(row) -> None:
    """``database.lock`` for rows loaded with a joined relationship (PostgreSQL refuses FOR
    NO KEY UPDATE across the outer join): lock by id, then re-read."""
    write_lock(db.session, type(row), row.id)
    db.session.refresh(row)


def _check_role(role: str, organizer_confirmed: bool, errors: dict) -> None:
    if role not in {r.value for r in Role}:
        errors["role"] = "Vui lòng chọn vai trò: Ban tổ chức, Đơn vị hoặc Tổ đón tiếp."
    elif role == Role.organizer and not organizer_confirmed:
        errors["confirm_organizer"] = CONFIRM_ORGANIZER


def _unit_for(role: str, unit_code: str | None, errors: dict) -> Unit | None:
    if role != Role.unit:
        if unit_code and "role" not in errors:
            errors["unit"] = ("Chỉ tài khoản có vai trò Đơn vị mới gắn với một đơn vị: chọn "
                              "vai trò Đơn vị, hoặc để trống ô đơn vị.")
        return None
    if not unit_code:
        errors["unit"] = "Tài khoản đơn vị phải gắn với một đơn vị."
        return None
    unit = db.session.scalar(sa.select(Unit).where(Unit.code == normal_code(unit_code)))
    if unit is None:
        errors["unit"] = f"Không có đơn vị mã {unit_code}."
    return unit


# --- API tokens -----------------------------------------------------------------------

def tokens_of(user: User) -> list[ApiToken]:
    """Every token of ``user``, newest first, revoked and expired ones included."""
    return list(db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id)
                                   .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_expiry(days: int | None):
    if days is None:
        return None
    if days < 1 or days > 3650:
        raise Invalid({"days": "Số ngày hiệu lực phải từ 1 đến 3650."})
    return now() + timedelta(days=days)


class NewToken(NamedTuple):
    """A token just made, with its secret: to be shown now and never again."""

    token: ApiToken
    secret: str


def create_token(user: User, label: str, days: int | None, actor=None) -> NewToken:
    """Issue an API token (mã truy cập API) for ``user``: the one way, for the account page
    and ``create-token``. Only the secret's hash is kept. ``days`` None: it never expires.
    Raises ``Invalid``."""
    label = (label or "").strip()
    errors: dict[str, str] = {}
    if not label:
        errors["label"] = "Vui lòng đặt tên cho mã để sau này nhận ra nó (ví dụ: Máy quét cửa 1)."
    elif len(label) > LABEL_MAX:
        errors["label"] = f"Tên mã tối đa {LABEL_MAX} ký tự."
    try:
        expires_at = token_expiry(days)
    except Invalid as error:
        errors.update(error.fields)
    if errors:
        raise Invalid(errors)
    secret = issue_token(user, label, expires_at)
    until = f", hiệu lực {days} ngày" if days else ", không hết hạn"
    audit.record("token.create", obj=user, user=actor,
                 summary=f"Tạo mã truy cập API “{label}” cho {user.email}{until}")
    db.session.flush()
    token = db.session.scalar(sa.select(ApiToken)
                              .where(ApiToken.token_hash == ApiToken.digest(secret)))
    return NewToken(token, secret)


def revoke_token(token: ApiToken, actor=None) -> None:
    _lock(token)
    if token.revoked_at is not None:
        return
    token.revoked_at = now()
    audit.record("token.revoke", obj=token, user=actor,
                 summary=f"Thu hồi mã truy cập API “{token.label}” của {token.user.email}")


def revoke_tokens(user: User, label: str | None = None, actor=None) -> int:
    """Revoke the live tokens of ``user`` (only those labelled ``label`` if given)."""
    query = sa.update(ApiToken).where(ApiToken.user_id == user.id,
                                      ApiToken.revoked_at.is_(None))
    if label is not None:
        query = query.where(ApiToken.label == label)
    count = db.session.execute(query.values(revoked_at=now())).rowcount
    if label is not None and count:
        audit.record("token.revoke", obj=user, user=actor,
                     summary=f"Thu hồi {count} mã truy cập API “{label}” của {user.email}")
    return count


def find_token(user: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound("Không tìm thấy mã truy cập này.")
    return token


def get_token(token_id: int) -> ApiToken | None:
    return db.session.get(ApiToken, token_id)
