"""The organizer's dashboard: deadlines due with the units behind, work waiting, sessions
running with arrivals, the year view, and a unit across events (on time / late / missing)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from eventapp.events.requests import ask
from eventapp.extensions import db

SLUG = "doi-thoai-2020"
HOME = "/dashboard/"
#: Ten days before the question deadline (00:00 05/02/2020 in Vietnam).
BEFORE = datetime(2020, 1, 25, 3, 0, tzinfo=UTC)


def _send_questions(client, headers, event, count: int, first: int = 1):
    for i in range(first, first + count):
        response = client.post(f"/api/v1/events/{SLUG}/questions", headers=headers, json={
            "topic": event.topics[0].name, "content": f"Câu hỏi số {i} về công tác Đội?"})
        assert response.status_code == 201, response.get_json()


def _section(html: str, section_id: str) -> str:
    match = re.search(rf'id="{section_id}".*?</section>', html, re.S)
    assert match, section_id
    return match.group(0)


def test_home_is_the_dashboard_and_keeps_the_events_list(client, users, login, event):
    login(users["organizer"])
    home = client.get("/")
    assert home.status_code == 302 and home.headers["Location"].endswith(HOME)
    page = client.get(HOME).get_data(as_text=True)
    assert "Bảng điều hành" in page and 'href="/events/"' in page
    assert client.get("/events/").status_code == 200


def test_due_deadline_shows_the_units_behind_and_waiting_work(
        app, client, users, login, event, set_now, token_for):
    set_now(BEFORE)
    a, b = token_for(users["unit_a"]), token_for(users["unit_b"])
    _send_questions(client, a, event, 15)  # Ba Tri meets its minimum of 15
    _send_questions(client, b, event, 3)   # Bình Đại is behind (3/15)
    ask(event, users["unit_b"].unit, "questions", "Chưa họp xong.", None, users["unit_b"])
    db.session.commit()
    login(users["organizer"])
    page = client.get(HOME).get_data(as_text=True)
    due = _section(page, "han-sap-toi")
    # Questions and dossiers close on 05/02 (within 14 days); registration on 10/02 too.
    questions = re.search(r'data-deadline="doi-thoai-2020:questions".*?</li>', due, re.S)
    assert questions, due
    questions = questions.group(0)
    units = len(event.participations)
    assert f"{units - 1}/{units} đơn vị chưa gửi đủ" in questions
    assert "Huyện đoàn Bình Đại" in questions and "Huyện đoàn Ba Tri" not in questions
    assert "Hạn 00:00 05/02/2020" in questions
    assert f'href="/events/{SLUG}/questions/board"' in questions
    # Dossiers: only the district unions file them (9 of the 17 units).
    dossiers = re.search(r'data-deadline="doi-thoai-2020:nominations".*?</li>', due, re.S)
    assert "9/9 đơn vị chưa gửi đủ" in dossiers.group(0)

    waiting = _section(page, "viec-cho-xu-ly")
    assert re.search(r"Câu hỏi chờ duyệt</a><span[^>]*>18<", waiting), waiting
    assert re.search(r"Đơn xin gia hạn chờ trả lời</a><span[^>]*>1<", waiting), waiting


def test_no_deadline_is_due_after_they_passed(client, users, login, event, set_now):
    set_now(datetime(2020, 3, 1, tzinfo=UTC))
    login(users["organizer"])
    due = _section(client.get(HOME).get_data(as_text=True), "han-sap-toi")
    assert "Không có hạn chót nào trong 14 ngày tới." in due


def test_dossiers_waiting_for_review_are_counted(client, users, login, event, set_now):
    from tests.nominations.helpers import dossier_form

    set_now(BEFORE)
    unit = login(users["unit_a"])
    base = f"/events/{SLUG}/nominations"
    created = unit.post_form(f"{base}/new", dossier_form(), page=f"{base}/new")
    nomination = re.search(r"/nominations/(\d+)", created.headers["Location"]).group(1)
    sent = unit.post_form(f"{base}/{nomination}/submit", page=f"{base}/{nomination}")
    assert sent.status_code == 302
    organizer = login(users["organizer"], client.application.test_client())
    waiting = _section(organizer.get(HOME).get_data(as_text=True), "viec-cho-xu-ly")
    assert re.search(r"Hồ sơ vinh danh chờ xét</a><span[^>]*>1<", waiting), waiting


def test_running_session_shows_live_arrivals(client, users, login, event, set_now, token_for):
    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))
    headers = token_for(users["unit_a"])
    codes = []
    for name in ("Nguyễn Văn An", "Trần Thị Bình"):
        response = client.post(f"/api/v1/events/{SLUG}/attendees", headers=headers, json={
            "full_name": name, "position": "Giáo viên", "category": "tpt-doi",
            "sessions": ["doi-thoai"], "phone": "", "email": ""})
        assert response.status_code == 201, response.get_json()
        codes.append(response.get_json()["code"])
    set_now(datetime(2020, 2, 14, 1, 30, tzinfo=UTC))  # 08:30 in Bến Tre: session 1 running
    scanned = client.post(f"/api/v1/events/{SLUG}/checkin", headers=token_for(users["checkin"]),
                          json={"code": codes[0], "session": "doi-thoai"})
    assert scanned.get_json()["result"] == "checked_in"
    login(users["organizer"])
    running = _section(client.get(HOME).get_data(as_text=True), "phien-dang-dien-ra")
    assert 'data-session="doi-thoai-2020:doi-thoai"' in running
    assert "doi-thoai-2020:so-ket" not in running
    assert "<strong>1/2</strong> đã đến / dự kiến" in running


def test_year_view_puts_events_in_their_month(client, users, login, event, set_now):
    set_now(datetime(2026, 11, 30, tzinfo=UTC))
    login(users["organizer"])
    page = client.get(f"{HOME}?year=2020").get_data(as_text=True)
    february = re.search(r'data-month="2".*?</div>\s*</div>', page, re.S).group(0)
    assert f'href="/events/{SLUG}/"' in february
    january = re.search(r'data-month="1".*?</div>\s*</div>', page, re.S).group(0)
    assert SLUG not in january
    this_year = client.get(HOME).get_data(as_text=True)
    assert "Sự kiện năm 2026" in this_year and f'href="{HOME}?year=2020"' in this_year
    assert client.get(f"{HOME}?year=abc").status_code == 200  # ignored, this year shown


def test_a_unit_across_events_on_time_late_and_missing(app, client, users, login, event,
                                                       set_now, token_for):
    from eventapp.events.services import grant_extension

    set_now(BEFORE)
    a, b = token_for(users["unit_a"]), token_for(users["unit_b"])
    _send_questions(client, a, event, 15)
    _send_questions(client, b, event, 3)
    grant_extension(event, users["unit_b"].unit, "questions", datetime(2020, 2, 7, tzinfo=UTC),
                    "Họp muộn", users["organizer"])
    db.session.commit()
    set_now(datetime(2020, 2, 6, 3, 0, tzinfo=UTC))  # after 05/02, within Bình Đại's extension
    _send_questions(client, b, event, 12, first=4)
    login(users["organizer"])

    def line(unit_id: int, kind: str) -> str:
        page = client.get(f"/dashboard/units/{unit_id}").get_data(as_text=True)
        found = re.search(rf'data-line="{SLUG}:{kind}".*?</tr>', page, re.S)
        return found.group(0) if found else ""

    assert "Đúng hạn" in line(users["unit_a"].unit_id, "questions")
    late = line(users["unit_b"].unit_id, "questions")
    assert "Trễ hạn" in late and "15/15 câu hỏi" in late and "Gia hạn đến" in late
    assert "Không gửi" in line(users["unit_a"].unit_id, "nominations")  # none sent by 05/02
    assert "Chưa gửi, còn hạn" in line(users["unit_a"].unit_id, "registration")  # until 10/02
    school = users["school"].unit_id
    assert line(school, "nominations") == ""  # schools do not file dossiers
    assert "Không gửi" in line(school, "questions")
    listing = client.get("/dashboard/units").get_data(as_text=True)
    row = re.search(r'data-unit="BINHDAI".*?</tr>', listing, re.S).group(0)
    # Đúng hạn, Trễ hạn, Chưa gửi còn hạn, Không gửi: late questions, open registration,
    # missing dossiers.
    assert re.findall(r'text-end">(\d+)<', row) == ["0", "1", "1", "1"]
    assert client.get("/dashboard/units/999999").status_code == 404


def test_the_count_and_the_window_agree_on_who_is_done(app, users, event, set_now, token_for,
                                                       client):
    """"Units behind" counts (no instants); a unit's history numbers its items (a window):
    the two give every unit the same answer, and the window's instant is the 15th question."""
    from eventapp.events import progress

    set_now(BEFORE)
    _send_questions(client, token_for(users["unit_a"]), event, 15)
    _send_questions(client, token_for(users["unit_b"]), event, 14)
    for kind in ("questions", "registration", "nominations"):
        counted = progress.deliveries(event, kind, instants=False)
        numbered = progress.deliveries(event, kind)
        assert {u: d.done for u, d in counted.items()} == {u: d.done for u, d in numbered.items()}
        assert {u: d.status for u, d in counted.items()} == {
            u: d.status for u, d in numbered.items()}
    numbered = progress.deliveries(event, "questions")
    assert numbered[users["unit_a"].unit_id].sent_at == BEFORE
    assert not numbered[users["unit_b"].unit_id].done
    assert numbered[users["unit_b"].unit_id].status == "14/15 câu hỏi"
