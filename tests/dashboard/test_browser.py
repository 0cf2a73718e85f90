"""Chromium: a unit asks for an extension, the organizer sees it on the dashboard and grants
it in one click, the unit reads the answer (screenshots kept as artifacts)."""

from datetime import UTC, datetime

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_extension_request_from_the_unit_page_to_the_dashboard_and_back(
        live_server, page, users, set_now, artifacts):
    set_now(datetime(2020, 2, 3, 3, 0, tzinfo=UTC))  # two days before the question deadline
    browser_login(page, live_server, users["unit_a"])
    page.select_option("#deadline", "questions")
    page.fill("#reason", "Chi đoàn họp muộn do lịch thi học kỳ.")
    page.fill("#until", "08/02/2020")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Gửi đơn xin gia hạn").click()
    assert "Chờ Ban tổ chức trả lời" in page.inner_text("#xin-gia-han")
    page.screenshot(path=str(artifacts / "dashboard-unit-asks.png"), full_page=True)

    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất")
    browser_login(page, live_server, users["organizer"])
    due = page.inner_text("#han-sap-toi")
    assert "Gửi câu hỏi" in due and "Hạn 00:00 05/02/2020" in due
    assert "17/17 đơn vị chưa gửi đủ" in due
    waiting = page.inner_text("#viec-cho-xu-ly")
    assert "Đơn xin gia hạn chờ trả lời" in waiting
    page.screenshot(path=str(artifacts / "dashboard-organizer.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đơn xin gia hạn chờ trả lời")
    row = page.locator("#don-xin-gia-han tbody tr").first
    assert row.locator("input[name=until]").input_value() == "09/02/2020 00:00"
    with page.expect_navigation(wait_until="networkidle"):
        row.get_by_role("button", name="Gia hạn").click()
    assert "Đã gia hạn cho Huyện đoàn Ba Tri." in page.inner_text("body")
    page.screenshot(path=str(artifacts / "dashboard-extension-granted.png"), full_page=True)

    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất")
    browser_login(page, live_server, users["unit_a"])
    answer = page.inner_text("#xin-gia-han")
    assert "Đã được gia hạn" in answer and "Hạn mới của đơn vị: 00:00 09/02/2020" in answer
