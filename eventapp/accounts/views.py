"""Login, logout, one's own account, and the organizer's account management pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, logout_user
from werkzeug.security import check_password_hash

from eventapp import audit
from eventapp.accounts import services, sessions
from eventapp.accounts.forms import LoginForm, PasswordForm, UserForm
from eventapp.accounts.models import Role, User
from eventapp.accounts.throttle import throttle
from eventapp.clock import now
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.policy import ANY_ROLE, policy, public
from eventapp.units.models import Unit
from eventapp.views import apply_errors, safe_next

bp = Blueprint("accounts", __name__)

# Compared against when the e-mail is unknown, so both paths cost one hash check.
_DUMMY_HASH = "scrypt:32768:8:1$AAAAAAAAAAAAAAAA$" + "0" * 128
TOO_MANY = "Quá nhiều lần đăng nhập. Vui lòng đợi một phút rồi thử lại."
WRONG = "Email hoặc mật khẩu không đúng."


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    limiter = throttle()
    address = request.remote_addr
    if request.method == "POST" and not limiter.address_allowed(address):
        abort(429, description=TOO_MANY)
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        wait = limiter.account_locked_for(email)
        if wait:
            abort(429, description="Tài khoản này tạm khóa đăng nhập vì nhập sai mật khẩu "
                                   f"nhiều lần. Vui lòng thử lại sau {wait} giây.")
        user = services.find_user(email)
        # Always one hash check, whatever the account: an inactive account or an unknown
        # e-mail is refused in the time a wrong password takes.
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
            correct = False
        else:
            correct = user.check_password(form.password.data)
        if correct and user.active:
            limiter.account_succeeded(email)
            sessions.start(user, remember=form.remember.data)
            audit.record("auth.login", obj=user, user=user,
                         summary=f"Đăng nhập: {email} từ {address or '?'}")
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
        limiter.address_failed(address)
        locked = limiter.account_failed(email)
        audit.record("auth.login_failed", obj=user, user=None,
                     summary=f"Đăng nhập sai: {email} từ {address or '?'}"
                     + (" (tài khoản đã khóa)" if correct and not user.active else ""))
        if locked:
            audit.record("auth.lockout", obj=user, user=None,
                         summary=f"Tạm khóa đăng nhập {email} trong {locked} giây "
                                 f"sau nhiều lần nhập sai (lần cuối từ {address or '?'})")
        flash(WRONG, "danger")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public  # ends whatever session there is; anonymous: straight to the login page
def logout():
    if current_user.is_authenticated:
        sessions.end(current_user._get_current_object())
    else:
        logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


@bp.post("/logout/everywhere")
@policy(*ANY_ROLE)
def logout_everywhere():
    user = current_user._get_current_object()
    services.log_out_everywhere(user, actor=user)
    logout_user()
    flash("Đã đăng xuất khỏi mọi thiết bị.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account", methods=["GET", "POST"])
@policy(*ANY_ROLE)
def my_account():
    """One's own account: change the password, see and end one's login sessions."""
    user = current_user._get_current_object()
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(user, form.current_password.data,
                                         form.new_password.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            # Every session ended, this one too; this browser gets a fresh one.
            sessions.start(user, remember=False)
            flash("Đã đổi mật khẩu. Mọi phiên đăng nhập khác đã kết thúc.", "success")
            return redirect(url_for("accounts.my_account"))
    current = sessions.current_session(user)
    return render_template("accounts/account.html", form=form, user=user,
                           sessions=sessions.live_sessions(user),
                           current_id=current.id if current else None)


@bp.get("/accounts/")
@policy(Role.organizer)
def users():
    rows = db.session.scalars(sa.select(User).order_by(User.role, User.email)).all()
    return render_template("accounts/users.html", users=rows)


def _unit_choices() -> list[tuple[str, str]]:
    units = db.session.scalars(sa.select(Unit).order_by(Unit.name)).all()
    return [("", "— Không —")] + [(u.code, f"{u.name} ({u.code})") for u in units]


@bp.route("/accounts/new", methods=["GET", "POST"])
@policy(Role.organizer)
def new_user():
    form = UserForm()
    form.unit.choices = _unit_choices()
    if form.validate_on_submit():
        try:
            user = services.create_user(form.email.data, form.role.data, form.password.data or "",
                                        unit_code=form.unit.data or None,
                                        full_name=form.full_name.data or "", actor=current_user,
                                        organizer_confirmed=form.confirm_organizer.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(f"Đã tạo tài khoản {user.email}.", "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/accounts/<int:user_id>/edit", methods=["GET", "POST"])
@policy(Role.organizer)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    form.unit.choices = _unit_choices()
    if request.method == "GET":
        form.unit.data = user.unit.code if user.unit else ""
    if form.validate_on_submit():
        try:
            services.update_user(user, role=form.role.data, unit_code=form.unit.data or None,
                                 full_name=form.full_name.data or "", active=form.active.data,
                                 password=form.password.data or None, actor=current_user,
                                 organizer_confirmed=form.confirm_organizer.data)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(f"Đã lưu tài khoản {user.email}.", "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user,
                           tokens=services.tokens_of(user), now=now(),
                           sessions=sessions.live_sessions(user))


@bp.post("/accounts/<int:user_id>/logout-everywhere")
@policy(Role.organizer)
def user_logout_everywhere(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    ended = services.log_out_everywhere(user, actor=current_user)
    if user.id == current_user.id:
        logout_user()
        flash("Đã đăng xuất khỏi mọi thiết bị.", "info")
        return redirect(url_for("accounts.login"))
    flash(f"Đã kết thúc {ended} phiên đăng nhập của {user.email}.", "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.post("/accounts/<int:user_id>/tokens/<int:token_id>/revoke")
@policy(Role.organizer)
def revoke_token(user_id: int, token_id: int):
    user = db.session.get(User, user_id) or abort(404)
    token = services.find_token(user, token_id)
    services.revoke_token(token, actor=current_user)
    flash(f"Đã thu hồi mã truy cập “{token.label}”.", "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
