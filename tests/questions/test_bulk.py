"""Moderation at the scale of hundreds: bulk select / reject / change topic (skip and
report), row actions that answer a script with the fresh row, and without a script come
back to the row (``#q-<id>``); the bulk API; races (SQLite here, PostgreSQL when
TEST_DATABASE_URL is set)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from eventapp.audit.models import AuditEntry
from eventapp.errors import Invalid
from eventapp.extensions import db
from eventapp.questions import bulk, moderation, rules, services
from eventapp.questions.models import Question
from tests.conftest import PASSWORD, run_concurrently

from .conftest import API, BASE, topic_id

S = rules.S


@pytest.mark.parametrize(("current", "action", "verdict"), [
    ("submitted", "select", "changed"), ("rejected", "select", "changed"),
    ("selected", "select", "unchanged"), ("selected", "reject", "changed"),
    ("rejected", "reject", "unchanged"), ("submitted", "topic", "changed"),
    ("merged", "select", "skipped"), ("withdrawn", "reject", "skipped"),
    ("withdrawn", "topic", "skipped"), ("merged", "topic", "skipped"),
])
def test_bulk_verdict(current, action, verdict):
    found, why = rules.bulk_verdict(current, action)
    assert found == verdict
    assert (why is not None) == (verdict == "skipped")


@pytest.fixture
def five(submit, users, event):
    """Five questions: two waiting, one selected, one merged into the first, one withdrawn."""
    qs = [submit("BATRI", f"Câu hỏi số {i} về chế độ cho giáo viên") for i in range(5)]
    organizer = users["organizer"]
    moderation.set_status(qs[2], "selected", user=organizer)
    moderation.merge(qs[3], qs[0], user=organizer)
    services.withdraw(event, qs[4], user=organizer)
    db.session.commit()
    return qs


def test_bulk_select_skips_and_reports(event, users, five):
    results = bulk.apply(event, [q.id for q in five], "select", user=users["organizer"])
    by_id = {r.id: r for r in results}
    a, b, c, d, e = five
    assert [by_id[q.id].result for q in five] == [
        "changed", "changed", "unchanged", "skipped", "skipped"]
    assert "tách ra" in by_id[d.id].message and "rút" in by_id[e.id].message
    # the newly selected follow the one already chosen, in the list's order
    assert [q.id for q in moderation.selected(event)] == [c.id, a.id, b.id]
    summary = bulk.summary(results)
    assert summary.startswith("Đã cập nhật 2 câu hỏi; 1 câu đã ở trạng thái đó.")
    assert f"Bỏ qua 2 câu: #{d.id}" in summary
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
        AuditEntry.action == "question.status")) == 1 + 2


def test_bulk_refuses_bad_input_whole(event, users, five):
    organizer = users["organizer"]
    with pytest.raises(Invalid) as error:
        bulk.apply(event, [five[0].id, 999_999], "reject", user=organizer)
    assert "#999999" in error.value.fields["ids"]
    with pytest.raises(Invalid) as error:
        bulk.apply(event, [five[0].id], "topic", topic_id=None, user=organizer)
    assert error.value.fields == {"topic": "Vui lòng chọn chủ đề."}
    for ids, action in [([], "select"), (["abc"], "select"), ([five[0].id], "delete")]:
        with pytest.raises(Invalid):
            bulk.apply(event, ids, action, user=organizer)
    db.session.rollback()
    assert db.session.get(Question, five[0].id).status == "submitted"


def test_bulk_topic_change(event, users, five):
    new = topic_id(event, 3)
    results = bulk.apply(event, [five[0].id, five[1].id, five[4].id], "topic", topic_id=new,
                         user=users["organizer"])
    assert [r.result for r in results] == ["changed", "changed", "skipped"]
    assert db.session.get(Question, five[0].id).topic_id == new
    assert db.session.get(Question, five[0].id).status == "submitted"  # status kept


# --- Pages --------------------------------------------------------------------------------

def test_row_button_without_script_returns_to_the_row(client, login, users, five):
    login(users["organizer"])
    q = five[1]
    here = f"{BASE}moderate?status=active&per=200"
    response = client.post_form(f"{BASE}{q.id}/status", {"status": "rejected", "next": here},
                                page=here)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"moderate?status=active&per=200#q-{q.id}")
    page = client.get(here).get_data(as_text=True)
    assert f'id="q-{q.id}"' not in page  # rejected: no longer in the "active" filter
    assert f"Câu hỏi #{q.id}: không chọn." in page


def test_bulk_bar_without_script(client, login, users, five):
    login(users["organizer"])
    here = f"{BASE}moderate"
    token = client.csrf_token(here)
    response = client.post(f"{BASE}moderate/bulk", data={
        "csrf_token": token, "ids": [five[0].id, five[1].id, five[4].id], "action": "reject",
        "topic": "", "next": here})
    assert response.status_code == 302 and response.headers["Location"] == here
    page = client.get(here).get_data(as_text=True)
    assert "Đã cập nhật 2 câu hỏi. Bỏ qua 1 câu" in page
    assert "Đã chọn 0 câu" in page and "Chọn tất cả (đang lọc)" in page
    refused = client.post(f"{BASE}moderate/bulk", data={
        "csrf_token": token, "ids": [five[0].id], "action": "topic", "topic": ""})
    assert refused.status_code == 302
    assert "Vui lòng chọn chủ đề." in client.get(here).get_data(as_text=True)


def test_row_action_from_the_script_answers_the_fresh_row(client, login, users, five):
    login(users["organizer"])
    token = client.csrf_token(f"{BASE}moderate")
    q = five[1]
    response = client.post(f"{BASE}{q.id}/status", json={"status": "selected"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)
    body = response.get_json()
    assert body["message"] == f"Câu hỏi #{q.id}: được chọn."
    row = body["rows"][str(q.id)]
    assert f'id="q-{q.id}"' in row and 'data-status="selected"' in row
    # the same click from a page that was not reloaded: refused, the row as saved
    stale = client.post(f"{BASE}{q.id}/status", json={"status": "selected"},
                        headers={"X-CSRFToken": token})
    assert stale.status_code == 409 and "tải lại trang" in stale.get_json()["message"]
    assert 'data-status="selected"' in stale.get_json()["rows"][str(q.id)]
    # nothing was flashed for a later page
    assert "được chọn." not in client.get(f"{BASE}moderate").get_data(as_text=True)


def test_bulk_from_the_script(client, login, users, event, five):
    login(users["organizer"])
    token = client.csrf_token(f"{BASE}moderate")
    ids = [q.id for q in five]
    response = client.post(f"{BASE}moderate/bulk", json={"ids": ids, "action": "reject"},
                           headers={"X-CSRFToken": token})
    assert response.status_code == 200
    body = response.get_json()
    assert [r["result"] for r in body["results"]] == [
        "changed", "changed", "changed", "skipped", "skipped"]
    assert set(body["rows"]) == {str(i) for i in ids}
    bad = client.post(f"{BASE}moderate/bulk", json={"ids": ids, "action": "topic",
                                                     "topic": 10**6},
                      headers={"X-CSRFToken": token})
    assert bad.status_code == 422 and bad.get_json()["fields"]["topic"]
    no_token = client.post(f"{BASE}moderate/bulk", json={"ids": ids, "action": "select"})
    assert no_token.status_code == 400


def test_api_bulk(client, users, event, token_for, five):
    ids = [q.id for q in five]
    response = client.post(f"{API}/moderation", json={"ids": ids, "action": "select"},
                           headers=token_for(users["organizer"]))
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert [(r["id"], r["result"]) for r in results][:3] == [
        (ids[0], "changed"), (ids[1], "changed"), (ids[2], "unchanged")]
    assert results[4]["status"] == "withdrawn" and results[4]["message"]
    assert client.post(f"{API}/moderation", json={"ids": ids, "action": "select"},
                       headers=token_for(users["unit_a"])).status_code == 403
    bad = client.post(f"{API}/moderation", json={"ids": [ids[0], 987654], "action": "reject"},
                      headers=token_for(users["organizer"]))
    assert bad.status_code == 422 and "#987654" in bad.get_json()["fields"]["ids"]
    db.session.rollback()
    assert db.session.get(Question, ids[0]).status == "selected"  # the 422 changed nothing


# --- Races --------------------------------------------------------------------------------

def _organizer_client(app, users):
    client = app.test_client()
    client.post_form("/login", {"email": users["organizer"].email, "password": PASSWORD})
    return client, client.csrf_token(f"{BASE}moderate")


@pytest.mark.concurrency
def test_two_organizers_click_choose_at_once(app, users, event, five):
    """Six stale pages click "Chọn" on the same question at once: one wins, five get 409."""
    q, first = five[1].id, five[2].id  # read here: the threads have no app context
    clients = [_organizer_client(app, users) for _ in range(6)]
    results = run_concurrently(lambda i: clients[i][0].post(
        f"{BASE}{q}/status", json={"status": "selected"},
        headers={"X-CSRFToken": clients[i][1]}).status_code, 6)
    assert sorted(results) == [200] + [409] * 5
    db.session.rollback()
    assert [s.id for s in moderation.selected(event)] == [first, q]


@pytest.mark.concurrency
def test_overlapping_bulk_actions_at_once(app, users, event, submit):
    """Bulk select and bulk reject over overlapping lists at once: both answer (no deadlock,
    the rows are locked in one order), and each question ends in one of the two states."""
    qs = [submit("BINHDAI", f"Câu hỏi đồng thời {i}") for i in range(40)]
    db.session.commit()
    lists = [[q.id for q in qs[:30]], [q.id for q in reversed(qs[10:])]]
    actions = ["select", "reject"]
    clients = [_organizer_client(app, users) for _ in range(2)]
    results = run_concurrently(lambda i: clients[i][0].post(
        f"{BASE}moderate/bulk", json={"ids": lists[i], "action": actions[i]},
        headers={"X-CSRFToken": clients[i][1]}), 2)
    assert [r.status_code for r in results] == [200, 200]
    db.session.rollback()
    status = {q.id: db.session.get(Question, q.id).status for q in qs}
    assert all(status[q.id] == "selected" for q in qs[:10])
    assert all(status[q.id] == "rejected" for q in qs[30:])
    overlap = {status[q.id] for q in qs[10:30]}
    assert len(overlap) == 1  # one request ran wholly after the other
    positions = [q.position for q in moderation.selected(event)]
    assert positions == sorted(set(positions))
