"""A unit sees and changes only its own questions (another unit's are not found: 404);
organizer pages refuse units (403); check-in staff have no access to questions at all."""

from __future__ import annotations

import pytest

from eventapp.extensions import db

from .conftest import BASE


@pytest.fixture
def theirs(submit):
    return submit("BINHDAI", "Câu hỏi riêng của Bình Đại")


def test_unit_cannot_read_edit_or_withdraw_another_units_question(client, login, users,
                                                                  event, theirs):
    login(users["unit_a"])
    for url in (f"{BASE}{theirs.id}", f"{BASE}{theirs.id}/edit"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Câu hỏi riêng của Bình Đại" not in response.get_data(as_text=True)
    edit = client.post_form(f"{BASE}{theirs.id}/edit",
                            {"topic": event.topics[0].id, "content": "Bị sửa trộm"}, page=BASE)
    withdraw = client.post_form(f"{BASE}{theirs.id}/withdraw", {}, page=BASE)
    assert edit.status_code == withdraw.status_code == 404
    db.session.expire_all()
    assert (theirs.content, theirs.status) == ("Câu hỏi riêng của Bình Đại", "submitted")
    assert "Câu hỏi riêng của Bình Đại" not in client.get(BASE).get_data(as_text=True)


def test_unit_cannot_open_or_submit_for_another_units_page(client, login, users, event,
                                                          open_clock):
    login(users["unit_a"])
    assert client.get(f"{BASE}unit/BINHDAI").status_code == 404
    assert client.get(f"{BASE}unit/BINHDAI/export.xlsx").status_code == 404
    response = client.post_form(f"{BASE}unit/BINHDAI/add",
                                {"topic": event.topics[0].id, "content": "Gửi hộ trái phép"},
                                page=BASE)
    assert response.status_code == 404


@pytest.mark.parametrize("path", ["board", "board.xlsx", "export.xlsx", "moderate", "similar",
                                  "order", "dialogue", "dialogue/screen", "dialogue/state.json",
                                  "followups"])
def test_organizer_pages_refuse_units(client, login, users, event, path):
    login(users["unit_a"])
    assert client.get(f"{BASE}{path}").status_code == 403


def test_organizer_posts_refuse_units(client, login, users, event, theirs):
    login(users["unit_a"])
    for path, data in [(f"{theirs.id}/status", {"status": "selected"}),
                       (f"{theirs.id}/merge", {"target": theirs.id}),
                       (f"{theirs.id}/wording", {"reading_text": "x"}),
                       (f"{theirs.id}/answer", {"answer": "x"}),
                       ("dialogue/present", {"target": "next"})]:
        assert client.post_form(f"{BASE}{path}", data, page=BASE).status_code == 403, path
    db.session.expire_all()
    assert theirs.status == "submitted" and theirs.reading_text is None


def test_checkin_staff_and_strangers_are_refused(client, login, users, event, theirs):
    assert client.get(BASE).status_code == 302  # to the login page
    login(users["checkin"])
    assert client.get(BASE).status_code == 403
    assert client.get(f"{BASE}{theirs.id}").status_code == 403


def test_unit_of_another_event_is_refused(client, login, make_user, event):
    from eventapp.events.models import Event
    from eventapp.events.services import upsert_participation

    other = Event(slug="khac", title="Sự kiện khác")
    db.session.add(other)
    db.session.flush()
    upsert_participation(other, "NGOAI", "Đơn vị ngoài", "other")
    db.session.commit()
    login(make_user("ngoai@test.vn", "unit", "NGOAI"))
    assert client.get(BASE).status_code == 404
