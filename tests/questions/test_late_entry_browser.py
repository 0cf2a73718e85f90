"""Chromium: after Ba Tri's deadline the organizer opens its questions page, reads what it
may do, is told a reason is needed, types one and sees the note beside the question; the
page fits 360 px. Screenshots: tests/artifacts/late-entry-*.png."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.checkin.test_browser import PHONE
from tests.conftest import browser_login

from .conftest import DEADLINE

pytestmark = pytest.mark.browser
UNIT_PAGE = "/events/doi-thoai-2020/questions/unit/BATRI"


def test_organizer_enters_a_question_after_the_deadline_with_a_reason(
        live_server, page, chromium, users, event, set_now, artifacts):
    set_now(DEADLINE + timedelta(days=1))
    browser_login(page, live_server, users["organizer"])
    page.goto(live_server + UNIT_PAGE)
    expect(page.locator("#late-entry-note")).to_contain_text("Ban tổ chức vẫn nhập hộ được")
    page.select_option("#add-form select[name=topic]", index=1)
    page.fill("#add-form textarea[name=content]", "Câu hỏi đơn vị gửi bằng văn bản")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#add-form button[type=submit]")
    expect(page.locator("#late-reason-one + .invalid-feedback")).to_contain_text(
        "cần ghi lý do Ban tổ chức nhập hộ sau hạn")
    page.screenshot(path=str(artifacts / "late-entry-refused-1280.png"), full_page=True)
    page.fill("#late-reason-one", "Công văn của đơn vị đến ngày 04/02/2020")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#add-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("Đã gửi câu hỏi")
    expect(page.locator("#my-questions [data-late-entry]")).to_have_text(
        "Ban tổ chức nhập hộ sau hạn — lý do: Công văn của đơn vị đến ngày 04/02/2020")
    page.screenshot(path=str(artifacts / "late-entry-done-1280.png"), full_page=True)

    context = chromium.new_context(**PHONE)
    phone = context.new_page()
    try:
        browser_login(phone, live_server, users["organizer"])
        phone.goto(live_server + UNIT_PAGE)
        expect(phone.locator("#late-reason-one")).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth") <= 360
        phone.screenshot(path=str(artifacts / "late-entry-360.png"), full_page=True)
    finally:
        context.close()
