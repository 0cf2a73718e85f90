"""The arrivals board in real Chromium tells the truth about who is missing: while the
session has not ended the delegates not here are "chưa đến", also after the page's own
poll redraws it; the session pills wrap on a 360 px phone instead of scrolling sideways out
of sight. Screenshots: tests/artifacts/board-truth-*.png."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.checkin.test_browser import PHONE
from tests.conftest import browser_login, patient

pytestmark = pytest.mark.browser
VN = ZoneInfo("Asia/Ho_Chi_Minh")
BOARD = "/checkin/doi-thoai-2020/board?session=doi-thoai"


def _polled(page) -> None:
    # The page's first poll has redrawn it (a selector: the CSP allows no eval).
    page.wait_for_selector("body[data-board-polls]", state="attached", timeout=20_000)


def test_before_the_end_the_board_says_not_here_yet_and_after_it_absent(
        live_server, page, users, people, set_now, artifacts):
    set_now(datetime(2020, 2, 14, 8, 30, tzinfo=VN))  # the session runs 08:00–11:00
    browser_login(page, live_server, users["organizer"])
    page.goto(live_server + BOARD)
    _polled(page)
    assert page.inner_text("#b-absent-label") == "chưa đến, chưa báo lý do"
    assert page.inner_text("#b-absent") == "4"  # nobody has arrived yet
    assert page.inner_text("#b-absent-head") == "Chưa đến"
    assert page.is_visible("#b-not-over")
    batri = page.locator("#b-units tr[data-unit]").filter(has_text="Huyện đoàn Ba Tri")
    cells = batri.locator("td").all_inner_texts()
    assert cells[1:6] == ["2", "0", "0", "0", "2"]  # expected, present, excused, replaced, not yet
    assert "text-danger" not in (batri.locator("td").nth(5).get_attribute("class") or "")
    page.screenshot(path=str(artifacts / "board-truth-running-1280.png"), full_page=True)

    set_now(datetime(2020, 2, 14, 11, 0, tzinfo=VN))
    page.reload()
    _polled(page)
    assert page.inner_text("#b-absent-label") == "vắng không lý do"
    assert page.inner_text("#b-absent-head") == "Không lý do"
    assert not page.is_visible("#b-not-over")
    page.screenshot(path=str(artifacts / "board-truth-ended-1280.png"), full_page=True)


def test_session_pills_wrap_on_a_phone(chromium, live_server, users, people, set_now,
                                       artifacts):
    set_now(datetime(2020, 2, 14, 8, 30, tzinfo=VN))
    context = chromium.new_context(**PHONE)
    phone = context.new_page()
    patient(phone)
    try:
        browser_login(phone, live_server, users["organizer"])
        for path in (BOARD, "/checkin/doi-thoai-2020/log?session=doi-thoai"):
            phone.goto(live_server + path)
            tabs = phone.locator("#session-tabs")
            assert tabs.locator("a").count() == 2
            assert phone.evaluate("""() => {
                const tabs = document.getElementById('session-tabs');
                return tabs.scrollWidth <= tabs.clientWidth + 1;
            }""")
            for box in (a.bounding_box() for a in tabs.locator("a").all()):
                assert box["x"] >= 0 and box["x"] + box["width"] <= 361
            # Both pills are in the first screen, one under the other.
            assert phone.locator("#session-tabs a").nth(1).bounding_box()["y"] < 740
        phone.goto(live_server + BOARD)
        phone.screenshot(path=str(artifacts / "board-truth-tabs-360.png"), full_page=True)
    finally:
        context.close()
