"""Chromium: the organizer ticks a delegate and sends the invitation by e-mail, sees it queued
on the list; the link in the mail opens the printable invitation in a browser never logged in."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.messages.models import Message
from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_organizer_sends_an_invitation_and_the_link_opens_without_login(
        live_server, page, chromium, users, open_registration, add, artifacts):
    lan = add(users["unit_a"], "Nguyễn Thị Ánh Tuyết", email="tuyet@batri.vn")
    add(users["unit_a"], "Trần Văn Đức", email="duc@batri.vn")
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/events/doi-thoai-2020/registration/")
    page.check(f"input[name=attendee][value='{lan.id}']")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Gửi cho người đã đánh dấu")
    assert "Đã xếp 1 giấy mời vào hộp thư đi" in page.inner_text("body")
    row = page.locator(f"tr[data-attendee='{lan.id}']")
    assert "Giấy mời qua thư: Chờ gửi" in row.inner_text()
    assert page.locator("[data-invitation-status]").count() == 1
    page.screenshot(path=str(artifacts / "registration-invitation-queued.png"), full_page=True)

    db.session.rollback()  # the server thread committed after this session began
    message = db.session.scalar(sa.select(Message).where(Message.cause == "invitation"))
    link = re.search(r"http://\S+", message.body_text).group(0)
    assert link.startswith(live_server)
    stranger = chromium.new_context(locale="vi-VN")
    try:
        letter = stranger.new_page()
        letter.goto(link)
        assert "/login" not in letter.url
        assert letter.text_content(".guest-name") == "Nguyễn Thị Ánh Tuyết"
        assert letter.locator("section.letter").count() == 1
        letter.screenshot(path=str(artifacts / "registration-invitation-link.png"),
                          full_page=True)
    finally:
        stranger.close()
