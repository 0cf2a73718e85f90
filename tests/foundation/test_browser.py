"""Chromium: an organizer and a unit log in and see the seed's event in Vietnamese."""

import pytest

from tests.conftest import browser_login

pytestmark = pytest.mark.browser


def test_organizer_and_unit_pages(live_server, page, users, artifacts):
    browser_login(page, live_server, users["organizer"])
    page.click("text=Chương trình đối thoại giữa Bí thư Tỉnh ủy")
    page.wait_for_load_state("networkidle")
    body = page.inner_text("body")
    assert "Môi trường làm việc của cán bộ Đoàn – Đội trường học" in body
    assert "Hội trường lớn Ủy ban nhân dân tỉnh Bến Tre" in body
    assert "08:00 14/02/2020" in body
    page.screenshot(path=str(artifacts / "foundation-organizer-overview.png"), full_page=True)

    page.click("text=Đăng xuất")
    browser_login(page, live_server, users["unit_a"])
    body = page.inner_text("body")
    assert "Huyện đoàn Ba Tri" in body
    assert "Đã hết hạn lúc 00:00 05/02/2020" in body
    page.screenshot(path=str(artifacts / "foundation-unit-home.png"), full_page=True)
