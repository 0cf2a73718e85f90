"""Chromium: a unit submits (one question, then several pasted), an organizer checks the
board, moderates, merges a suggested duplicate, orders and presents; screenshots go to
tests/artifacts."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from eventapp.extensions import db
from eventapp.questions import moderation, services
from tests.conftest import browser_login

pytestmark = pytest.mark.browser

PATH = "/events/doi-thoai-2020/questions/"


def test_unit_submits_and_organizer_moderates_merges_and_presents(
        live_server, page, users, event, open_clock, artifacts):
    # --- the unit ---------------------------------------------------------------------------
    browser_login(page, live_server, users["unit_a"])
    page.goto(live_server + PATH)
    expect(page.locator("#progress-text")).to_have_text("0/15 câu hỏi — còn thiếu 15")
    expect(page.locator("#unit-deadline")).to_have_text("00:00 05/02/2020")
    page.select_option("#add-form select[name=topic]",
                       label="Chế độ, chính sách đối với giáo viên Tổng phụ trách Đội")
    page.fill("#add-form textarea[name=content]",
              "Đề nghị tỉnh tăng phụ cấp cho giáo viên Tổng phụ trách Đội?")
    expect(page.locator("[data-counter-for=content]")).to_have_text("59")
    page.fill("#add-form input[name=asker_name]", "Nguyễn Thị Lan")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#add-form button[type=submit]")
    expect(page.locator(".alert-success")).to_contain_text("1/15 câu hỏi — còn thiếu 14")
    page.click("#tab-paste-btn")
    page.select_option("#paste-form select[name=topic]", label="Giáo dục khởi nghiệp cho học sinh")
    page.fill("#paste-form textarea[name=text]",
              "1. Đề nghị thành lập quỹ hỗ trợ ý tưởng khởi nghiệp của học sinh THPT\n"
              "2. Kiến nghị mời doanh nghiệp đồng hành với các cuộc thi khởi nghiệp")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#paste-form button[type=submit]")
    expect(page.locator("#progress-text")).to_have_text("3/15 câu hỏi — còn thiếu 12")
    page.screenshot(path=str(artifacts / "questions-unit.png"), full_page=True)

    # another unit sends the same concern without diacritics
    services.submit(event, services.unit_by_code(event, "BINHDAI"), [services.draft_or_invalid(
        event, content="De nghi tinh tang phu cap cho giao vien Tong phu trach Doi",
        topic="2")], user=users["organizer"])
    db.session.commit()  # as the organizer's request would

    # --- the organizer ----------------------------------------------------------------------
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Đăng xuất")
    browser_login(page, live_server, users["organizer"])
    page.goto(live_server + PATH)
    expect(page.locator("tr[data-unit=BATRI]")).to_contain_text("Thiếu 12")
    expect(page.locator("tr[data-unit=CHOLACH]")).to_have_class(re.compile("table-danger"))
    page.wait_for_function("document.getElementById('topic-chart').width > 0")
    page.screenshot(path=str(artifacts / "questions-board.png"), full_page=True)

    with page.expect_navigation(wait_until="networkidle"):
        page.click(".questions-subnav >> text=Kiểm duyệt")
    first = services.list_questions(event, users["unit_a"].unit_id, None)[0]
    duplicate = services.list_questions(event, users["unit_b"].unit_id, None)[0]
    box = page.locator(f"[data-similar-for='{duplicate.id}']")
    expect(box).to_contain_text(f"#{first.id}")
    page.screenshot(path=str(artifacts / "questions-moderation.png"), full_page=True)
    box.locator(f"button:text-is('Gộp vào #{first.id}')").click()
    # in place (questions-moderate.js): the message on the merged row, the target redrawn
    expect(page.locator(f"#q-{duplicate.id} .row-message")).to_contain_text(
        f"Đã gộp câu #{duplicate.id}")
    row = page.locator(f"#q-{first.id}")
    expect(row).to_contain_text("Huyện đoàn Bình Đại")  # both units now ask it
    row.locator("button:text-is('Chọn')").click()
    # The row is redrawn when the server has answered: wait for it, or the next navigation
    # would cancel a post still in flight on a loaded machine.
    expect(page.locator(f"#q-{first.id} [data-status]")).to_have_text("Được chọn")
    for q in services.list_questions(event, users["unit_a"].unit_id, None)[1:]:
        page.locator(f"#q-{q.id} button:text-is('Chọn')").click()
        expect(page.locator(f"#q-{q.id} [data-status]")).to_have_text("Được chọn")

    page.goto(f"{live_server}{PATH}{first.id}")
    page.fill("#wording-form textarea[name=reading_text]",
              "Đồng chí Bí thư cho biết lộ trình tăng phụ cấp cho Tổng phụ trách Đội?")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#wording-form button[type=submit]")
    expect(page.locator("#original")).to_have_text(
        "Đề nghị tỉnh tăng phụ cấp cho giáo viên Tổng phụ trách Đội?")
    expect(page.locator("#merged-list")).to_contain_text("De nghi tinh tang phu cap")
    page.screenshot(path=str(artifacts / "questions-detail.png"), full_page=True)

    with page.expect_navigation(wait_until="networkidle"):
        page.click(".questions-subnav >> text=Thứ tự đối thoại")
    last = page.locator("#order-list li").last
    with page.expect_navigation(wait_until="networkidle"):
        last.locator("button[title=Lên]").click()
    with page.expect_navigation(wait_until="networkidle"):
        page.click(".questions-subnav >> text=Thứ tự đối thoại")
    page.screenshot(path=str(artifacts / "questions-order.png"), full_page=True)
    db.session.rollback()  # read what the server committed, not this thread's old snapshot
    before = [q.id for q in moderation.selected(event)]
    items = page.locator("#order-list li")
    items.nth(2).drag_to(items.nth(1))  # drag and drop, saved by questions-order.js
    expect(page.locator("#order-status")).to_have_text("Đã lưu thứ tự.")
    db.session.rollback()
    assert [q.id for q in moderation.selected(event)] == [before[0], before[2], before[1]]

    with page.expect_navigation(wait_until="networkidle"):
        page.click(".questions-subnav >> text=Điều hành đối thoại")
    expect(page.locator("#stage-number")).to_have_text("Câu 1/3")
    expect(page.locator("#stage-text")).to_contain_text("lộ trình tăng phụ cấp")
    expect(page.locator("#stage-units")).to_contain_text("Huyện đoàn Bình Đại")
    screen = page.context.new_page()
    screen.goto(f"{live_server}{PATH}dialogue/screen")
    expect(screen.locator("#p-text")).to_contain_text("lộ trình tăng phụ cấp")
    page.fill("#answer-form textarea[name=answer]",
              "Tỉnh giao Sở Nội vụ phối hợp Sở GD&ĐT đề xuất mức hỗ trợ trong quý II.")
    page.fill("#answer-form input[name=followup_agency]", "Sở Nội vụ")
    page.fill("#answer-form input[name=followup_due]", "2020-06-30")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#answer-form button[type=submit]")
    expect(page.locator("#answered-badge")).to_be_visible()
    page.wait_for_load_state("load")  # the key handler is attached once the script has run
    page.evaluate("document.activeElement && document.activeElement.blur()")
    with page.expect_navigation(wait_until="networkidle"):
        page.keyboard.press("ArrowRight")
    expect(page.locator("#stage-number")).to_have_text("Câu 2/3")
    expect(screen.locator("#p-number")).to_have_text("Câu hỏi 2/3", timeout=8000)
    page.screenshot(path=str(artifacts / "questions-dialogue.png"), full_page=True)
    screen.screenshot(path=str(artifacts / "questions-screen.png"))

    with page.expect_navigation(wait_until="networkidle"):
        page.click(".questions-subnav >> text=Theo dõi sau đối thoại")
    expect(page.locator("#followups")).to_contain_text("Sở Nội vụ")
    expect(page.locator("#followups")).to_contain_text("30/06/2020")
    page.screenshot(path=str(artifacts / "questions-followups.png"), full_page=True)
