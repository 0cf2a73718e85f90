"""Login, logout, one's own account, and the organizer's account management pages."""

from __future__ import annotations

import time

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, logout_user
from werkzeug.security import check_password_hash

from eventapp import audit
from eventapp.accounts import links, services, sessions
from eventapp.accounts.access import (
    asks_organizer_confirmation,
    may_create_token,
    owns_token,
)
from eventapp.accounts.forms import (
    ForgotForm,
    LoginForm,
    PasswordForm,
    SetPasswordForm,
    TokenForm,
    UserForm,
)
from eventapp.accounts.models import DUMMY_HASH, Role, TokenPurpose, User
from eventapp.accounts.throttle import RESET, throttle
from eventapp.clock import now
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.policy import ANY_ROLE, Loader, policy, public
from eventapp.units.models import Unit
from eventapp.views import safe_next, submit_form

bp = Blueprint("accounts", __name__)
#: ``<token_id>`` on one's own account's pages: one's own API token; anyone else's is a 404.
OWN_TOKEN = Loader("token_id", "token", lambda _event, token_id: services.get_token(token_id),
                   owns_token, "Không tìm thấy mã truy cập này.", personal=True)

TOO_MANY = "Quá nhiều lần đăng nhập. Vui lòng đợi một phút rồi thử lại."
TOO_MANY_RESETS = "Quá nhiều yêu cầu đặt lại mật khẩu. Vui lòng đợi một phút rồi thử lại."
RESET_SENT = ("Nếu email này có tài khoản đang hoạt động, một liên kết đặt lại mật khẩu vừa "
              "được gửi tới đó (dùng được một lần, hết hạn sau 1 giờ). Hãy kiểm tra hộp thư, "
              "kể cả thư rác.")
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
            check_password_hash(DUMMY_HASH, form.password.data)
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


@bp.route("/password/forgot", methods=["GET", "POST"])
@public
def forgot_password():
    """"Quên mật khẩu?": the same answer whether or not the e-mail has an account."""
    limiter = throttle()
    address = request.remote_addr
    if request.method == "POST" and not limiter.address_allowed(address, RESET):
        abort(429, description=TOO_MANY_RESETS)
    form = ForgotForm()
    if form.validate_on_submit():
        started = time.monotonic()
        limiter.address_failed(address, RESET)  # every request counts, sent or not
        links.request_reset(form.email.data)
        db.session.flush()
        # Writing a link takes longer than finding no account: answer after the same floor.
        time.sleep(max(0.0, current_app.config["PASSWORD_RESET_ANSWER_SECONDS"]
                       - (time.monotonic() - started)))
        flash(RESET_SENT, "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/forgot.html", form=form)


@bp.route("/password/set/<token>", methods=["GET", "POST"])
@public
def set_password(token: str):
    """The page a set-password link opens (reset or a new account's first password)."""
    row = links.find_link(token)
    if problem := links.link_problem(row):
        return render_template("accounts/set_password.html", form=None, problem=problem), 410
    form = SetPasswordForm()
    if submit_form(form, lambda: links.use_link(token, form.password.data),
                   "Đã đặt mật khẩu mới. Mời bạn đăng nhập.", refusals=Invalid).done:
        return redirect(url_for("accounts.login"))
    return render_template("accounts/set_password.html", form=form, problem=None, link=row)


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
    def change():
        services.change_own_password(user, form.current_password.data, form.new_password.data)
        # Every session ended, this one too; this browser gets a fresh one.
        sessions.start(user, remember=False)

    if submit_form(form, change, "Đã đổi mật khẩu. Mọi phiên đăng nhập khác đã kết thúc.",
                   refusals=Invalid).done:
        return redirect(url_for("accounts.my_account"))
    current = sessions.current_session(user)
    return render_template("accounts/account.html", form=form, user=user,
                           sessions=sessions.live_sessions(user),
                           tokens=services.tokens_of(user), now=now(),
                           unit_accounts=services.unit_accounts(user.unit_id)
                           if user.unit_id else [],
                           current_id=current.id if current else None,
                           may={"create_token": may_create_token(current_user, user)})


@bp.post("/account/tokens/<int:token_id>/revoke")
@policy(*ANY_ROLE, load=OWN_TOKEN)
def revoke_own_token(token, event=None):  # no event in this URL: the policy passes None
    """Revoke one of one's own API tokens (a lost phone, a program no longer used)."""
    services.revoke_token(token, actor=current_user)
    flash(f"Đã thu hồi mã truy cập “{token.label}”.", "success")
    return redirect(url_for("accounts.my_account"))


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
    if submit_form(form, lambda: services.create_user(
            form.email.data, form.role.data, form.password.data or "",
            unit_code=form.unit.data or None, full_name=form.full_name.data or "",
            actor=current_user, organizer_confirmed=form.confirm_organizer.data,
            send_link=form.send_link.data), _created, refusals=Invalid).done:
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None, may={
        "confirm_organizer": asks_organizer_confirmation(current_user, None)})


def _created(user: User) -> str:
    if user.has_password:
        return f"Đã tạo tài khoản {user.email}."
    return (f"Đã tạo tài khoản {user.email} và gửi liên kết đặt mật khẩu tới email này; tài "
            "khoản đăng nhập được sau khi người dùng đặt mật khẩu.")


@bp.route("/accounts/<int:user_id>/edit", methods=["GET", "POST"])
@policy(Role.organizer)
def edit_user(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = UserForm(obj=user) if request.method == "GET" else UserForm()
    form.unit.choices = _unit_choices()
    if request.method == "GET":
        form.unit.data = user.unit.code if user.unit else ""
    if submit_form(form, lambda: services.update_user(
            user, role=form.role.data, unit_code=form.unit.data or None,
            full_name=form.full_name.data or "", active=form.active.data,
            password=form.password.data or None, actor=current_user,
            organizer_confirmed=form.confirm_organizer.data),
            f"Đã lưu tài khoản {user.email}.", refusals=Invalid).done:
        return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user,
                           tokens=services.tokens_of(user), now=now(),
                           sessions=sessions.live_sessions(user), may={
                               "confirm_organizer": asks_organizer_confirmation(current_user,
                                                                                user)})


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


@bp.post("/accounts/<int:user_id>/password-link")
@policy(Role.organizer)
def send_password_link(user_id: int):
    """Mail the account a set-password link instead of typing a password for it (a lost or
    expired welcome link, a forgotten password): its current password keeps working until
    the link is used."""
    user = db.session.get(User, user_id) or abort(404)
    purpose = TokenPurpose.reset if user.has_password else TokenPurpose.welcome
    links.send_password_link(user, purpose, actor=current_user)
    flash(f"Đã gửi liên kết đặt mật khẩu tới {user.email}.", "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))


@bp.route("/accounts/<int:user_id>/tokens/new", methods=["GET", "POST"])
@policy(Role.organizer)
def new_token(user_id: int):
    """Create an API token for the account. The secret is shown on the answer to the post
    itself — never in a URL, never kept in the session or stored in clear — so it is seen
    once; reloading that page asks the browser to post again, which makes another token."""
    user = db.session.get(User, user_id) or abort(404)
    form = TokenForm()
    outcome = submit_form(form, lambda: services.create_token(
        user, form.label.data, form.days.data, actor=current_user), refusals=Invalid)
    if outcome.done:
        token, secret = outcome.value
        return render_template("accounts/token_created.html", user=user, token=token,
                               secret=secret)
    return render_template("accounts/token_form.html", form=form, user=user), outcome.status


@bp.post("/accounts/<int:user_id>/tokens/<int:token_id>/revoke")
@policy(Role.organizer)
def revoke_token(user_id: int, token_id: int):
    user = db.session.get(User, user_id) or abort(404)
    token = services.find_token(user, token_id)
    services.revoke_token(token, actor=current_user)
    flash(f"Đã thu hồi mã truy cập “{token.label}”.", "success")
    return redirect(url_for("accounts.edit_user", user_id=user.id))
