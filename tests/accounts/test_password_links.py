"""Set-password links: "Quên mật khẩu?" (issue #15 item 9) and the organizer's welcome link.

The link is read from the outbox row the request wrote (delivering it is the worker's job).
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import sqlalchemy as sa

from eventapp.accounts import links
from eventapp.accounts.models import PasswordToken, User
from eventapp.clock import now
from eventapp.extensions import db
from eventapp.messages.models import Channel, Message
from tests.conftest import PASSWORD, run_concurrently

NEW = "song-hau-2026-moi"
LINK = re.compile(r"https?://[^\s/]+(/password/set/[A-Za-z0-9_-]+)")


def _forgot(client, email: str):
    return client.post_form("/password/forgot", {"email": email}, page="/password/forgot",
                            follow_redirects=True)


def _messages() -> list[Message]:
    db.session.commit()
    return list(db.session.scalars(sa.select(Message).order_by(Message.id)))


def _link_in(message: Message) -> str:
    match = LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(1)


def _logs_in(app, email: str, password: str) -> bool:
    response = app.test_client().post_form("/login", {"email": email, "password": password})
    return response.status_code == 302


def test_forgot_writes_one_mail_with_a_link_and_says_the_same_for_unknown_emails(app, users):
    unknown = _forgot(app.test_client(), "khong-co@test.vn")
    assert _messages() == []
    known = _forgot(app.test_client(), "  BATRI@test.vn ")
    [message] = _messages()
    assert (message.channel, message.address, message.cause) == \
        (Channel.email, "batri@test.vn", "password")
    assert message.user_id == users["unit_a"].id
    assert "hết hạn sau 1 giờ" in message.body_text
    _link_in(message)
    # No account enumeration: the same page, word for word, for both.
    assert unknown.status_code == known.status_code == 200
    assert _notice(unknown) == _notice(known)
    assert "Nếu email này có tài khoản" in _notice(known)


def _notice(response) -> str:
    html = response.get_data(as_text=True)
    return re.search(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S).group(1).strip()


def test_an_inactive_account_gets_nothing_and_a_second_request_at_once_no_second_mail(
        app, users):
    users["checkin"].active = False
    db.session.commit()
    _forgot(app.test_client(), users["checkin"].email)
    assert _messages() == []
    _forgot(app.test_client(), users["unit_a"].email)
    _forgot(app.test_client(), users["unit_a"].email)  # a double click, or a flood
    assert len(_messages()) == 1


def test_the_link_sets_the_password_once_and_ends_every_session(app, users, set_now):
    user = users["unit_a"]
    before = app.test_client()
    assert before.post_form("/login", {"email": user.email, "password": PASSWORD}) \
        .status_code == 302
    _forgot(app.test_client(), user.email)
    path = _link_in(_messages()[0])
    browser = app.test_client()
    assert "Tài khoản: <strong>batri@test.vn</strong>" in browser.get(path).get_data(as_text=True)
    weak = browser.post_form(path, {"password": "matkhau123", "confirm": "matkhau123"},
                             page=path)
    assert "quá phổ biến" in weak.get_data(as_text=True)
    assert links.link_problem(links.find_link(path.rsplit("/", 1)[1])) is None  # still live
    done = browser.post_form(path, {"password": NEW, "confirm": NEW}, page=path,
                             follow_redirects=True)
    assert "Đã đặt mật khẩu mới" in done.get_data(as_text=True)
    assert _logs_in(app, user.email, NEW)
    assert not _logs_in(app, user.email, PASSWORD)
    assert before.get("/account").status_code == 302  # the old session is over
    again = app.test_client().get(path)
    assert again.status_code == 410 and links.USED in again.get_data(as_text=True)
    reused = app.test_client().post_form(path, {"password": NEW + "x", "confirm": NEW + "x"},
                                         page="/login")
    assert reused.status_code == 410
    assert _logs_in(app, user.email, NEW)


def test_the_link_expires_after_an_hour(app, users, set_now):
    start = now()
    set_now(start)
    _forgot(app.test_client(), users["unit_a"].email)
    path = _link_in(_messages()[0])
    set_now(start + timedelta(minutes=59))
    assert app.test_client().get(path).status_code == 200
    set_now(start + timedelta(hours=1))
    page = app.test_client().get(path)
    assert page.status_code == 410 and links.EXPIRED in page.get_data(as_text=True)
    late = app.test_client().post_form(path, {"password": NEW, "confirm": NEW}, page="/login")
    assert late.status_code == 410
    assert not _logs_in(app, users["unit_a"].email, NEW)


def test_an_unknown_link_says_so(app, users):
    page = app.test_client().get("/password/set/khong-phai-lien-ket")
    assert page.status_code == 410 and links.UNKNOWN in page.get_data(as_text=True)


def test_a_newer_link_used_makes_the_older_one_useless(app, users, set_now):
    start = now()
    set_now(start)
    _forgot(app.test_client(), users["unit_a"].email)
    set_now(start + timedelta(minutes=5))
    _forgot(app.test_client(), users["unit_a"].email)
    old, new = (_link_in(m) for m in _messages())
    app.test_client().post_form(new, {"password": NEW, "confirm": NEW}, page="/login")
    assert app.test_client().get(old).status_code == 410


def test_two_tabs_using_one_link_at_once_set_it_once(app, users):
    _forgot(app.test_client(), users["unit_a"].email)
    path = _link_in(_messages()[0])
    clients = [app.test_client() for _ in range(2)]
    tokens = [c.csrf_token("/login") for c in clients]
    passwords = ["hai-tab-mot-2026", "hai-tab-hai-2026"]

    def submit(i):
        return clients[i].post(path, data={"password": passwords[i], "confirm": passwords[i],
                                           "csrf_token": tokens[i]}).status_code

    statuses = run_concurrently(submit, 2)
    assert sorted(statuses) == [302, 410], statuses
    winner = passwords[statuses.index(302)]
    assert _logs_in(app, users["unit_a"].email, winner)
    assert not _logs_in(app, users["unit_a"].email, passwords[statuses.index(410)])


def test_organizer_sends_a_set_password_link_instead_of_a_password(app, users, login, client):
    login(users["organizer"])
    both = client.post_form("/accounts/new", {
        "email": "vanthu@batri.vn", "role": "unit", "unit": "BATRI", "password": NEW,
        "send_link": "y"}, page="/accounts/new")
    assert "Chọn một cách" in both.get_data(as_text=True)
    created = client.post_form("/accounts/new", {
        "email": "vanthu@batri.vn", "full_name": "Văn thư", "role": "unit", "unit": "BATRI",
        "send_link": "y"}, page="/accounts/new", follow_redirects=True)
    assert "gửi liên kết đặt mật khẩu" in created.get_data(as_text=True)
    [message] = _messages()
    assert message.address == "vanthu@batri.vn" and message.created_by_id == users["organizer"].id
    assert "hết hạn sau 72 giờ" in message.body_text
    token = db.session.scalar(sa.select(PasswordToken))
    assert token.expires_at - token.created_at == timedelta(hours=72)
    # Usable only once the password is set: no password matches until then.
    for guess in ("", "!", PASSWORD):
        assert not _logs_in(app, "vanthu@batri.vn", guess)
    path = _link_in(message)
    app.test_client().post_form(path, {"password": NEW, "confirm": NEW}, page="/login")
    assert _logs_in(app, "vanthu@batri.vn", NEW)


def test_a_unit_sees_all_its_accounts(app, users, login, client, make_user):
    make_user("phobithu@batri.vn", "unit", "BATRI")
    login(users["unit_a"])
    html = client.get("/account").get_data(as_text=True)
    table = html[html.index('id="unit-accounts"'):]
    assert "batri@test.vn" in table and "phobithu@batri.vn" in table
    assert "binhdai@test.vn" not in table  # another unit's account
    assert "Chưa đăng nhập" in table       # phobithu never logged in


def test_reset_requests_are_rate_limited_per_address(app, users):
    app.config["RATELIMIT_ENABLED"] = True  # LOGIN_RATE_LIMIT: 10 per minute
    client = app.test_client()
    statuses = [client.post_form("/password/forgot", {"email": f"x{i}@test.vn"},
                                 page="/password/forgot").status_code for i in range(11)]
    assert statuses == [302] * 10 + [429]
    # Logins from that address are counted apart: still allowed.
    assert _logs_in(app, users["unit_a"].email, PASSWORD)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 5


def test_organizer_mails_a_link_from_the_account_page(app, users, login, client):
    user = users["unit_b"]
    login(users["organizer"])
    page = f"/accounts/{user.id}/edit"
    sent = client.post_form(f"/accounts/{user.id}/password-link", page=page,
                            follow_redirects=True)
    assert f"Đã gửi liên kết đặt mật khẩu tới {user.email}." in sent.get_data(as_text=True)
    [message] = _messages()
    assert message.address == user.email and message.created_by_id == users["organizer"].id
    assert _logs_in(app, user.email, PASSWORD)  # the old one works until the link is used
    app.test_client().post_form(_link_in(message), {"password": NEW, "confirm": NEW},
                                page="/login")
    assert _logs_in(app, user.email, NEW) and not _logs_in(app, user.email, PASSWORD)


def test_a_forged_host_header_does_not_choose_where_the_link_points(app, users):
    app.config["PUBLIC_URL"] = "https://10.0.0.5:8443"
    app.config["WTF_CSRF_ENABLED"] = False  # the attacker's own browser holds a valid token
    response = app.test_client().post("/password/forgot", data={"email": "batri@test.vn"},
                                      headers={"Host": "attacker.example"})
    assert response.status_code in (200, 302), response.status_code
    [message] = _messages()
    assert "attacker.example" not in message.body_text
    assert "https://10.0.0.5:8443/password/set/" in message.body_text


def test_the_answer_takes_as_long_for_an_unknown_email_as_for_a_known_one(app, users):
    """Writing a link takes longer than finding no account (about 16 ms apart on SQLite):
    the page answers after the same floor either way."""
    app.config.update(PASSWORD_RESET_ANSWER_SECONDS=0.3, PASSWORD_RESET_RESEND_SECONDS=0,
                      WTF_CSRF_ENABLED=False)
    client, times = app.test_client(), {"known": [], "unknown": []}
    for n in range(6):
        for kind, email in (("known", "batri@test.vn"), ("unknown", f"khong-co-{n}@test.vn")):
            started = time.perf_counter()
            assert client.post("/password/forgot", data={"email": email}).status_code == 302
            times[kind].append(time.perf_counter() - started)
    assert len(_messages()) == 6  # the known address got its links
    # The fastest of each: the least disturbed by whatever else the machine does.
    known, unknown = min(times["known"]), min(times["unknown"])
    assert min(known, unknown) >= 0.3
    assert abs(known - unknown) < 0.05, (known, unknown)  # a busy machine adds its noise
