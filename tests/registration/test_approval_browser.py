"""Chromium: the organizer filters the waiting registrations, ticks two and approves them in
one post; then rejects one with a reason, which the unit reads on its list (1280 and 360 px
screenshots, and the list fits a phone)."""

from __future__ import annotations

import pytest

from eventapp.extensions import db
from eventapp.registration import settings
from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("open_registration")]
LIST = "/events/doi-thoai-2020/registration/"


def _width(page) -> tuple[int, int]:
    return page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_organizer_approves_two_and_rejects_one(live_server, page, users, event, add,
                                                artifacts):
    settings.store_approval(event, True)
    db.session.commit()
    names = ["Nguyễn Thị Ánh Tuyết", "Trần Văn Đức", "Lê Hoàng Phương Uyên"]
    for name in names:
        add(users["unit_a"], name, position="Giáo viên Tổng phụ trách Đội",
            workplace="Trường Tiểu học An Đức")

    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}{LIST}")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#waiting-link")
    assert page.input_value("#f-status") == "pending"
    assert page.locator("#attendees tbody tr").count() == 3
    page.check(f"tr:has-text('{names[0]}') .review-pick")
    page.check(f"tr:has-text('{names[1]}') .review-pick")
    assert page.inner_text("#review-count") == "Đã chọn 2"
    page.screenshot(path=str(artifacts / "approval-organizer-1280.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#review-approve")
    assert "Đã duyệt 2 đại biểu" in page.inner_text("body")
    rows = page.locator("#attendees tbody tr")  # back on the waiting list: one left
    assert rows.count() == 1 and names[2] in rows.first.inner_text()

    page.set_viewport_size({"width": 360, "height": 800})
    page.check("#review-all")
    page.fill("input[name=reason]", "Không đúng đối tượng của phiên đối thoại")
    page.screenshot(path=str(artifacts / "approval-organizer-360.png"), full_page=True)
    scroll, inner = _width(page)
    assert scroll <= inner
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#review-reject")
    assert "Đã từ chối 1 đăng ký" in page.inner_text("body")
    page.context.clear_cookies()  # the phone's menu hides the logout button

    browser_login(page, live_server, users["unit_a"])
    page.goto(f"{live_server}{LIST}")
    refused = page.locator(f"#attendees tr:has-text('{names[2]}')")
    assert "Bị từ chối: Không đúng đối tượng của phiên đối thoại" in refused.inner_text()
    page.screenshot(path=str(artifacts / "approval-unit-360.png"), full_page=True)
    scroll, inner = _width(page)
    assert scroll <= inner
    page.set_viewport_size({"width": 1280, "height": 900})
    page.screenshot(path=str(artifacts / "approval-unit-1280.png"), full_page=True)
