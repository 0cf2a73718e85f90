"""Login, logout and the organizer's account management pages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash

from eventapp.accounts import services
from eventapp.accounts.forms import LoginForm, UserForm
from eventapp.accounts.models import Role, User
from eventapp.accounts.throttle import allow_login_attempt
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.policy import policy, public
from eventapp.units.models import Unit
from eventapp.views import apply_errors, safe_next

bp = Blueprint("accounts", __name__)

# Compared against when the e-mail is unknown, so both paths cost one hash check.
_DUMMY_HASH = "scrypt:32768:8:1$AAAAAAAAAAAAAAAA$" + "0" * 128


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if request.method == "POST" and not allow_login_attempt(request.remote_addr):
        abort(429, description="Quá nhiều lần đăng nhập. Vui lòng đợi một phút rồi thử lại.")
    if current_user.is_authenticated:
        return redirect(url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = services.find_user(form.email.data)
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        elif user.active and user.check_password(form.password.data):
            login_user(user, remember=form.remember.data)
            return redirect(safe_next(request.args.get("next")) or url_for("core.home"))
        flash("Email hoặc mật khẩu không đúng.", "danger")
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
@public  # ends whatever session there is; anonymous: straight to the login page
def logout():
    logout_user()
    flash("Đã đăng xuất.", "info")
    return redirect(url_for("accounts.login"))


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
                                        full_name=form.full_name.data or "", actor=current_user)
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
                                 password=form.password.data or None, actor=current_user)
        except Invalid as error:
            apply_errors(form, error)
        else:
            flash(f"Đã lưu tài khoản {user.email}.", "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user)
