"""An English-language browser still types and reads dd/mm/yyyy and 24-hour times: the app's
own text fields, not the browser's date controls (which would show 02/05/2020, 12:00 AM)."""

from __future__ import annotations

import pytest

from tests.conftest import browser_login, patient
from tests.helpers import fill_form
from tests.nominations.conftest import vn

pytestmark = pytest.mark.browser
EVENT = "/events/doi-thoai-2020"


@pytest.fixture
def english_page(chromium):
    context = chromium.new_context(locale="en-US", timezone_id="America/New_York",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    patient(page)
    yield page
    context.close()


def test_a_deadline_and_a_service_period_typed_on_an_english_browser(
        live_server, english_page, users, set_now, artifacts):
    page = english_page
    assert page.evaluate("navigator.language") == "en-US"
    assert page.evaluate("new Date(2020, 1, 5).toLocaleDateString()") == "2/5/2020"

    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}{EVENT}/edit")
    deadline = page.locator("#question_deadline")
    assert deadline.get_attribute("type") == "text"
    assert deadline.get_attribute("placeholder") == "dd/mm/yyyy HH:MM"
    assert deadline.input_value() == "05/02/2020 00:00"
    # A typo is refused in words, and what was typed stays to be corrected.
    page.fill("#question_deadline", "31/02/2020 17:30")
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Lưu", exact=True).click()
    assert "Thời điểm không hợp lệ: nhập theo dạng dd/mm/yyyy HH:MM" in page.inner_text("body")
    assert page.input_value("#question_deadline") == "31/02/2020 17:30"
    page.fill("#question_deadline", "07/02/2020 17:30")
    page.screenshot(path=str(artifacts / "dates-en-us-deadline.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.get_by_role("button", name="Lưu", exact=True).click()
    page.wait_for_url(f"**{EVENT}/")
    body = page.inner_text("body")
    assert "17:30 07/02/2020" in body and " PM" not in body and " AM" not in body
    page.goto(f"{live_server}{EVENT}/edit")
    assert page.input_value("#question_deadline") == "07/02/2020 17:30"
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất")

    # A unit files a dossier: birth date and service period typed day first.
    set_now(vn("2020-02-03T09:00:00"))
    browser_login(page, live_server, users["unit_a"])
    page.goto(f"{live_server}{EVENT}/nominations/new")
    assert page.locator("#birth_date").get_attribute("placeholder") == "dd/mm/yyyy"
    fill_form(page, {"#full_name": "Nguyễn Thị Lan", "#gender": "nu",
                     "#birth_date": "19/05/1968", "#school": "Trường Tiểu học An Thủy",
                     "[name=period-0-start]": "05/09/1988", "[name=period-0-end]": "31/08/2001"})
    page.click("[data-add-row=period]")
    page.fill("[name=period-1-start]", "01/09/2002")
    # The live result reads the typed days as days: 5 September, not 9 May.
    page.wait_for_function("() => document.getElementById('live-result').innerText"
                           ".includes('30 năm 5 tháng 9 ngày, đủ 30 năm')")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Lưu hồ sơ")
    page.wait_for_selector("text=Đã lưu hồ sơ")
    body = page.inner_text("body")
    assert "19/05/1968" in body and "05/09/1988" in body and "31/08/2001" in body
    assert "01/09/2002" in body
    edit = page.locator("a[href$='/edit']").first.get_attribute("href")
    page.goto(f"{live_server}{edit}")
    assert page.input_value("#birth_date") == "19/05/1968"
    assert page.input_value("[name=period-0-start]") == "05/09/1988"
    assert page.input_value("[name=period-0-end]") == "31/08/2001"
    page.screenshot(path=str(artifacts / "dates-en-us-service-period.png"), full_page=True)
