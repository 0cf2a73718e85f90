"""Counts are written the Vietnamese way, "." between thousands (issue #17 item 8): "11.119
ngày", "1.234 đại biểu", on the pages, in the messages and on the live check-in board."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from eventapp.extensions import db
from eventapp.formatting import number
from tests.checkin.conftest import bulk_attendees
from tests.conftest import browser_login
from tests.nominations.helpers import dossier_form

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BOARD = "/checkin/doi-thoai-2020/board?session=doi-thoai"


@pytest.mark.parametrize("value, text", [
    (0, "0"), (7, "7"), (999, "999"), (1000, "1.000"), (11119, "11.119"),
    (1234567, "1.234.567"), (-2500, "-2.500"), (None, ""),
])
def test_a_count_has_dots_between_thousands(value, text):
    assert number(value) == text


def test_a_dossier_shows_its_days_of_service_with_a_dot(event, users, login, client, set_now):
    """A nominee serving since 05/09/1989 has served 11119 days on 14/02/2020."""
    set_now(datetime(2020, 2, 1, 9, 0, tzinfo=VN))
    login(users["unit_a"])
    base = "/events/doi-thoai-2020/nominations"
    created = client.post_form(f"{base}/new", dossier_form(**{"period-0-start": "1989-09-05"}),
                               page=f"{base}/new")
    assert created.status_code == 302, created.get_data(as_text=True)[:2000]
    page = client.get(created.headers["Location"]).get_data(as_text=True)
    assert "11.119 ngày công tác Đội" in page
    assert "11119" not in page


def test_pages_write_a_thousand_delegates_with_a_dot(event, users, login, client):
    bulk_attendees(event, 1234)
    db.session.commit()
    login(users["organizer"])
    board = client.get(BOARD).get_data(as_text=True)
    assert '<span id="b-expected">1.234</span>' in board
    assert '<span id="b-arrived">617</span>' in board
    registrations = client.get("/events/doi-thoai-2020/registration/").get_data(as_text=True)
    assert re.search(r'<strong id="total">1\.234</strong>\s*đại biểu', registrations)


@pytest.mark.browser
def test_the_live_board_keeps_the_dots_when_it_redraws(event, users, live_server, page,
                                                      artifacts):
    bulk_attendees(event, 1234, arrived_every=1)
    db.session.commit()
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}{BOARD}")
    # The first poll replaces every figure the server wrote with the script's own.
    expect(page.locator("#b-updated")).to_contain_text("cập nhật")
    expect(page.locator("#b-expected")).to_have_text("1.234")
    expect(page.locator("#b-arrived")).to_have_text("1.234")
    cells = page.locator("#b-categories tbody tr").first.locator("td").all_text_contents()
    assert all(re.fullmatch(r"\d{1,3}(\.\d{3})*", c) for c in cells[1:]), cells
    page.screenshot(path=str(artifacts / "numbers-board-1280.png"))
