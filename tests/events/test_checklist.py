"""The first-run checklist on the organizer's event overview (issue #17 item 9): the pure
rules, table-driven; a fresh event shows every step not done, each with a page that
answers; done step by step it folds to "Đã sẵn sàng"; and what the live demo lacks."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from eventapp.accounts.services import create_user
from eventapp.demo.live import LIVE_SLUG
from eventapp.events import checklist
from eventapp.events.checklist import Facts
from eventapp.events.models import EventSession
from eventapp.extensions import db
from eventapp.questions import settings as question_settings
from eventapp.registration import services as registration_services
from eventapp.registration import settings as registration_settings
from eventapp.units.services import save_unit
from tests.conftest import PASSWORD, browser_login

READY = Facts(units=2, question_minimum=15, sessions=1)
KEYS = ["units", "accounts", "quotas", "print", "sent"]


@pytest.mark.parametrize("facts, not_done", [
    (Facts(), {"units", "accounts", "quotas", "sent"}),  # nothing yet; printing has no gaps
    (READY, set()),
    (Facts(units=2, without_account=("Đoàn xã A",), question_minimum=15, sessions=1),
     {"accounts", "sent"}),  # no account: none was sent either
    (Facts(units=2, not_sent=("Đoàn xã A",), question_minimum=15, sessions=1), {"sent"}),
    (Facts(units=2, missing_deadlines=("hạn “gửi câu hỏi”",), question_minimum=15,
           sessions=1), {"quotas"}),
    (Facts(units=2, question_minimum=0, sessions=1), {"quotas"}),
    (Facts(units=2, question_minimum=15, sessions=0), {"quotas"}),
    (Facts(units=2, question_minimum=15, sessions=2,
           sessions_without_capacity=((7, "Sơ kết"),)), {"quotas"}),
    (Facts(units=2, question_minimum=15, sessions=1, print_missing=("số giấy mời",)),
     {"print"}),
])
def test_what_is_done(facts, not_done):
    found = checklist.steps(facts)
    assert [s.key for s in found] == KEYS
    assert {s.key for s in found if not s.done} == not_done
    assert checklist.is_ready(found) == (not not_done)


@pytest.mark.parametrize("facts, endpoint, args", [
    (Facts(units=1, question_minimum=0, sessions=0), "events.edit", {}),
    (Facts(units=1, question_minimum=5, sessions=0), "events.session_form", {}),
    (Facts(units=1, question_minimum=5, sessions=1, sessions_without_capacity=((7, "A"),)),
     "events.session_form", {"session_id": 7}),
])
def test_the_quotas_step_links_to_the_page_that_sets_what_is_missing(facts, endpoint, args):
    quotas = checklist.steps(facts)[2]
    assert (quotas.endpoint, quotas.args) == (endpoint, args)


def test_the_details_name_what_is_missing():
    found = {s.key: s for s in checklist.steps(Facts(
        units=5, not_sent=("A", "B", "C", "D", "E"), question_minimum=0, sessions=1,
        sessions_without_capacity=((1, "Đối thoại"),), print_missing=("địa danh",)))}
    assert found["sent"].detail.endswith("A, B, C và 2 đơn vị khác.")
    assert "số câu hỏi tối thiểu mỗi đơn vị" in found["quotas"].detail
    assert "sức chứa của phiên “Đối thoại”" in found["quotas"].detail
    assert found["print"].detail == "Còn trống: địa danh."


def _steps(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-step="(\w+)" data-done="(\w+)"', page))


def _card(page: str) -> str:
    return page.split('id="checklist"')[1].split("</details>")[0]


def test_a_fresh_event_walks_its_checklist_to_ready(client, make_user, login):
    organizer = make_user("btc@test.vn", "organizer")
    login(organizer)
    response = client.post_form("/events/new", {
        "slug": "so-ket-2021", "title": "Hội nghị sơ kết học kỳ I năm học 2020 – 2021",
        "question_min_per_unit": "0", "serving_min_years": "30", "retired_min_years": "25",
        "title_window_years": "1", "discipline_window_years": "5",
        "nomination_unit_kinds": ["district"], "topics": "Công tác Đội"}, page="/events/new")
    assert response.status_code == 302
    url = "/events/so-ket-2021/"
    page = client.get(url).get_data(as_text=True)
    assert "Việc cần làm để bắt đầu" in page and "Còn 5/5 việc" in page
    assert _steps(page) == dict.fromkeys(KEYS, "no")
    card = _card(page)
    assert card.startswith(" open")  # unfolded while something is left
    for href in re.findall(r'href="([^"]+)">Làm ngay', card):
        assert client.get(href).status_code == 200, href
    assert "Chưa có đơn vị nào" in card and "ít nhất một phiên" in card
    # Every deadline is asked for while no unit takes part.
    assert "hạn “gửi hồ sơ vinh danh”" in card

    from eventapp.events.services import get_event
    event = get_event("so-ket-2021")
    save_unit(event, None, "THPT-A", "Đoàn trường THPT A", "high_school", organizer)
    save_unit(event, None, "THPT-B", "Đoàn trường THPT B", "high_school", organizer)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _steps(page)["units"] == "yes" and _steps(page)["accounts"] == "no"
    # High schools send no dossiers here (district kind only): that deadline is not asked.
    assert "hạn “gửi hồ sơ vinh danh”" not in _card(page)
    assert "hạn “gửi câu hỏi”" in _card(page)

    with client.application.test_request_context():  # the mailed link is an absolute URL
        create_user("thpta@test.vn", "unit", None, unit_code="THPT-A", send_link=True,
                    actor=organizer)
    typed = create_user("thptb@test.vn", "unit", PASSWORD, unit_code="THPT-B")
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _steps(page)["accounts"] == "yes" and _steps(page)["sent"] == "no"
    assert "chưa đăng nhập: Đoàn trường THPT B." in _card(page)  # A was mailed its link

    question_settings.store(event, datetime(2021, 1, 10, tzinfo=UTC), 10, None)
    registration_settings.store_deadline(event, datetime(2021, 1, 12, tzinfo=UTC))
    db.session.add(EventSession(event_id=event.id, key="so-ket", name="Hội nghị sơ kết",
                                starts_at=datetime(2021, 1, 20, 6, 30, tzinfo=UTC)))
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert _steps(page)["quotas"] == "no"
    assert "sức chứa của phiên “Hội nghị sơ kết”" in _card(page)
    event.sessions[0].capacity = 150
    registration_services.save_settings(event, {
        "issuer_parent": "ĐOÀN TNCS HỒ CHÍ MINH", "issuer": "BCH TỈNH ĐOÀN", "number":
        "15-GM/TĐTN", "place": "Bến Tre", "issued_on": date(2021, 1, 5), "inviter":
        "Ban Thường vụ Tỉnh đoàn trân trọng kính mời", "signer_capacity": "TM. BAN THƯỜNG VỤ",
        "signer_title": "BÍ THƯ", "signer_name": "Nguyễn Văn A", "short_title": "Sơ kết",
        "note": ""}, organizer)
    db.session.commit()
    page = client.get(url).get_data(as_text=True)
    assert {k for k, v in _steps(page).items() if v == "no"} == {"sent"}

    login(typed, client.application.test_client())  # B's secretary logs in once
    page = client.get(url).get_data(as_text=True)
    assert _steps(page) == dict.fromkeys(KEYS, "yes")
    assert "Đã sẵn sàng" in page and "Làm ngay" not in page
    assert not _card(page).startswith(" open")  # folded to its one line


def test_a_childs_account_may_be_its_parents(client, make_user, login):
    """A pioneer brigade whose commune union has the account: covered (the parent acts)."""
    organizer = make_user("btc@test.vn", "organizer")
    login(organizer)
    from eventapp.events.services import create_event

    event = create_event("lien-doi", {"title": "Hội thi"}, None, organizer)
    save_unit(event, None, "XA-A", "Đoàn xã A", "commune", organizer)
    save_unit(event, None, "LD-A", "Liên đội A", "pioneer_brigade", organizer, parent="XA-A")
    db.session.commit()
    page = client.get("/events/lien-doi/").get_data(as_text=True)
    assert "Chưa có tài khoản: Liên đội A, Đoàn xã A." in page
    make_user("xaa@test.vn", "unit", "XA-A")
    page = client.get("/events/lien-doi/").get_data(as_text=True)
    assert _steps(page)["accounts"] == "yes"


def test_the_live_demo_lacks_only_sent_accounts(app, runner, client, login):
    """The demo's accounts are made by the command with a typed password (never mailed):
    that step stays to do until each unit logs in; the rest are done, the letters' number
    and signer included (the demo fills them as an organizer would)."""
    result = runner.invoke(args=["demo", "--live", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    login(SimpleNamespace(email="batri@demo.vn"))  # one unit has logged in
    organizer = app.test_client()
    login(SimpleNamespace(email="bantochuc@demo.vn"), organizer)
    page = organizer.get(f"/events/{LIVE_SLUG}/").get_data(as_text=True)
    assert _steps(page) == {"units": "yes", "accounts": "yes", "quotas": "yes",
                            "print": "yes", "sent": "no"}
    card = _card(page)
    assert "Còn trống" not in card
    assert "Huyện đoàn Ba Tri" not in card  # it logged in: its account reached it
    assert "Huyện đoàn Bình Đại" in card
    letters = organizer.get(f"/events/{LIVE_SLUG}/registration/invitations").get_data(
        as_text=True)
    assert "68-GM/TĐTN-BTG" in letters and "Trần Minh Khôi" in letters
    assert "Chưa điền" not in letters


def test_units_see_no_checklist(client, users, login):
    login(users["unit_a"])
    assert "Việc cần làm để bắt đầu" not in client.get("/events/doi-thoai-2020/").get_data(
        as_text=True)


@pytest.mark.browser
def test_the_checklist_on_a_desk_and_a_phone(live_server, page, users, artifacts):
    """A fresh event's card at 1280 and 360 px: every step readable, its button on screen."""
    from eventapp.events.services import create_event

    create_event("moi", {"title": "Sự kiện mới"}, None, users["organizer"])
    db.session.commit()
    browser_login(page, live_server, users["organizer"])
    for width in (1280, 360):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server}/events/moi/")
        card = page.locator("#checklist")
        assert card.locator("li[data-done=no]").count() == 5
        page.screenshot(path=str(artifacts / f"checklist-fresh-{width}.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for button in card.get_by_role("link", name="Làm ngay").all():
        box = button.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 360
