"""Chromium: the organizer opens a fresh event's print settings, finds them filled in from
the event, watches the preview follow what is typed (letter and badge), saves, and prints a
letter whose "← Quay lại" shows on screen and not on paper. Screenshots at 1280 and 360 px and
the printed letter rendered to PNG are kept in tests/artifacts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import browser_login
from tests.core.test_pages_on_phones import FIT

pytestmark = pytest.mark.browser

SETTINGS = "/events/doi-thoai-2020/registration/settings"

#: The preview has been fitted again after the window became ``width`` wide: the frame lies
#: within the window and is as tall as its zoomed body (print-settings.js ``fit``).
REFITTED = """(width) => {
  const frame = document.getElementById('print-preview'), doc = frame.contentDocument;
  if (window.innerWidth !== width || !doc || !doc.body) return false;
  const box = frame.getBoundingClientRect();
  return box.right <= width && doc.body.style.zoom !== ''
    && frame.style.height === Math.ceil(doc.body.getBoundingClientRect().bottom) + 'px';
}"""


def test_settings_filled_in_with_a_live_preview(live_server, page, users, open_registration,
                                                add, artifacts):
    attendee = add(users["unit_a"], "Nguyễn Thị Ánh Tuyết")
    browser_login(page, live_server, users["organizer"])
    page.goto(live_server + SETTINGS)
    assert page.input_value("[name=place]") == "Bến Tre"
    assert page.input_value("[name=issued_on]") == "07/02/2020"
    preview = page.frame_locator("#print-preview")
    badge_band = preview.locator(".badge-event")
    expect(badge_band).to_have_text(
        "Đối thoại giữa Bí thư Tỉnh ủy và Giáo viên Tổng phụ trách Đội năm 2020")
    expect(preview.locator(".date-line")).to_have_text("Bến Tre, ngày 07 tháng 02 năm 2020")
    expect(preview.locator(".doc-number .gap")).to_have_text("Số: (chưa điền)")

    # The preview follows the typing, without saving.
    page.fill("[name=number]", "15-GM/TĐTN")
    page.fill("[name=signer_title]", "Phó Bí thư Thường trực")
    page.locator("[name=signer_name]").press_sequentially("Lâm Như Quỳnh", delay=20)
    page.fill("[name=short_title]", "Đối thoại Bí thư Tỉnh ủy 2020")
    expect(preview.locator(".signer-name")).to_have_text("Lâm Như Quỳnh")
    expect(preview.locator(".doc-number")).to_have_text("Số: 15-GM/TĐTN")
    expect(badge_band).to_have_text("Đối thoại Bí thư Tỉnh ủy 2020")
    # The badge is drawn at its printed size, scaled to the pane: it fits inside the frame.
    frame_box = page.locator("#print-preview").bounding_box()
    badge_box = preview.locator(".badge").bounding_box()
    assert badge_box["x"] + badge_box["width"] <= frame_box["x"] + frame_box["width"] + 1
    page.screenshot(path=str(artifacts / "print-settings-1280.png"), full_page=True)

    # On a phone the form and the preview stack and nothing scrolls sideways.
    page.set_viewport_size({"width": 360, "height": 780})
    page.wait_for_function(REFITTED, arg=360)
    assert page.evaluate(FIT) == []  # no sideways scroll, every field on screen
    frame_box = page.locator("#print-preview").bounding_box()
    assert frame_box["x"] + frame_box["width"] <= 360
    # The frame is as tall as the scaled preview, no taller.
    letter_box = preview.locator(".letter").bounding_box()
    assert abs(frame_box["y"] + frame_box["height"] - (letter_box["y"] + letter_box["height"])) < 30
    page.screenshot(path=str(artifacts / "print-settings-360.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    with page.expect_navigation(wait_until="networkidle"):
        page.click("button:has-text('Lưu')")
    assert "Đã lưu thông tin in" in page.inner_text("body")

    page.goto(f"{live_server}/events/doi-thoai-2020/registration/{attendee.id}/invitation")
    back = page.locator("a:text-is('← Quay lại')")
    expect(back).to_be_visible()
    assert "Chưa điền" not in page.inner_text("body")
    page.emulate_media(media="print")
    expect(back).to_be_hidden()
    letter = page.locator(".letter").inner_text()
    for text in ("Số: 15-GM/TĐTN", "Bến Tre, ngày 07 tháng 02 năm 2020", "LÂM NHƯ QUỲNH",
                 "PHÓ BÍ THƯ THƯỜNG TRỰC", "TỈNH ĐOÀN BẾN TRE"):
        assert text in letter.upper() if text.isupper() else text in letter, text
    page.screenshot(path=str(artifacts / "print-invitation-printed.png"), full_page=True)
    page.emulate_media(media="screen")
    with page.expect_navigation(wait_until="networkidle"):
        back.click()
    assert page.url.endswith(f"/registration/{attendee.id}/edit")
