"""Login sessions that really end (issue #12, item 3) and no-store caching (item 13)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from eventapp.accounts.models import LoginSession
from eventapp.extensions import db
from tests.conftest import PASSWORD

HOME = "/events/doi-thoai-2020/"


def _copy_cookies(source, target) -> None:
    """What a thief does with a copied cookie file: the same cookies in another browser."""
    for cookie in source._cookies.values():
        target.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)


def _login(client, user, remember=False):
    data = {"email": user.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post_form("/login", data)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    return response


def _signed_in(client) -> bool:
    return client.get(HOME).status_code == 200


def test_a_copied_session_cookie_stops_working_at_logout(app, users):
    owner, thief = app.test_client(), app.test_client()
    _login(owner, users["unit_a"])
    _copy_cookies(owner, thief)
    assert _signed_in(thief)
    owner.post_form("/logout", page=HOME)
    assert not _signed_in(owner)
    assert not _signed_in(thief)


def test_remember_cookie_lasts_14_days_and_dies_with_logout_everywhere(app, users):
    owner = app.test_client()
    response = _login(owner, users["unit_a"], remember=True)
    remember = [h for h in response.headers.getlist("Set-Cookie")
                if h.startswith("remember_token=")]
    assert remember, response.headers.getlist("Set-Cookie")
    expires = datetime.strptime(remember[0].split("Expires=")[1].split(";")[0],
                                "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert timedelta(days=13) < expires - datetime.now(UTC) <= timedelta(days=14, minutes=1)
    # Only the remember cookie, in a browser opened later: still logged in.
    value = owner.get_cookie("remember_token").value
    later = app.test_client()
    later.set_cookie("remember_token", value)
    assert _signed_in(later)
    owner.post_form("/logout/everywhere", page="/account")
    copied = app.test_client()
    copied.set_cookie("remember_token", value)
    assert not _signed_in(copied)
    assert not _signed_in(later)
    assert not _signed_in(owner)


def test_remember_days_are_configurable(app, users):
    app.config["REMEMBER_DAYS"] = 3
    response = _login(app.test_client(), users["unit_a"], remember=True)
    cookie = next(h for h in response.headers.getlist("Set-Cookie")
                  if h.startswith("remember_token="))
    expires = datetime.strptime(cookie.split("Expires=")[1].split(";")[0],
                                "%a, %d %b %Y %H:%M:%S GMT").replace(tzinfo=UTC)
    assert expires - datetime.now(UTC) <= timedelta(days=3, minutes=1)


def test_password_reset_by_organizer_ends_sessions_and_revokes_tokens(app, users, token_for):
    unit_browser, organizer = app.test_client(), app.test_client()
    _login(unit_browser, users["unit_a"], remember=True)
    headers = token_for(users["unit_a"])
    assert unit_browser.get("/api/v1/events/doi-thoai-2020/questions",
                            headers=headers).status_code == 200
    _login(organizer, users["organizer"])
    user_id = users["unit_a"].id
    page = f"/accounts/{user_id}/edit"
    response = organizer.post_form(page, {"email": "batri@test.vn", "role": "unit",
                                          "unit": "BATRI", "full_name": "Ba Tri",
                                          "active": "y", "password": "mat-khau-moi-2026"},
                                   page=page)
    assert response.status_code == 302
    assert not _signed_in(unit_browser)
    assert app.test_client().get("/api/v1/events/doi-thoai-2020/questions",
                                 headers=headers).status_code == 401
    entry = db.session.execute(sa.text(
        "SELECT summary FROM audit_entry WHERE action = 'user.update'")).scalar()
    assert "kết thúc 1 phiên đăng nhập" in entry and "thu hồi 1 mã truy cập API" in entry


def test_deactivation_ends_every_session(app, users):
    unit_browser, organizer = app.test_client(), app.test_client()
    _login(unit_browser, users["unit_a"])
    _login(organizer, users["organizer"])
    page = f"/accounts/{users['unit_a'].id}/edit"
    organizer.post_form(page, {"email": "batri@test.vn", "role": "unit", "unit": "BATRI",
                               "full_name": "Ba Tri"}, page=page)  # "active" unticked
    assert not _signed_in(unit_browser)


def test_organizer_logs_another_account_out_everywhere(app, users):
    phone, laptop, organizer = app.test_client(), app.test_client(), app.test_client()
    _login(phone, users["unit_a"])
    _login(laptop, users["unit_a"], remember=True)
    _login(organizer, users["organizer"])
    page = f"/accounts/{users['unit_a'].id}/edit"
    assert "Đăng xuất tài khoản này khỏi mọi nơi" in organizer.get(page).get_data(as_text=True)
    response = organizer.post_form(f"/accounts/{users['unit_a'].id}/logout-everywhere",
                                   page=page, follow_redirects=True)
    assert "Đã kết thúc 2 phiên đăng nhập của batri@test.vn." in response.get_data(as_text=True)
    assert not _signed_in(phone) and not _signed_in(laptop)
    assert organizer.get("/accounts/").status_code == 200  # the organizer's own stays
    actions = db.session.execute(sa.text(
        "SELECT action FROM audit_entry WHERE action = 'auth.logout_everywhere'")).all()
    assert len(actions) == 1


def test_own_password_change_ends_other_sessions_but_keeps_this_one(app, users):
    here, elsewhere = app.test_client(), app.test_client()
    _login(here, users["unit_a"])
    _login(elsewhere, users["unit_a"], remember=True)
    wrong = here.post_form("/account", {"current_password": "sai", "new_password": "moi-hon-12345",
                                        "confirm": "moi-hon-12345"}, page="/account")
    assert "Mật khẩu hiện tại không đúng." in wrong.get_data(as_text=True)
    assert _signed_in(elsewhere)
    done = here.post_form("/account", {"current_password": PASSWORD,
                                       "new_password": "moi-hon-12345", "confirm": "moi-hon-12345"},
                          page="/account", follow_redirects=True)
    assert "Đã đổi mật khẩu" in done.get_data(as_text=True)
    assert _signed_in(here)
    assert not _signed_in(elsewhere)
    fresh = app.test_client()
    assert fresh.post_form("/login", {"email": "batri@test.vn",
                                      "password": "moi-hon-12345"}).status_code == 302


def test_csrf_token_is_rotated_at_login(app, users):
    client = app.test_client()
    before = client.csrf_token("/login")
    _login(client, users["unit_a"])
    after = client.csrf_token(HOME)
    assert before != after
    # A form prepared before login (e.g. by an attacker who planted the session) is refused.
    assert client.post("/logout", data={"csrf_token": before}).status_code == 400
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


@pytest.fixture
def logged_in_now(app, users, set_now):
    """A unit account's client logged in now, the server clock fixed there: ``(client, now)``."""
    start = datetime.now(UTC)
    set_now(start)
    client = app.test_client()
    _login(client, users["unit_a"])
    return client, start


def test_a_session_ends_when_it_expires(logged_in_now, set_now):
    client, start = logged_in_now
    set_now(start + timedelta(hours=11))
    assert _signed_in(client)
    set_now(start + timedelta(hours=12, minutes=1))
    assert not _signed_in(client)


def test_last_seen_is_written_at_most_once_a_minute(logged_in_now, set_now):
    client, start = logged_in_now
    set_now(start + timedelta(seconds=30))
    assert _signed_in(client)
    seen = lambda: db.session.scalar(sa.select(LoginSession.last_seen_at))  # noqa: E731
    db.session.commit()
    assert abs((seen() - start).total_seconds()) < 1
    set_now(start + timedelta(seconds=90))
    assert _signed_in(client)
    db.session.commit()
    assert abs((seen() - start - timedelta(seconds=90)).total_seconds()) < 1


def test_own_account_page_lists_sessions(app, users):
    client = app.test_client()
    _login(client, users["unit_a"], remember=True)
    html = client.get("/account").get_data(as_text=True)
    assert "Phiên đăng nhập đang mở" in html and "Máy này" in html
    assert "Ghi nhớ đăng nhập" in html
    assert "Đăng xuất khỏi mọi thiết bị" in html


def test_logged_in_pages_and_api_answers_are_not_stored(app, users, token_for):
    anonymous = app.test_client()
    assert "no-store" not in anonymous.get("/login").headers.get("Cache-Control", "")
    client = app.test_client()
    _login(client, users["organizer"])
    for url in (HOME, "/accounts/", "/account"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    api = app.test_client()
    ok = api.get("/api/v1/events/doi-thoai-2020/questions", headers=token_for(users["unit_a"]))
    refused = api.get("/api/v1/events/doi-thoai-2020/questions")
    assert ok.status_code == 200 and ok.headers["Cache-Control"] == "no-store"
    assert refused.status_code == 401 and refused.headers["Cache-Control"] == "no-store"
