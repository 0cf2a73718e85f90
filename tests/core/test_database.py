"""The one write path (eventapp/database.py): a writing request on SQLite waits for the
write lock instead of failing, contention is never reported as an outage, a refused request
commits nothing, and work outside the database follows the transaction's fate; also
``database.contains`` (the one substring match every search uses) and ``enum_column``."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from eventapp import create_app
from eventapp.accounts.models import Role, User
from eventapp.database import after_commit, after_rollback, contains, unit_of_work
from eventapp.errors import BUSY_MESSAGE, HTTP_MESSAGES
from eventapp.extensions import db
from eventapp.questions.models import Question
from eventapp.units.models import Unit
from tests.conftest import TEST_DATABASE_URL, CsrfClient, base_config

BEFORE_DEADLINE = datetime(2020, 2, 1, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
BASE = "/events/doi-thoai-2020/questions/"
sqlite_only = pytest.mark.skipif(bool(TEST_DATABASE_URL), reason="SQLite's single writer")


@pytest.fixture
def question(app, event, users, set_now):
    from eventapp.questions import services

    set_now(BEFORE_DEADLINE)
    draft = services.draft_or_invalid(event, content="Đề xuất tăng định mức tiết dạy?",
                                      topic=event.topics[0].id, topic_is_id=True)
    created = services.submit(event, users["unit_a"].unit, [draft], user=users["unit_a"])
    db.session.commit()
    return created.questions[0].id


def _hold_write_lock(app) -> sqlite3.Connection:
    """Another process's writer: BEGIN IMMEDIATE and a write, not yet committed."""
    path = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database
    other = sqlite3.connect(path, isolation_level=None, timeout=5)
    other.execute("BEGIN IMMEDIATE")
    other.execute("UPDATE unit SET name = name")
    return other


def _withdraw_in_thread(app, login, users, question_id, outcome: dict) -> threading.Thread:
    client = app.test_client()
    login(users["unit_a"], client)
    token = client.csrf_token(BASE)

    def withdraw():
        outcome["response"] = client.post(f"{BASE}{question_id}/withdraw",
                                          data={"csrf_token": token})

    return threading.Thread(target=withdraw)


@sqlite_only
def test_a_writing_request_waits_for_another_writer_instead_of_failing(app, login, users,
                                                                       question):
    outcome: dict = {}
    thread = _withdraw_in_thread(app, login, users, question, outcome)
    other = _hold_write_lock(app)
    asking = threading.Event()

    def note_begin(conn, cursor, statement, *args):
        if statement == "BEGIN IMMEDIATE":
            asking.set()

    sa.event.listen(db.engine, "before_cursor_execute", note_begin)
    try:
        thread.start()
        # The request asks for the write lock while the other writer holds it; only then
        # does the other writer commit, so the request has to wait for it.
        assert asking.wait(timeout=30), "the request never asked for the write lock"
        assert thread.is_alive()
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note_begin)
    other.execute("COMMIT")
    other.close()
    thread.join(timeout=30)
    assert outcome["response"].status_code == 302
    db.session.rollback()
    assert db.session.get(Question, question).status == "withdrawn"


@sqlite_only
def test_contention_past_the_busy_timeout_is_busy_not_an_outage(app, login, users, question,
                                                                 tmp_path):
    impatient = create_app({**base_config(tmp_path / "other",
                                           app.config["SQLALCHEMY_DATABASE_URI"]),
                            "SQLITE_BUSY_TIMEOUT_MS": 200, "NOW": BEFORE_DEADLINE})
    impatient.test_client_class = CsrfClient
    outcome: dict = {}
    with impatient.app_context():
        thread = _withdraw_in_thread(impatient, login, users, question, outcome)
    other = _hold_write_lock(app)
    started = time.monotonic()
    try:
        thread.start()
        thread.join(timeout=30)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert time.monotonic() - started < 10  # the configured timeout, not 30 s
    response = outcome["response"]
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert BUSY_MESSAGE in page and HTTP_MESSAGES[503] not in page
    db.session.rollback()
    assert db.session.get(Question, question).status == "submitted"


def test_a_refused_request_commits_nothing_it_flushed(app, client, login, users, question):
    """The organizer merges a question into itself: the service refuses after locking; the
    view shows the refusal (a redirect, not an error status) and nothing is saved."""
    login(users["organizer"])
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Question))
    response = client.post_form(f"{BASE}{question}/merge", {"target": question},
                                page=f"{BASE}{question}")
    assert response.status_code in (302, 200)
    db.session.rollback()
    assert db.session.get(Question, question).status == "submitted"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Question)) == before


def test_unit_of_work_commits_or_rolls_back_with_the_side_effects(app, event):
    done: list[str] = []
    with unit_of_work():
        event.theme = "Chủ đề đã sửa"
        after_commit(db.session, lambda: done.append("commit"))
        after_rollback(db.session, lambda: done.append("rollback"))
    assert done == ["commit"]
    with pytest.raises(RuntimeError), unit_of_work():
        event.theme = "Không được lưu"
        after_commit(db.session, lambda: done.append("commit 2"))
        after_rollback(db.session, lambda: done.append("rollback 2"))
        raise RuntimeError("refused")
    assert done == ["commit", "rollback 2"]
    db.session.expire_all()
    assert event.theme == "Chủ đề đã sửa"


@pytest.mark.parametrize(("typed", "found"), [
    ("50%", ["DOAN_50%"]),
    ("_5", ["DOAN_50%"]),
    ("\\", ["A\\B"]),
    ("/", ["A/B"]),
    ("N_5", ["DOAN_50%"]),  # not DOANX50: "_" is not "any character"
    ("X50", ["DOANX50"]),
])
def test_wildcards_typed_by_a_user_are_literal(app, typed, found):
    with app.app_context():
        db.session.add_all(Unit(code=code, name=code) for code in
                           ("DOAN_50%", "DOANX50", "A\\B", "A/B"))
        db.session.flush()
        codes = db.session.scalars(sa.select(Unit.code).where(contains(Unit.code, typed))
                                   .order_by(Unit.code)).all()
        db.session.rollback()
    assert codes == found


def test_enum_columns_store_the_same_strings_and_read_back_members(app):
    with app.app_context():
        user = User(email="enum@example.org", password_hash="x", role=Role.checkin)
        db.session.add(user)
        db.session.flush()
        stored = db.session.execute(sa.text(
            "SELECT role FROM user_account WHERE email = 'enum@example.org'"))
        assert stored.scalar_one() == "checkin"  # the string the column always held
        db.session.execute(sa.text(
            "UPDATE user_account SET role = 'organizer' WHERE email = 'enum@example.org'"))
        db.session.expire_all()
        again = db.session.scalar(sa.select(User).where(User.email == "enum@example.org"))
        assert again.role is Role.organizer and again.role.label == "Ban tổ chức"
        assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(
            User.role == "organizer", User.email == "enum@example.org")) == 1  # strings compare
        db.session.rollback()
