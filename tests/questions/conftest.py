"""Helpers for the questions tests: the seed's question deadline, a clock before it, and
quick ways to put questions in the database through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

VN = ZoneInfo("Asia/Ho_Chi_Minh")
#: The seed's deadline: 00:00 05/02/2020 in Viet Nam.
DEADLINE = datetime(2020, 2, 5, 0, 0, tzinfo=VN)
BEFORE = DEADLINE - timedelta(days=3)
BASE = "/events/doi-thoai-2020/questions/"
API = "/api/v1/events/doi-thoai-2020/questions"


@pytest.fixture
def open_clock(set_now):
    """The server clock three days before the questions deadline."""
    set_now(BEFORE)
    return BEFORE


@pytest.fixture
def submit(app, event, users, open_clock):
    """``submit(code, content, topic=1)`` saves one question for unit ``code``."""
    from eventapp.questions import services

    def make(code: str, content: str, topic: int = 1, user=None, **extra):
        unit = services.unit_by_code(event, code)
        draft = services.draft_or_invalid(event, content=content, topic=topic, **extra)
        saved = services.submit(event, unit, [draft], user=user or users["organizer"])
        return saved.questions[0]

    return make


@pytest.fixture
def login_as(app, login):
    """``login_as(user)``: a fresh client logged in as ``user``. Requests made in the test's
    thread share its app context (``g``), where Flask-Login and Flask-WTF cache the user and
    the CSRF token; forget both so the new client starts clean."""
    from flask import g

    def switch(user):
        g.pop("_login_user", None)
        g.pop("csrf_token", None)
        return login(user, app.test_client())

    return switch


def topic_id(event, number: int = 1) -> int:
    return event.topics[number - 1].id
