"""Request bodies: a form or JSON body stops at ``MAX_BODY_WITHOUT_FILES`` (2 MB) with a 413
in Vietnamese before it is read; a body with files keeps ``MAX_CONTENT_LENGTH`` (32 MB).

Werkzeug decodes a URL-encoded form in pure Python (about 0.15 s per megabyte of ``%XX``),
so one 32 MB post to the login page used to hold a worker for seconds."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from urllib.parse import urlencode

import pytest

from eventapp.extensions import db
from eventapp.questions.models import Question

BIG = "Ắ" * 400_000  # 3.6 MB URL-encoded, 2.4 MB as JSON (\u1eae)


def test_a_huge_form_is_refused_unread_in_vietnamese(client):
    body = io.BytesIO(urlencode({"email": BIG, "password": "x"}).encode())
    response = client.post("/login", input_stream=body, content_length=len(body.getvalue()),
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "Tệp hoặc dữ liệu gửi lên quá lớn." in response.get_data(as_text=True)
    assert body.tell() == 0  # refused on its length: not a byte was read, nor decoded


@pytest.mark.parametrize("as_files", [False, True], ids=["form", "multipart-field"])
def test_a_logged_in_user_gets_the_message_not_a_server_error(client, users, login, as_files):
    """The error page reads the form again (the logout button's token): a refused body must
    not refuse it a second time. A multipart field over 500 KB is refused the same way."""
    login(users["unit_a"])
    data = {"full_name": BIG, "csrf_token": client.csrf_token("/account")}
    response = client.post("/account", data=data,
                           content_type="multipart/form-data" if as_files else None)
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "Tệp hoặc dữ liệu gửi lên quá lớn." in page and "Đăng xuất" in page


def test_a_huge_json_body_is_refused_with_json(client, users, token_for):
    response = client.post("/api/v1/events/doi-thoai-2020/questions",
                           headers=token_for(users["unit_a"]),
                           json={"topic": "x", "content": BIG})
    assert response.status_code == 413
    assert response.get_json()["error"] == "too_large"
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 0


def test_a_long_paste_of_questions_still_goes_through(client, users, login, event, set_now):
    """The limit is far above what an office types: a unit pasting its 15 questions of 1,000
    Vietnamese letters each (over 130 KB URL-encoded) has them all saved."""
    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))
    login(users["unit_a"])
    text = "\n\n".join(f"Câu hỏi số {i}: " + "Ắ" * 1000 for i in range(1, 16))
    page = "/events/doi-thoai-2020/questions/unit/BATRI"
    response = client.post_form(page + "/paste", {"topic": str(event.topics[0].id),
                                                  "text": text}, page=page)
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    assert db.session.scalar(db.select(db.func.count(Question.id))) == 15


def test_a_file_may_be_larger_than_a_form(client, users, login):
    login(users["organizer"])
    page = "/events/doi-thoai-2020/units/"
    big_file = io.BytesIO(b"PK" + b"0" * (3 * 1024 * 1024))
    response = client.post_form("/events/doi-thoai-2020/units/import",
                                {"file": (big_file, "don-vi.xlsx")}, page=page,
                                content_type="multipart/form-data")
    assert response.status_code != 413
