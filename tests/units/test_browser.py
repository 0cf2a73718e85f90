"""Chromium: the organizer manages unit kinds from the top menu and gives a unit a new kind;
renames a unit and merges it from its page, and the 2020 event keeps the name of its time."""

from datetime import UTC, datetime

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_organizer_adds_renames_and_uses_a_kind(live_server, page, users, artifacts):
    page.on("dialog", lambda dialog: dialog.accept())  # the delete button's confirmation
    browser_login(page, live_server, users["organizer"])
    with page.expect_navigation(wait_until="networkidle"):
        page.click("nav >> text=Loại đơn vị")
    page.wait_for_url("**/unit-kinds/")
    rows = page.locator("#unit-kinds tbody tr")
    assert rows.first.inner_text().startswith("commune")
    assert "Huyện, Thành đoàn" in page.inner_text("#unit-kinds")

    page.fill("#key", "ward")
    page.fill("#name", "Đoàn phường")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Thêm", exact=True).click()
    assert "Đã thêm loại “Đoàn phường”." in page.inner_text("body")
    with page.expect_navigation(wait_until="networkidle"):
        page.locator("tr[data-kind=ward]").get_by_role("link", name="Đổi tên").click()
    page.fill("#name", "Đoàn phường, thị trấn")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Lưu", exact=True).click()
    assert "Đoàn phường, thị trấn" in page.inner_text("tr[data-kind=ward]")

    with page.expect_navigation(wait_until="networkidle"):
        page.locator("tr[data-kind=district]").get_by_role("button", name="Xóa").click()
    assert "Không xóa được loại “Huyện, Thành đoàn”: 9 đơn vị thuộc loại này" in \
        page.inner_text("body")
    page.screenshot(path=str(artifacts / "units-kinds.png"), full_page=True)

    page.goto(f"{live_server}/events/doi-thoai-2020/units/new")
    page.fill("#code", "PHUONG1")
    page.fill("#name", "Đoàn phường An Hội")
    page.select_option("#kind", "ward")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url("**/units/")
    row = page.locator("tr", has_text="PHUONG1").inner_text()
    assert "Đoàn phường, thị trấn" in row


def test_organizer_renames_then_merges_a_unit(live_server, page, users, set_now, artifacts):
    set_now(datetime(2026, 11, 30, 3, 0, tzinfo=UTC))
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/events/doi-thoai-2020/units/")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("a[href='/units/BATRI']")
    page.wait_for_url("**/units/BATRI")
    assert page.input_value("#effective_on") == "30/11/2026"  # today by default
    page.fill("#name", "Đoàn xã Ba Tri")
    page.fill("#effective_on", "2025-07-01")
    page.fill("#note", "Nghị quyết sắp xếp đơn vị hành chính")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Đổi tên", exact=True).click()
    body = page.inner_text("body")
    assert "Đã đổi tên thành Đoàn xã Ba Tri từ ngày 01/07/2025." in body
    assert "Huyện đoàn Ba Tri → Đoàn xã Ba Tri" in page.inner_text("#unit-history")

    page.select_option("#into", "BINHDAI")
    page.fill("#merged_on", "2025-07-01")
    page.check("input[name=accounts][value=deactivate]")
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Sáp nhập", exact=True).click()
    body = page.inner_text("body")
    assert "Đã sáp nhập Đoàn xã Ba Tri vào Huyện đoàn Bình Đại từ ngày 01/07/2025." in body
    assert "Đã sáp nhập vào Huyện đoàn Bình Đại từ ngày 01/07/2025" in body
    assert page.locator("#merge-form").count() == 0
    page.screenshot(path=str(artifacts / "units-history.png"), full_page=True)

    page.goto(f"{live_server}/events/doi-thoai-2020/units/")
    body = page.inner_text("body")
    assert "Huyện đoàn Ba Tri" in body and "Đoàn xã Ba Tri" not in body
