"""Chromium: an organizer and a unit log in and see the seed's event in Vietnamese."""

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_organizer_and_unit_pages(live_server, page, users, artifacts):
    browser_login(page, live_server, users["organizer"])
    with page.expect_navigation(wait_until="networkidle"):  # the home is the dashboard;
        page.click("text=Danh sách sự kiện")  # the list is a click away
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Chương trình đối thoại giữa Bí thư Tỉnh ủy")
    body = page.inner_text("body")
    assert "Môi trường làm việc của cán bộ Đoàn – Đội trường học" in body
    assert "Hội trường lớn Ủy ban nhân dân tỉnh Bến Tre" in body
    assert "08:00 14/02/2020" in body
    page.screenshot(path=str(artifacts / "events-organizer-overview.png"), full_page=True)

    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất")
    browser_login(page, live_server, users["unit_a"])
    body = page.inner_text("body")
    assert "Huyện đoàn Ba Tri" in body
    assert "Đã hết hạn lúc 00:00 05/02/2020" in body
    page.screenshot(path=str(artifacts / "events-unit-home.png"), full_page=True)


def test_organizer_edits_each_domains_settings_in_one_form(live_server, page, users, event,
                                                            artifacts):
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/events/doi-thoai-2020/edit")
    legends = page.locator("fieldset legend").all_inner_texts()
    assert legends == ["Câu hỏi", "Tiêu chuẩn vinh danh", "Đăng ký đại biểu",
                       "Thông báo tự động"]
    assert page.input_value("#question_deadline") == "05/02/2020 00:00"
    page.fill("#question_max_per_unit", "20")
    page.fill("#serving_min_years", "28")
    page.fill("#registration_deadline", "11/02/2020 00:00")
    page.uncheck("#notice_dossier_returned")  # every notice is on until switched off
    page.screenshot(path=str(artifacts / "events-settings-form.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url("**/events/doi-thoai-2020/")
    assert "Đã lưu thông tin sự kiện." in page.inner_text("body")
    assert "≥ 15, ≤ 20" in page.inner_text("body")  # the questions card on the overview
    page.goto(f"{live_server}/events/doi-thoai-2020/edit")
    assert page.input_value("#serving_min_years") == "28"
    assert page.input_value("#registration_deadline") == "11/02/2020 00:00"
    assert not page.is_checked("#notice_dossier_returned")
    assert page.is_checked("#notice_dossier_decided")


def test_organizer_clones_the_event_from_its_overview(live_server, page, users, artifacts):
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/events/doi-thoai-2020/")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Nhân bản sự kiện")
    page.fill("#slug", "doi-thoai-2027")
    page.fill("#starts_on", "31/02/2027")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Nhân bản", exact=True).click()
    assert "Ngày không hợp lệ" in page.inner_text("body")
    page.fill("#starts_on", "12/02/2027")
    page.screenshot(path=str(artifacts / "events-clone-form.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Nhân bản", exact=True).click()
    page.wait_for_url("**/events/doi-thoai-2027/")
    body = page.inner_text("body")
    assert "Đã nhân bản thành sự kiện doi-thoai-2027" in body
    assert "00:00 03/02/2027" in body  # the questions deadline, moved like the sessions
    page.screenshot(path=str(artifacts / "events-clone-overview.png"), full_page=True)
