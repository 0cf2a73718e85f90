"""Chromium: an organizer creates a unit account with a set-password link instead of a
password; the new user sets it, logs in and sees the unit's accounts; the organizer edits
the unit's contacts."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from eventapp.extensions import db
from eventapp.messages.models import Message
from eventapp.units.models import Unit
from tests.conftest import browser_login
from tests.helpers import fill_form

pytestmark = pytest.mark.browser
NEW = "chim-lac-bay-2026"


def test_welcome_link_and_contacts_in_a_browser(live_server, page, chromium, users, artifacts):
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/accounts/new")
    page.check("input[name=send_link]")
    fill_form(page, {"input[name=email]": "vanthu@batri.vn", "input[name=full_name]": "Văn thư",
                     "select[name=role]": "unit", "select[name=unit]": "BATRI"},
              "button:has-text('Lưu')")
    assert "gửi liên kết đặt mật khẩu tới email này" in page.inner_text("body")
    db.session.rollback()
    body = db.session.scalar(sa.select(Message.body_text)
                             .where(Message.address == "vanthu@batri.vn"))
    link = re.search(r"https?://\S+/password/set/\S+", body).group(0)

    newcomer = chromium.new_context(locale="vi-VN").new_page()
    newcomer.goto(link)
    assert "vanthu@batri.vn" in newcomer.inner_text("body")
    fill_form(newcomer, {"input[name=password]": NEW, "input[name=confirm]": NEW},
              "button[type=submit]")
    fill_form(newcomer, {"input[name=email]": "vanthu@batri.vn", "input[name=password]": NEW},
              "button[type=submit]")
    newcomer.goto(f"{live_server}/account")
    accounts = newcomer.inner_text("#unit-accounts")
    assert "batri@test.vn" in accounts and "vanthu@batri.vn" in accounts
    assert "binhdai@test.vn" not in accounts
    newcomer.screenshot(path=str(artifacts / "account-unit-accounts.png"), full_page=True)
    newcomer.context.close()

    unit_id = db.session.scalar(sa.select(Unit.id).where(Unit.code == "BATRI"))
    page.goto(f"{live_server}/events/doi-thoai-2020/units/{unit_id}/edit")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Thêm người liên hệ")
    fill_form(page, {"input[name=name]": "Nguyễn Văn An", "input[name=position]": "Bí thư",
                     "input[name=email]": "an@batri", "input[name=phone]": "0912 345 678"},
              "button:has-text('Lưu')")
    assert "Địa chỉ email không hợp lệ." in page.inner_text("body")
    fill_form(page, {"input[name=email]": "an@batri.vn"}, "button:has-text('Lưu')")
    contacts = page.inner_text("#unit-contacts")
    assert "Nguyễn Văn An" in contacts and "an@batri.vn" in contacts
    assert "vanthu@batri.vn" in page.inner_text("#unit-accounts")
    page.screenshot(path=str(artifacts / "unit-contacts.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#unit-contacts >> text=Xóa")
    assert "Chưa có người liên hệ." in page.inner_text("body")
