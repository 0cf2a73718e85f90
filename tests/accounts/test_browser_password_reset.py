"""Chromium: "Quên mật khẩu?" end to end (issue #15 item 9): the request writes the mail into
the outbox, the worker delivers it to a real SMTP server on a loopback port (aiosmtpd), and the
link is read from the mail that server received."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bench.mailsink import MailSink
from eventapp.accounts import links
from eventapp.clock import now
from eventapp.extensions import db
from eventapp.messages.worker import Worker
from tests.conftest import PASSWORD, browser_login
from tests.helpers import fill_form

pytestmark = pytest.mark.browser
NEW = "ben-tre-xanh-2026"


@pytest.fixture
def sink(app):
    with MailSink() as server:
        app.config.update(server.config())
        yield server


def _mailed_links(app, sink: MailSink, email: str) -> list[str]:
    """Run the worker once, then the reset links in every mail ``email`` has received."""
    db.session.rollback()  # see what the server committed
    Worker(app).run_once()
    bodies = [mail.parsed().get_body(("plain",)).get_content() for mail in sink.received
              if email in mail.rcpt_tos]
    return [re.search(r"https?://\S+/password/set/\S+", body).group(0) for body in bodies]


def _ask_for_link(page, base: str, email: str) -> str:
    page.goto(f"{base}/login")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Quên mật khẩu?")
    fill_form(page, {"input[name=email]": email}, "button[type=submit]")
    return page.inner_text("body")


def test_forgotten_password_reset_in_a_browser(live_server, page, chromium, users, set_now,
                                               artifacts, app, sink):
    user = users["unit_a"]
    old_browser = chromium.new_context()
    old_page = old_browser.new_page()
    browser_login(old_page, live_server, user)
    assert "/login" not in old_page.url

    unknown = _ask_for_link(page, live_server, "khong-ai@test.vn")
    assert _mailed_links(app, sink, "khong-ai@test.vn") == []
    answer = _ask_for_link(page, live_server, user.email)
    assert "Nếu email này có tài khoản" in answer
    assert unknown == answer  # the same page for an unknown e-mail
    [link] = _mailed_links(app, sink, user.email)
    assert link.startswith(live_server)
    page.screenshot(path=str(artifacts / "password-forgot-sent.png"), full_page=True)

    page.goto(link)
    fill_form(page, {"input[name=password]": "matkhau123", "input[name=confirm]": "matkhau123"},
              "button[type=submit]")
    assert "quá phổ biến" in page.inner_text("body")
    fill_form(page, {"input[name=password]": NEW, "input[name=confirm]": NEW},
              "button[type=submit]")
    assert "Đã đặt mật khẩu mới" in page.inner_text("body")
    fill_form(page, {"input[name=email]": user.email, "input[name=password]": PASSWORD},
              "button[type=submit]")
    assert "Email hoặc mật khẩu không đúng." in page.inner_text("body")  # the old one
    fill_form(page, {"input[name=email]": user.email, "input[name=password]": NEW},
              "button[type=submit]")
    assert "/login" not in page.url and "Huyện đoàn Ba Tri" in page.inner_text("body")

    old_page.goto(f"{live_server}/events/doi-thoai-2020/")
    assert "/login" in old_page.url  # the session from before the reset is over
    old_browser.close()

    again = chromium.new_context().new_page()
    again.goto(link)
    assert links.USED in again.inner_text("body")
    again.screenshot(path=str(artifacts / "password-link-used.png"), full_page=True)

    start = now() + timedelta(minutes=2)  # past the one-link-a-minute limit
    set_now(start)
    _ask_for_link(again, live_server, user.email)
    later = _mailed_links(app, sink, user.email)[-1]
    assert later != link
    set_now(start + timedelta(hours=1, seconds=1))
    again.goto(later)
    assert links.EXPIRED in again.inner_text("body")
    again.context.close()
