"""Chromium: the account form as an organizer uses it, and a copied login that dies."""

import pytest

from tests.conftest import browser_login
from tests.helpers import fill_form

pytestmark = pytest.mark.browser
NEW_PASSWORD = "mat-khau-123"
SAVE = "button:has-text('Lưu')"


def test_account_form_in_a_browser(live_server, page, users, artifacts):
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/accounts/new")
    assert page.input_value("select[name=role]") == ""  # nothing chosen for the user
    fill_form(page, {"input[name=email]": "vanthu@test.vn", "input[name=password]": NEW_PASSWORD,
                     "select[name=unit]": "BATRI"}, SAVE)
    assert "Vui lòng chọn vai trò." in page.inner_text("body")
    fill_form(page, {"select[name=role]": "organizer", "input[name=password]": NEW_PASSWORD}, SAVE)
    body = page.inner_text("body")
    assert "Chỉ tài khoản có vai trò Đơn vị mới gắn với một đơn vị" in body
    assert "Đánh dấu ô xác nhận" in body
    page.screenshot(path=str(artifacts / "accounts-form-refused.png"), full_page=True)
    fill_form(page, {"select[name=role]": "unit", "input[name=password]": NEW_PASSWORD}, SAVE)
    assert "Đã tạo tài khoản vanthu@test.vn." in page.inner_text("body")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("tr:has-text('vanthu@test.vn') >> text=Sửa")
    body = page.inner_text("body")
    assert "Sửa tài khoản vanthu@test.vn" in body
    assert "Tài khoản này chưa có mã truy cập API." in body
    page.screenshot(path=str(artifacts / "accounts-edit.png"), full_page=True)


def test_log_out_everywhere_from_my_account(live_server, page, chromium, users):
    browser_login(page, live_server, users["unit_a"])
    other = chromium.new_context()
    other.add_cookies(page.context.cookies())  # the same login, copied to another browser
    copy = other.new_page()
    copy.goto(f"{live_server}/events/doi-thoai-2020/")
    assert "Huyện đoàn Ba Tri" in copy.inner_text("body")
    with page.expect_navigation(wait_until="networkidle"):
        page.click(f"text={users['unit_a'].display_name}")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất khỏi mọi thiết bị")
    assert "Đã đăng xuất khỏi mọi thiết bị." in page.inner_text("body")
    copy.goto(f"{live_server}/events/doi-thoai-2020/")
    assert "/login" in copy.url
    other.close()
