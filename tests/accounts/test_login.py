"""Login, sessions, CSRF, rate limiting and role-based access to pages."""

import pytest

from tests.conftest import PASSWORD


def test_login_page_is_vietnamese(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in html and "Mật khẩu" in html


def test_login_sets_httponly_samesite_cookie_and_redirects_by_role(client, users):
    response = client.post_form("/login", {"email": "BATRI@test.vn", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # a unit with one event lands on that event's unit home
    home = client.get("/", follow_redirects=True)
    assert "Huyện đoàn Ba Tri" in home.get_data(as_text=True)


def test_wrong_password_is_refused_with_message(client, users):
    response = client.post_form("/login", {"email": "batri@test.vn", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert "Email hoặc mật khẩu không đúng." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302  # still anonymous → sent to login


def test_inactive_account_cannot_log_in(client, users, app):
    from eventapp.extensions import db

    users["unit_a"].active = False
    db.session.commit()
    response = client.post_form("/login", {"email": "batri@test.vn", "password": PASSWORD})
    assert "Email hoặc mật khẩu không đúng." in response.get_data(as_text=True)


def test_form_without_csrf_token_is_refused(client, users):
    response = client.post("/login", data={"email": "batri@test.vn", "password": PASSWORD})
    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.get_data(as_text=True)


def test_logout_needs_post_with_csrf(client, users, login):
    login(users["unit_a"])
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.post_form("/logout", page="/events/doi-thoai-2020/").status_code == 302
    assert client.get("/events/doi-thoai-2020/").status_code == 302


def test_open_redirect_after_login_is_ignored(client, users):
    response = client.post_form("/login?next=https://evil.example/x",
                                {"email": "batri@test.vn", "password": PASSWORD})
    assert response.headers["Location"] == "/"


def test_login_attempts_are_rate_limited(app, users):
    app.config["RATELIMIT_ENABLED"] = True
    client = app.test_client()
    token = client.csrf_token()
    # different accounts each time: the per-address limit, not the per-account one
    codes = [client.post("/login", data={"email": f"khach{i}@test.vn", "password": "x" * 9,
                                         "csrf_token": token}).status_code for i in range(12)]
    assert codes[:10] == [200] * 10
    assert codes[10:] == [429, 429]
    # the message is Vietnamese, not a stack trace
    last = client.post("/login", data={"email": "batri@test.vn", "password": PASSWORD,
                                       "csrf_token": token})
    assert last.status_code == 429
    assert "Quá nhiều" in last.get_data(as_text=True)


ORGANIZER_PAGES = ["/events/", "/events/new", "/accounts/", "/accounts/new",
                   "/events/doi-thoai-2020/edit", "/events/doi-thoai-2020/units/",
                   "/events/doi-thoai-2020/extensions", "/events/doi-thoai-2020/sessions/new",
                   "/events/doi-thoai-2020/units/template.xlsx"]


@pytest.mark.parametrize("url", ORGANIZER_PAGES)
def test_organizer_pages_refuse_unit_and_checkin_accounts(client, users, login, url):
    assert client.get(url).status_code == 302  # anonymous → login
    login(users["unit_a"])
    response = client.get(url)
    assert response.status_code == 403
    assert "Bạn không có quyền truy cập trang này." in response.get_data(as_text=True)
    client.post_form("/logout", page="/events/doi-thoai-2020/")
    login(users["checkin"])
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", ORGANIZER_PAGES)
def test_organizer_reaches_organizer_pages(client, users, login, url):
    login(users["organizer"])
    assert client.get(url).status_code == 200


def test_checkin_staff_cannot_open_event_pages(client, users, login):
    login(users["checkin"])
    assert client.get("/events/doi-thoai-2020/").status_code == 403
    assert client.get("/", follow_redirects=False).headers["Location"].startswith("/checkin")


def test_unit_cannot_see_an_event_it_does_not_take_part_in(client, users, login, make_user):
    from eventapp.events.services import import_event
    from tests.conftest import demo_definition

    other = demo_definition()
    other.update(slug="su-kien-khac", units=[{"code": "KHAC", "name": "Đơn vị khác",
                                              "kind": "district"}])
    import_event(other)
    login(users["unit_a"])
    assert client.get("/events/doi-thoai-2020/").status_code == 200
    response = client.get("/events/su-kien-khac/")
    assert response.status_code == 404  # as if it did not exist: its name is not revealed
    assert "Không tìm thấy sự kiện." in response.get_data(as_text=True)
    assert "su-kien-khac" not in response.get_data(as_text=True)


def test_unknown_page_is_a_vietnamese_404(client):
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "Không tìm thấy" in response.get_data(as_text=True)
    assert "Traceback" not in response.get_data(as_text=True)


def test_unit_home_shows_deadlines_and_extension(client, users, login, app):
    from datetime import UTC, datetime

    from eventapp.events.services import get_event, grant_extension

    event = get_event("doi-thoai-2020")
    grant_extension(event, users["unit_a"].unit, "questions",
                    datetime(2020, 2, 7, 10, 0, tzinfo=UTC), "Lũ lụt, chậm tổng hợp",
                    users["organizer"])
    app.config["NOW"] = datetime(2020, 2, 6, tzinfo=UTC)
    login(users["unit_a"])
    html = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "Còn hạn đến 17:00 07/02/2020" in html
    assert "Lũ lụt, chậm tổng hợp" in html
    assert "Đã hết hạn lúc 00:00 05/02/2020" in html  # nominations: no extension
    client.post_form("/logout", page="/events/doi-thoai-2020/")
    login(users["unit_b"])
    html = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "Lũ lụt" not in html
    assert "17:00 07/02/2020" not in html
