"""Deadlines with a controllable clock: one second before is accepted, at the deadline is
refused; an extension moves the deadline for one unit only, and that unit sees it."""

from __future__ import annotations

from datetime import timedelta

from eventapp.events.services import grant_extension
from eventapp.questions import services

from .conftest import API, BASE, DEADLINE


def body(text: str) -> dict:
    return {"topic": "1", "content": text}


def test_boundary_one_second_before_and_at_the_deadline(client, users, event, token_for,
                                                        set_now):
    headers = token_for(users["unit_a"])
    set_now(DEADLINE - timedelta(seconds=1))
    assert client.post(API, json=body("Gửi lúc 23:59:59"), headers=headers).status_code == 201
    set_now(DEADLINE)
    late = client.post(API, json=body("Gửi lúc 00:00:00"), headers=headers)
    assert late.status_code == 403 and late.json["error"] == "deadline_passed"
    assert services.unit_count(event, users["unit_a"].unit_id) == 1


def test_boundary_on_the_page_form(client, login, users, event, set_now):
    login(users["unit_a"])
    url = f"{BASE}unit/BATRI/add"
    data = {"topic": event.topics[0].id, "content": "Câu hỏi trên trang"}
    set_now(DEADLINE - timedelta(seconds=1))
    assert client.post_form(url, data, page=BASE).status_code == 302
    set_now(DEADLINE)
    refused = client.post_form(url, {**data, "content": "Câu hỏi muộn"}, page=BASE)
    assert refused.status_code == 403
    assert "Đã hết hạn lúc 00:00 05/02/2020" in refused.get_data(as_text=True)
    assert services.unit_count(event, users["unit_a"].unit_id) == 1


def test_extension_for_one_unit_only(client, login, users, event, token_for, set_now):
    grant_extension(event, users["unit_a"].unit, "questions", DEADLINE + timedelta(days=2),
                    "Huyện đoàn tổ chức lấy ý kiến ở cơ sở muộn do lũ", users["organizer"])
    set_now(DEADLINE + timedelta(days=1))
    assert client.post(API, json=body("Ba Tri được gia hạn"),
                       headers=token_for(users["unit_a"])).status_code == 201
    refused = client.post(API, json=body("Bình Đại không được gia hạn"),
                          headers=token_for(users["unit_b"]))
    assert refused.status_code == 403
    assert refused.json["deadline"] == "2020-02-04T17:00:00+00:00"  # the event's own
    login(users["unit_a"])
    page = client.get(BASE).get_data(as_text=True)
    assert "Hạn gửi của đơn vị: <strong id=\"unit-deadline\">00:00 07/02/2020" in page
    assert "Đơn vị được gia hạn đến 00:00 07/02/2020 — lý do: Huyện đoàn tổ chức" in page
    home = client.get("/events/doi-thoai-2020/").get_data(as_text=True)
    assert "Hạn gửi của đơn vị: 00:00 07/02/2020" in home
    set_now(DEADLINE + timedelta(days=2))  # the extension's own boundary
    assert client.post(API, json=body("Hết gia hạn"),
                       headers=token_for(users["unit_a"])).status_code == 403


def test_board_and_summary_show_each_units_effective_deadline(client, login, users, event,
                                                             token_for):
    grant_extension(event, users["unit_a"].unit, "questions", DEADLINE + timedelta(days=2),
                    "Lý do", users["organizer"])
    units = {u["unit"]: u for u in client.get(f"{API}/summary",
                                             headers=token_for(users["organizer"])).json["units"]}
    assert units["BATRI"]["deadline"] == "2020-02-06T17:00:00+00:00"
    assert units["BATRI"]["extended"] is True
    assert units["BINHDAI"]["deadline"] == "2020-02-04T17:00:00+00:00"
    login(users["organizer"])
    board = client.get(BASE).get_data(as_text=True)
    assert "00:00 07/02/2020 <span class=\"badge text-bg-info\"" in board
