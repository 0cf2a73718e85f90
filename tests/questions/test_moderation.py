"""Moderation: filters, statuses, merging (both texts and every unit kept), the wording
read aloud, the order of the dialogue, and duplicate suggestions on the pages."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.extensions import db
from eventapp.questions import moderation, services
from eventapp.questions import settings as question_settings
from eventapp.questions.models import Question

from .conftest import BASE

DUP_A = "Đề nghị tăng phụ cấp cho giáo viên Tổng phụ trách Đội"
DUP_B = "De nghi tang phu cap cho giao vien Tong phu trach Doi"
OTHER = "Đề nghị bố trí phòng Đội riêng tại các trường tiểu học"


@pytest.fixture
def three(submit):
    return (submit("BATRI", DUP_A, asker_name="Nguyễn Văn An"),
            submit("BINHDAI", DUP_B, topic=2),
            submit("THPT-NDCHIEU", OTHER, topic=4))


def post(client, path, data=None):
    return client.post_form(f"{BASE}{path}", data or {}, page=f"{BASE}moderate")


def test_filters_by_topic_unit_status_and_text(client, login, users, event, three):
    a, b, c = three
    moderation.set_status(c, "rejected", user=users["organizer"])
    login(users["organizer"])

    def ids(query):
        page = client.get(f"{BASE}moderate?{query}").get_data(as_text=True)
        return {q.id for q in three if f'id="q-{q.id}"' in page}

    assert ids("") == {a.id, b.id, c.id}
    assert ids(f"topic={event.topics[1].id}") == {b.id}
    assert ids(f"unit={a.unit_id}") == {a.id}
    assert ids("status=rejected") == {c.id}
    assert ids("status=active") == {a.id, b.id}
    assert ids("q=phòng đội") == {c.id}
    assert ids("q=PHU CAP") == {a.id, b.id}  # with or without diacritics
    assert ids(f"q=%23{b.id}") == {b.id}


def test_select_reject_and_reset(client, login, users, event, three):
    a, b, c = three
    login(users["organizer"])
    assert post(client, f"{a.id}/status", {"status": "selected"}).status_code == 302
    assert post(client, f"{c.id}/status", {"status": "selected"}).status_code == 302
    assert post(client, f"{b.id}/status", {"status": "rejected"}).status_code == 302
    db.session.expire_all()
    assert (a.status, a.position, c.position, b.status) == ("selected", 1, 2, "rejected")
    post(client, f"{a.id}/status", {"status": "submitted"})
    db.session.expire_all()
    assert (a.status, a.position) == ("submitted", None)
    bad = post(client, f"{a.id}/status", {"status": "withdrawn"})
    assert bad.status_code == 302
    db.session.expire_all()
    assert a.status == "submitted"
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id)).where(
        AuditEntry.action == "question.status")) == 4


def test_merge_keeps_both_texts_and_every_unit(client, login, users, event, three):
    a, b, _ = three
    login(users["organizer"])
    assert post(client, f"{b.id}/merge", {"target": a.id}).status_code == 302
    db.session.expire_all()
    assert (b.status, b.merged_into_id, b.content) == ("merged", a.id, DUP_B)
    assert a.content == DUP_A and a.status == "submitted"
    page = client.get(f"{BASE}{a.id}").get_data(as_text=True)
    assert "Huyện đoàn Ba Tri" in page and "Huyện đoàn Bình Đại" in page
    assert DUP_B in page  # the merged question's own text stays visible
    # both units keep their count
    assert services.unit_count(event, a.unit_id) == services.unit_count(event, b.unit_id) == 1


def test_merge_chains_are_flattened_and_unmerge_restores(client, login, users, event, three):
    a, b, c = three
    org = users["organizer"]
    moderation.merge(b, a, user=org)
    moderation.merge(a, c, user=org)  # a, with b inside, joins c
    db.session.expire_all()
    assert (a.merged_into_id, b.merged_into_id) == (c.id, c.id)
    merged = moderation.askers([c])[c.id]
    units = [u.code for u in moderation.asking_units(c, merged)]
    assert units == ["THPT-NDCHIEU", "BATRI", "BINHDAI"]
    moderation.unmerge(b, user=org)
    db.session.expire_all()
    assert (b.status, b.merged_into_id) == ("submitted", None)


def test_refused_merges_change_nothing(client, login, users, event, three, submit):
    a, b, _ = three
    login(users["organizer"])
    services.withdraw(event, submit("BATRI", "Câu sẽ rút"), user=users["unit_a"])
    withdrawn = db.session.scalar(sa.select(Question).where(Question.status == "withdrawn"))
    for source, target, message in [
            (a.id, a.id, "Không thể gộp một câu hỏi vào chính nó."),
            (a.id, withdrawn.id, "Chỉ gộp được vào câu hỏi đang chờ xử lý hoặc đã được chọn."),
            (a.id, 999999, "Không tìm thấy câu hỏi.")]:
        response = post(client, f"{source}/merge", {"target": target})
        assert response.status_code == 302
        assert message in client.get(response.location).get_data(as_text=True)
    db.session.expire_all()
    assert a.status == "submitted" and a.merged_into_id is None


def test_reading_wording_is_kept_apart_from_the_original(client, login, login_as, users,
                                                         event, three):
    a, _, _ = three
    login(users["organizer"])
    text = "Đồng chí Bí thư cho biết lộ trình tăng phụ cấp cho Tổng phụ trách Đội?"
    response = post(client, f"{a.id}/wording", {"reading_text": text,
                                                "topic": event.topics[1].id})
    assert response.status_code == 302
    db.session.expire_all()
    assert (a.reading_text, a.content, a.topic_id) == (text, DUP_A, event.topics[1].id)
    too_long = post(client, f"{a.id}/wording", {"reading_text": "x" * 2001,
                                                "topic": event.topics[1].id})
    assert too_long.status_code == 422
    db.session.expire_all()
    assert a.reading_text == text
    unit = login_as(users["unit_a"])  # the unit still sees its own words, not the edit
    page = unit.get(f"{BASE}{a.id}").get_data(as_text=True)
    assert DUP_A in page and text not in page


def test_order_of_selected_questions(client, login, users, event, three):
    a, b, c = three
    for q in (a, b, c):
        moderation.set_status(q, "selected", user=users["organizer"])
    login(users["organizer"])
    assert post(client, f"{c.id}/move", {"direction": "up"}).status_code == 302
    assert [q.id for q in moderation.selected(event)] == [a.id, c.id, b.id]
    token = client.csrf_token(f"{BASE}order")
    response = client.post(f"{BASE}order", json={"order": [b.id, a.id, c.id]},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200 and response.json == {"ok": True}
    assert [q.id for q in moderation.selected(event)] == [b.id, a.id, c.id]
    stale = client.post(f"{BASE}order", json={"order": [b.id, a.id]},
                        headers={"X-CSRFToken": token})
    assert stale.status_code == 409 and "tải lại trang" in stale.json["message"]
    assert client.post(f"{BASE}order", json={"order": [a.id, b.id, c.id]}).status_code == 400
    page = client.get(f"{BASE}order").get_data(as_text=True)
    assert page.index(f'id="q{b.id}"') < page.index(f'id="q{a.id}"') < page.index(f'id="q{c.id}"')


def test_duplicate_suggestions_let_the_organizer_merge_in_one_click(client, login, users,
                                                                     event, three):
    a, b, c = three
    login(users["organizer"])
    page = client.get(f"{BASE}moderate").get_data(as_text=True)
    assert f'data-similar-for="{a.id}"' in page and f'data-similar-for="{b.id}"' in page
    assert f'data-similar-for="{c.id}"' not in page
    similar = client.get(f"{BASE}similar").get_data(as_text=True)
    assert f'data-pair="{a.id}-{b.id}"' in similar and "Giống <strong>100%</strong>" in similar
    post(client, f"{b.id}/merge", {"target": a.id})
    page = client.get(f"{BASE}moderate").get_data(as_text=True)
    assert f'data-similar-for="{a.id}"' not in page  # nothing left to merge
    assert f'data-pair="{a.id}-{b.id}"' not in client.get(f"{BASE}similar").get_data(as_text=True)


def test_board_counts_in_one_query_whatever_the_number_of_units(app, event, submit):
    from eventapp.events.services import upsert_participation
    from eventapp.questions import board

    submit("BATRI", "Một câu")

    def statements():
        seen = []
        def listener(conn, cursor, statement, *args):
            if statement.lstrip().upper().startswith("SELECT"):
                seen.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", listener)
        try:
            rows = board.compliance(event)
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", listener)
        return rows, seen

    db.session.refresh(event)  # the event's own columns are loaded before counting,
    quotas = question_settings.of(event)  # and its settings (one row, whatever the units)
    rows, few = statements()
    assert len(rows) == 17 and len(few) == 1, few
    for i in range(40):
        upsert_participation(event, f"X{i}", f"Đơn vị {i}", "other")
    db.session.commit()
    db.session.refresh(event)
    db.session.refresh(quotas)
    rows, many = statements()
    assert len(rows) == 57 and len(many) == 1, many


def test_board_page_flags_short_units_and_sorts(client, login, users, event, submit):
    for i in range(15):
        submit("BATRI", f"Câu hỏi số {i}")
    for i in range(4):
        submit("BINHDAI", f"Câu hỏi số {i}")
    login(users["organizer"])
    page = client.get(BASE).get_data(as_text=True)
    assert 'data-unit="BATRI" data-count="15"' in page
    assert '<tr class="table-warning short" data-unit="BINHDAI" data-count="4">' in page
    assert '<tr class="table-danger short" data-unit="CHOLACH" data-count="0">' in page
    assert "Thiếu 11" in page and 'id="total-met">1<' in page and 'id="total-short">16<' in page
    by_count = client.get(f"{BASE}board?sort=count&dir=desc").get_data(as_text=True)
    assert by_count.index('data-unit="BATRI"') < by_count.index('data-unit="BINHDAI"') \
        < by_count.index('data-unit="CHOLACH"')
    only_short = client.get(f"{BASE}board?only=short").get_data(as_text=True)
    assert 'data-unit="BATRI"' not in only_short and 'data-unit="BINHDAI"' in only_short
    chart = page[page.index('id="topic-chart-data">'):]
    assert '"submitted": [19, 0, 0, 0, 0]' in chart
