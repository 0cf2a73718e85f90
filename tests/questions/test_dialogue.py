"""The live dialogue: console next/previous, the projector following it, marking answered,
recording the chair's answer and follow-up, and the follow-up list."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from eventapp.extensions import db
from eventapp.questions import moderation

from .conftest import BASE, DEADLINE


@pytest.fixture
def agenda(submit, users, event, set_now):
    org = users["organizer"]
    a = submit("BATRI", "Đề nghị tăng phụ cấp cho Tổng phụ trách Đội")
    b = submit("BINHDAI", "Kiến nghị tăng phụ cấp cho TPT Đội")
    c = submit("THPT-NDCHIEU", "Xin hỏi về quỹ khởi nghiệp cho học sinh")
    moderation.merge(b, a, user=org)
    moderation.set_status(c, "selected", user=org)
    moderation.set_status(a, "selected", user=org)
    moderation.set_wording(event, a, topic_id=None, user=org,
                           reading_text="Lộ trình tăng phụ cấp cho Tổng phụ trách Đội?")
    set_now(DEADLINE + timedelta(days=9))  # the dialogue day, 14/02/2020
    return a, b, c


def test_console_moves_and_the_screen_follows(client, login, users, event, agenda):
    a, b, c = agenda
    login(users["organizer"])
    page = client.get(f"{BASE}dialogue").get_data(as_text=True)
    assert "Câu 1/2" in page and "Xin hỏi về quỹ khởi nghiệp cho học sinh" in page
    assert client.get(f"{BASE}dialogue/state.json").json["question"]["id"] == c.id
    response = client.post_form(f"{BASE}dialogue/present", {"target": "next"},
                                page=f"{BASE}dialogue")
    assert response.status_code == 302
    page = client.get(f"{BASE}dialogue").get_data(as_text=True)
    assert "Câu 2/2" in page and "Lộ trình tăng phụ cấp cho Tổng phụ trách Đội?" in page
    state = client.get(f"{BASE}dialogue/state.json").json
    assert state["question"]["id"] == a.id and state["total"] == 2
    assert state["question"]["text"] == "Lộ trình tăng phụ cấp cho Tổng phụ trách Đội?"
    assert state["question"]["units"] == ["Huyện đoàn Ba Tri", "Huyện đoàn Bình Đại"]
    screen = client.get(f"{BASE}dialogue/screen").get_data(as_text=True)
    assert "Câu hỏi 2/2" in screen and "Huyện đoàn Ba Tri · Huyện đoàn Bình Đại" in screen
    client.post_form(f"{BASE}dialogue/present", {"target": "next"}, page=f"{BASE}dialogue")
    assert client.get(f"{BASE}dialogue/state.json").json["question"]["id"] == a.id  # the end
    client.post_form(f"{BASE}dialogue/present", {"target": "prev"}, page=f"{BASE}dialogue")
    assert client.get(f"{BASE}dialogue/state.json").json["question"]["id"] == c.id
    client.post_form(f"{BASE}dialogue/present", {"target": str(a.id)}, page=f"{BASE}dialogue")
    assert client.get(f"{BASE}dialogue/state.json").json["question"]["id"] == a.id
    not_selected = client.post_form(f"{BASE}dialogue/present", {"target": str(b.id)},
                                    page=f"{BASE}dialogue")
    assert "không nằm trong danh sách đối thoại" in client.get(
        not_selected.location).get_data(as_text=True)


def test_mark_answered_and_record_the_answer(client, login, users, event, agenda):
    a, b, c = agenda
    login(users["organizer"])
    client.post_form(f"{BASE}{c.id}/answered", {"answered": "1"}, page=f"{BASE}dialogue")
    db.session.expire_all()
    assert c.answered_at == DEADLINE + timedelta(days=9)
    response = client.post_form(f"{BASE}{a.id}/answer", {
        "answer": "Tỉnh sẽ trình HĐND tỉnh mức hỗ trợ trong kỳ họp giữa năm.",
        "followup_agency": "Sở Giáo dục và Đào tạo", "followup_due": "2020-06-30",
        "answered": "y"}, page=f"{BASE}dialogue")
    assert response.status_code == 302
    db.session.expire_all()
    assert a.answer.startswith("Tỉnh sẽ trình HĐND") and a.followup_due == date(2020, 6, 30)
    assert a.followup_agency == "Sở Giáo dục và Đào tạo" and a.answered_at is not None
    client.post_form(f"{BASE}dialogue/present", {"target": str(a.id)}, page=f"{BASE}dialogue")
    bad = client.post_form(f"{BASE}{a.id}/answer", {"answer": "x", "followup_agency": "",
                                                   "followup_due": "2020-07-01"},
                           page=f"{BASE}dialogue")
    assert bad.status_code == 422
    assert "Ghi cơ quan được giao theo dõi" in bad.get_data(as_text=True)
    assert f'action="/events/doi-thoai-2020/questions/{a.id}/answer"' in bad.get_data(as_text=True)
    not_a_date = client.post_form(f"{BASE}{a.id}/answer", {"answer": "x",
                                                          "followup_due": "30/02/2020"},
                                  page=f"{BASE}dialogue")
    assert not_a_date.status_code == 422
    assert "Ngày không hợp lệ" in not_a_date.get_data(as_text=True)
    elsewhere = client.post_form(f"{BASE}{c.id}/answer", {"answer": "y", "followup_due": "x"},
                                 page=f"{BASE}dialogue")  # not the question on screen
    assert elsewhere.status_code == 302
    assert f"Câu #{c.id}: Ngày không hợp lệ" in client.get(elsewhere.location).get_data(
        as_text=True)
    db.session.expire_all()
    assert a.followup_agency == "Sở Giáo dục và Đào tạo" and a.answer.startswith("Tỉnh sẽ")


def test_units_see_the_answer_to_what_they_asked(client, login_as, users, event, agenda):
    from eventapp.questions import dialogue

    a, b, c = agenda
    dialogue.record_answer(a, answer="Sẽ điều chỉnh phụ cấp từ năm học tới.", agency="Sở Nội vụ",
                           due=date(2020, 9, 1), answered=True, user=users["organizer"])
    page = login_as(users["unit_b"]).get(f"{BASE}{b.id}").get_data(as_text=True)
    assert "Sẽ điều chỉnh phụ cấp từ năm học tới." in page and "Sở Nội vụ" in page
    assert "Đề nghị tăng phụ cấp cho Tổng phụ trách Đội" not in page  # not Ba Tri's words


def test_followup_list_open_and_done(client, login, users, event, agenda, set_now):
    from eventapp.questions import dialogue

    a, b, c = agenda
    org = users["organizer"]
    dialogue.record_answer(a, answer="Cam kết", agency="Sở Nội vụ", due=date(2020, 2, 20),
                           answered=True, user=org)
    dialogue.record_answer(c, answer="Cam kết", agency="Tỉnh đoàn", due=date(2020, 5, 1),
                           answered=True, user=org)
    login(org)
    page = client.get(f"{BASE}followups").get_data(as_text=True)
    assert "Sở Nội vụ" in page and "Tỉnh đoàn" in page
    assert page.index("Sở Nội vụ") < page.index("Tỉnh đoàn")  # earliest due date first
    set_now(DEADLINE + timedelta(days=30))  # 06/03/2020: the Nội vụ item is overdue
    login(org)  # a month later the first login has long expired
    page = client.get(f"{BASE}followups").get_data(as_text=True)
    assert f'<tr class="table-warning overdue" data-question="{a.id}">' in page
    client.post_form(f"{BASE}{a.id}/followup", {"done": "1"}, page=f"{BASE}followups")
    open_page = client.get(f"{BASE}followups?status=open").get_data(as_text=True)
    done_page = client.get(f"{BASE}followups?status=done").get_data(as_text=True)
    assert "Sở Nội vụ" not in open_page and "Tỉnh đoàn" in open_page
    assert "Sở Nội vụ" in done_page and "Đã hoàn thành" in done_page
    client.post_form(f"{BASE}{a.id}/followup", {"done": "0"}, page=f"{BASE}followups")
    assert "Sở Nội vụ" in client.get(f"{BASE}followups?status=open").get_data(as_text=True)


def test_empty_dialogue_explains_what_to_do(client, login, users, event):
    login(users["organizer"])
    page = client.get(f"{BASE}dialogue").get_data(as_text=True)
    assert "Chưa có câu hỏi nào được chọn" in page
    assert client.get(f"{BASE}dialogue/state.json").json == {"question": None, "total": 0}


def test_the_agenda_and_the_screen_give_a_question_one_number(client, login, users, event,
                                                              agenda):
    """The console's list (Danh sách đối thoại), its badge and the projector count alike."""
    a, b, c = agenda
    login(users["organizer"])
    client.post_form(f"{BASE}dialogue/present", {"target": str(a.id)}, page=f"{BASE}dialogue")
    page = client.get(f"{BASE}dialogue").get_data(as_text=True)
    listed = page[page.index('id="agenda"'):]
    assert listed.index("<strong>1.</strong>") < listed.index("Xin hỏi về quỹ khởi nghiệp")
    assert listed.index("<strong>2.</strong>") < listed.index("Lộ trình tăng phụ cấp")
    assert "Câu 2/2" in page
    assert client.get(f"{BASE}dialogue/state.json").json["question"]["number"] == 2
