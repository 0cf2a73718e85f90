"""Empty lists say what to do next (issue #17 item 8): every list page, opened on a fresh
event, shows its empty state (macro ``empty_state``) with the next step, and the step's link
opens for the viewer (200); a viewer whose role the step's page refuses gets no link."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import expect

from eventapp.events.services import import_event
from eventapp.extensions import db
from tests.conftest import browser_login, demo_definition

# Before every deadline of the demo event: the units' forms are open.
BEFORE_DEADLINES = datetime(2020, 1, 10, 3, 0, tzinfo=UTC)
EMPTY_STATE = re.compile(
    r'class="empty-state[^"]*">(?:<td colspan="\d+">)?<span class="text-body-secondary">'
    r'([^<]*)</span>(?: <a class="[^"]*empty-action" href="([^"]*)">([^<]*)</a>)?')


def empty_states(page: str) -> list[tuple[str, str | None, str | None]]:
    """(text, link, label) of each empty state on ``page``."""
    return [(html.unescape(text), html.unescape(link) if link else None, label or None)
            for text, link, label in EMPTY_STATE.findall(page)]


def check_page(client, path: str, text: str, label: str | None) -> None:
    """``path`` shows the empty state ``text``; its step ``label`` (None: no step) opens."""
    response = client.get(path)
    assert response.status_code == 200, path
    page = response.get_data(as_text=True)
    found = {t: (link, lab) for t, link, lab in empty_states(page)}
    assert text in found, (path, found)
    link, shown = found[text]
    assert shown == label, (path, found[text])
    if label is None:
        return
    if link.startswith("#"):  # a form further down the same page
        assert f'id="{link[1:]}"' in page, (path, link)
    else:
        assert client.get(link, follow_redirects=True).status_code == 200, (path, link)


@pytest.fixture
def fresh(event, users, set_now):
    """The demo event as imported: no question, delegate, dossier, message or check-in."""
    set_now(BEFORE_DEADLINES)
    return event


UNIT_PAGES = [
    ("/events/{slug}/questions/unit/BATRI", "Chưa có câu hỏi nào.", "Gửi câu hỏi đầu tiên"),
    ("/events/{slug}/registration/", "Chưa có đại biểu nào.", "Thêm đại biểu đầu tiên"),
    ("/events/{slug}/registration/?q=kh%C3%B4ng+ai", "Không có đại biểu nào theo bộ lọc.",
     "Bỏ lọc"),
    ("/events/{slug}/nominations/", "Đơn vị chưa lập hồ sơ nào.", "Lập hồ sơ đầu tiên"),
    ("/inbox/", "Chưa có thư nào. Thông báo và nhắc việc của Ban tổ chức sẽ hiện ở đây.",
     "Về trang chính"),
]

ORGANIZER_PAGES = [
    ("/events/{slug}/questions/moderate", "Chưa có đơn vị nào gửi câu hỏi.", "Nhắc các đơn vị"),
    ("/events/{slug}/questions/moderate?status=selected", "Không có câu hỏi nào khớp bộ lọc.",
     "Bỏ lọc"),
    ("/events/{slug}/questions/order", "Chưa chọn câu hỏi nào.",
     "Chọn câu hỏi ở trang Kiểm duyệt"),
    ("/events/{slug}/questions/dialogue", "Chưa có câu hỏi nào được chọn cho buổi đối thoại.",
     "Chọn câu hỏi ở trang Kiểm duyệt"),
    ("/events/{slug}/questions/followups", "Không có nội dung nào cần theo dõi ở mục này; nội "
     "dung cần theo dõi được ghi khi điều hành đối thoại.", "Điều hành đối thoại"),
    ("/events/{slug}/nominations/", "Chưa có đơn vị nào gửi hồ sơ.", "Nhắc các đơn vị"),
    ("/events/{slug}/nominations/honorees", "Chưa có ai được duyệt vinh danh.", "Xét hồ sơ"),
    ("/events/{slug}/registration/", "Chưa có đại biểu nào.", "Thêm đại biểu đầu tiên"),
    ("/checkin/{slug}/log", "Chưa có lượt check-in nào ở phiên này.", "Mở máy quét"),
    ("/checkin/{slug}/failed", "Chưa có lượt quét lỗi nào ở phiên này.", "Về bảng theo dõi"),
    ("/events/{slug}/messages", "Chưa có thư nào được gửi.", "Gửi thông báo"),
    ("/events/{slug}/messages?status=failed", "Không có thư nào khớp bộ lọc.", "Bỏ lọc"),
    ("/events/{slug}/extensions", "Chưa có đơn xin gia hạn nào; đơn vị gửi đơn từ trang của "
     "đơn vị, đơn sẽ hiện ở đây.", None),
    ("/audit/?q=kh%C3%B4ng+c%C3%B3+g%C3%AC", "Không có thay đổi nào khớp bộ lọc.", "Bỏ lọc"),
]


@pytest.mark.parametrize("path, text, label", UNIT_PAGES)
def test_a_units_empty_lists_say_what_to_do(fresh, users, login, client, path, text, label):
    login(users["unit_a"])
    check_page(client, path.format(slug=fresh.slug), text, label)


@pytest.mark.parametrize("path, text, label", ORGANIZER_PAGES)
def test_the_organizers_empty_lists_say_what_to_do(fresh, users, login, client, path, text,
                                                   label):
    login(users["organizer"])
    check_page(client, path.format(slug=fresh.slug), text, label)


def test_after_the_deadline_a_unit_is_told_why_it_cannot_add(fresh, users, login, client,
                                                             set_now):
    set_now(datetime(2020, 3, 1, tzinfo=UTC))
    login(users["unit_a"])
    check_page(client, f"/events/{fresh.slug}/registration/",
               "Chưa có đại biểu nào; đã hết hạn đăng ký.", None)


def test_an_event_without_units_asks_for_units(app, make_user, login, client):
    definition = dict(demo_definition(), slug="chua-co-don-vi", units=[])
    for key in ("questions", "registration", "nominations"):
        definition[key] = {k: v for k, v in definition[key].items()
                           if k not in ("caps", "quotas")}
    event = import_event(definition)
    db.session.commit()
    login(make_user("btc@test.vn", "organizer"))
    for path in (f"/events/{event.slug}/units/", f"/events/{event.slug}/questions/board"):
        text = "Chưa có đơn vị nào tham gia sự kiện."
        label = "Thêm đơn vị đầu tiên" if path.endswith("/units/") else "Thêm đơn vị"
        check_page(client, path, text, label)


def test_with_no_event_only_the_organizer_is_offered_to_create_one(app, make_user, login,
                                                                    client):
    organizer = make_user("btc@test.vn", "organizer")
    staff = make_user("cua1@test.vn", "checkin")
    login(organizer)
    check_page(client, "/events/", "Chưa có sự kiện nào.", "Tạo sự kiện đầu tiên")
    check_page(client, "/checkin/", "Chưa có sự kiện nào.", "Tạo sự kiện")
    check_page(client, "/dashboard/units", "Chưa có đơn vị nào; đơn vị được thêm trong từng "
               "sự kiện.", "Mở danh sách sự kiện")
    client.post_form("/logout", {}, page="/checkin/")
    login(staff)
    check_page(client, "/checkin/", "Chưa có sự kiện nào.", None)


SHOTS = [("unit_a", "/events/{slug}/questions/unit/BATRI", "Gửi câu hỏi đầu tiên"),
         ("unit_a", "/events/{slug}/registration/", "Thêm đại biểu đầu tiên"),
         ("unit_a", "/events/{slug}/nominations/", "Lập hồ sơ đầu tiên"),
         ("organizer", "/events/{slug}/questions/moderate", "Nhắc các đơn vị"),
         ("organizer", "/checkin/{slug}/log", "Mở máy quét")]


@pytest.mark.browser
def test_empty_states_on_a_desk_and_on_a_phone(fresh, users, live_server, page, artifacts):
    """Each step is a button on screen at 1280 and 360 px, the page no wider than the phone."""
    for who, path, label in SHOTS:
        page.context.clear_cookies()
        browser_login(page, live_server, users[who])
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 800})
            page.goto(live_server + path.format(slug=fresh.slug))
            step = page.locator(".empty-state .empty-action")
            expect(step).to_have_text(label)
            step.scroll_into_view_if_needed()
            box = step.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (path, width, box)
            if who == "unit_a" and width == 360:
                assert page.evaluate("document.documentElement.scrollWidth") <= 360, path
            name = path.format(slug="e").strip("/").replace("/", "-")
            page.screenshot(path=str(artifacts / f"empty-{who}-{name}-{width}.png"),
                            full_page=True)
