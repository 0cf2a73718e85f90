"""Attendance at the door in real Chromium on a 360 px phone: a substituted code names the
substitute, a walk-in is registered and checked in from the scanner page, and the board
shows excused and substituted per unit. Screenshots: tests/artifacts/attendance-*.png."""

from __future__ import annotations

import pytest

from eventapp.database import unit_of_work
from eventapp.registration import attendance
from tests.checkin.test_browser import PHONE, open_scanner, result, scan
from tests.conftest import browser_login, patient

pytestmark = pytest.mark.browser
SCANNER = "/checkin/doi-thoai-2020/scan/doi-thoai"


@pytest.fixture
def phone(chromium):
    context = chromium.new_context(**PHONE)
    page = context.new_page()
    patient(page)
    yield page
    context.close()


def test_a_substituted_code_names_the_substitute_and_a_walk_in_is_checked_in(
        live_server, phone, users, people, code_of, artifacts):
    old_code = code_of(people["binh"])
    with unit_of_work():
        attendance.substitute(people["binh"], users["organizer"],
                              {"full_name": "Lâm Thị Dự Thay"})
    open_scanner(phone, live_server, users["organizer"])
    scan(phone, old_code)
    text = result(phone, "substituted")
    assert "đã cử người dự thay" in text and "Lâm Thị Dự Thay" in text
    assert "ci-red" in phone.get_attribute("#ci-result", "class")
    phone.screenshot(path=str(artifacts / "attendance-scanner-substituted-360.png"))
    phone.click("#ci-result")
    # Offline, the device's table judges it the same, and names the substitute too.
    phone.context.set_offline(True)
    scan(phone, old_code)
    text = result(phone, "substituted")
    assert "đã cử người dự thay" in text and "Lâm Thị Dự Thay" in text
    phone.screenshot(path=str(artifacts / "attendance-scanner-substituted-offline-360.png"))
    phone.click("#ci-result")
    phone.context.set_offline(False)
    phone.wait_for_selector("#ci-queue[hidden]", state="attached", timeout=20_000)

    phone.click("#ci-walk-in summary")
    phone.fill("#ci-walk-in input[name=full_name]", "Trương Văn Vãng Lai")
    phone.fill("#ci-walk-in input[name=unit]", "Huyện đoàn Bình Đại")
    phone.fill("#ci-walk-in input[name=position]", "Phó Bí thư")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    phone.screenshot(path=str(artifacts / "attendance-walk-in-form-360.png"), full_page=True)
    with phone.expect_navigation(wait_until="networkidle"):
        phone.click("#ci-walk-in button[type=submit]")
    phone.wait_for_selector("body[data-scanner-ready='1']")
    assert "Đã đăng ký tại cửa và check-in: Trương Văn Vãng Lai." in phone.inner_text("body")
    phone.screenshot(path=str(artifacts / "attendance-walk-in-done-360.png"))


def test_the_board_shows_excused_and_substituted_per_unit(live_server, page, users, people,
                                                          artifacts):
    with unit_of_work():
        attendance.set_attendance(people["an"], users["organizer"], "doi-thoai", "excused",
                                  "Ốm, có giấy nghỉ")
        attendance.substitute(people["cuong"], users["organizer"], {"full_name": "Người Thay"})
    browser_login(page, live_server, users["organizer"])
    page.goto(live_server + "/checkin/doi-thoai-2020/board?session=doi-thoai")
    page.wait_for_load_state("networkidle")
    assert page.inner_text("#b-excused") == "1" and page.inner_text("#b-substituted") == "1"
    cells = page.locator("#b-units tr[data-unit]").filter(has_text="Huyện đoàn Ba Tri") \
        .locator("td").all_inner_texts()
    assert cells[1:6] == ["2", "0", "1", "0", "1"]  # expected, present, excused, replaced, absent
    binhdai = page.locator("#b-units tr[data-unit]").filter(has_text="Huyện đoàn Bình Đại") \
        .locator("td").all_inner_texts()
    assert binhdai[1:6] == ["1", "0", "0", "1", "1"]
    page.screenshot(path=str(artifacts / "attendance-board.png"), full_page=True)
