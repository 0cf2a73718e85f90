"""The hard cap holds under truly concurrent submissions (SQLite here, PostgreSQL when
TEST_DATABASE_URL is set): N requests against a cap of M < N give exactly M."""

from __future__ import annotations

import threading

import pytest

from eventapp.extensions import db
from eventapp.questions import services
from eventapp.questions import settings as question_settings
from tests.conftest import PASSWORD, run_concurrently

from .conftest import API, BASE

pytestmark = pytest.mark.concurrency

N, M = 12, 5


def test_api_submissions_never_exceed_the_cap(app, users, event, token_for, open_clock):
    question_settings.of(event).max_per_unit = M
    db.session.commit()
    headers = token_for(users["unit_a"])

    def send(i):
        client = app.test_client()
        response = client.post(API, json={"topic": "1", "content": f"Câu hỏi đồng thời số {i}"},
                               headers=headers)
        return response.status_code, response.get_json()

    results = run_concurrently(send, N)
    statuses = sorted(status for status, _ in results)
    assert statuses.count(201) == M and statuses.count(409) == N - M, statuses
    assert all(body["error"] == "quota_full" for status, body in results if status == 409)
    counts = sorted(body["unit_count"] for status, body in results if status == 201)
    assert counts == list(range(1, M + 1))  # each insert saw the others before it
    db.session.rollback()  # leave the test's old snapshot (SQLite WAL, PostgreSQL)
    assert services.unit_count(event, users["unit_a"].unit_id) == M


def test_pasted_batches_never_exceed_the_cap(app, users, event, open_clock):
    """Three people of the same unit paste 3 questions each at once, cap 5: one batch fits,
    the others would overflow and are refused whole."""
    question_settings.of(event).max_per_unit = M
    db.session.commit()
    topic = event.topics[0].id
    email = users["unit_a"].email
    ready = threading.Barrier(3)
    statuses: list[int] = []
    errors: list[Exception] = []

    def paste(i):
        # Log in inside the thread: requests in the test's own thread share its app
        # context (``g``), where Flask-Login and Flask-WTF cache the user and the token.
        try:
            client = app.test_client()
            client.post_form("/login", {"email": email, "password": PASSWORD})
            token = client.csrf_token(BASE)
            text = "\n".join(f"Lô {i} câu {k}" for k in range(3))
            ready.wait(timeout=30)
            statuses.append(client.post(f"{BASE}unit/BATRI/paste", data={
                "csrf_token": token, "topic": topic, "text": text}).status_code)
        except Exception as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=paste, args=(i,)) for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    assert sorted(statuses) == [302, 409, 409]
    db.session.rollback()  # leave the test's old snapshot (SQLite WAL, PostgreSQL)
    assert services.unit_count(event, users["unit_a"].unit_id) == 3
