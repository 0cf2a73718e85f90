"""Chromium: the organizer previews a reminder rule (who receives it now, the text one unit
reads), saves it, adds the default rules in one click and follows the outbox; a unit account
sees the bell's count, opens its inbox and a message, and the count goes down."""

import pytest

from eventapp.database import unit_of_work
from eventapp.messages import outbox
from eventapp.messages.models import Channel
from tests.conftest import browser_login
from tests.helpers import fill_form

pytestmark = pytest.mark.browser


def test_organizer_previews_saves_and_follows_reminders(live_server, page, users, artifacts):
    browser_login(page, live_server, users["organizer"])
    page.goto(f"{live_server}/events/doi-thoai-2020/")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Thông báo")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Nhắc việc")
    fill_form(page, {"#deadline": "questions", "#offset_days": "-3",
                     "#audience": "below_question_minimum",
                     "#subject": "Nhắc gửi câu hỏi — {don_vi}",
                     "#body": "Đơn vị đã gửi {da_gui}/{toi_thieu}, còn thiếu {con_thieu} câu.\n"
                              "Hạn chót: {han_chot}."}, submit="text=Xem trước")
    preview = page.inner_text("#preview")
    assert "lúc này nhóm có 17 đơn vị, 3 đơn vị có người nhận" in preview
    assert "Đơn vị đã gửi 0/15, còn thiếu 15 câu." in preview
    assert "Hạn chót: 05/02/2020 00:00." in preview
    page.screenshot(path=str(artifacts / "messages-rule-preview.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Lưu quy tắc")
    assert "Đã thêm quy tắc nhắc việc." in page.inner_text("body")
    fill_form(page, {"#offset_days": "-1", "#subject": "Nhắc", "#body": "Thiếu {so_cau}"},
              submit="text=Lưu quy tắc")
    assert "Biến {so_cau} không tồn tại" in page.inner_text("#rule-form")
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Thêm các nhắc việc mặc định")
    # The rule saved above is one of the six proposed: it is not added twice.
    assert "Đã thêm 5 quy tắc nhắc việc mặc định." in page.inner_text("body")
    assert page.locator("#rules tbody tr").count() == 6
    page.screenshot(path=str(artifacts / "messages-rules.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Gửi thông báo")
    fill_form(page, {"#audience": "all_units", "#subject": "Họp trực tuyến",
                     "#body": "Kính gửi {don_vi}"}, submit="#notice-form button.btn-primary")
    assert "Đã đưa 6 thư vào hộp thư đi." in page.inner_text("body")
    assert page.locator("#messages tbody tr").count() == 6
    page.screenshot(path=str(artifacts / "messages-sent.png"), full_page=True)


def test_the_bell_and_the_inbox_in_a_browser(live_server, page, users, artifacts):
    for subject in ("Gia hạn nộp câu hỏi đến 10/03/2026", "Nhắc nộp danh sách đại biểu"):
        with unit_of_work():
            outbox.enqueue([outbox.for_user(users["unit_a"])], subject=subject,
                           body=f"{subject}.\nTrân trọng,\nBan Tổ chức", cause="manual",
                           channels=[Channel.inapp])
    browser_login(page, live_server, users["unit_a"])
    assert page.inner_text("#inbox-unread") == "2"
    assert page.get_attribute("#inbox-bell", "aria-label") == "Hộp thư: 2 thư chưa đọc"
    with page.expect_navigation(wait_until="networkidle"):
        page.click("#inbox-bell")
    assert page.locator("#inbox .unread").count() == 2
    page.screenshot(path=str(artifacts / "inbox-list.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=Gia hạn nộp câu hỏi đến 10/03/2026")
    assert "Trân trọng,\nBan Tổ chức" in page.inner_text(".message-body")
    assert page.inner_text("#inbox-unread") == "1"
    page.screenshot(path=str(artifacts / "inbox-message.png"), full_page=True)
    with page.expect_navigation(wait_until="networkidle"):
        page.click("text=← Hộp thư")
    assert page.locator("#inbox .unread").count() == 1
