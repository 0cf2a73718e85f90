"""Chromium at 1280 and 360 px: a high school's home lists no dossier deadline; a district
union opening the new-dossier page after the deadline reads that it has passed before any
form. Screenshots: tests/artifacts/honest-*.png."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.checkin.test_browser import PHONE
from tests.conftest import browser_login, patient

pytestmark = pytest.mark.browser
VN = ZoneInfo("Asia/Ho_Chi_Minh")
HOME = "/events/doi-thoai-2020/"
NEW_DOSSIER = "/events/doi-thoai-2020/nominations/new"


@pytest.mark.parametrize("width", [1280, 360])
def test_pages_say_what_applies(chromium, live_server, users, event, set_now, artifacts,
                                width):
    set_now(datetime(2020, 2, 6, 9, 0, tzinfo=VN))  # after the 05/02/2020 deadlines
    options = PHONE if width == 360 else {"viewport": {"width": 1280, "height": 900},
                                          "locale": "vi-VN",
                                          "timezone_id": "Asia/Ho_Chi_Minh"}
    context = chromium.new_context(**options)
    page = context.new_page()
    patient(page)
    try:
        browser_login(page, live_server, users["school"])
        page.goto(live_server + HOME)
        expect(page.locator("[data-deadline=questions]")).to_be_visible()
        expect(page.locator("[data-deadline=nominations]")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"honest-school-home-{width}.png"), full_page=True)
        page.context.clear_cookies()

        browser_login(page, live_server, users["unit_a"])
        page.goto(live_server + NEW_DOSSIER)
        expect(page.locator("#closed-note")).to_contain_text("Đã hết hạn gửi hồ sơ vinh danh")
        expect(page.locator("#dossier-form")).to_have_count(0)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=str(artifacts / f"honest-dossier-closed-{width}.png"),
                        full_page=True)
        with page.expect_navigation(wait_until="networkidle"):
            page.click("#closed-note a")
        expect(page.locator("#xin-gia-han")).to_be_visible()
    finally:
        context.close()
