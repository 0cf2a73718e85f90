"""Fixtures for the nominations pages: logged-in clients and a clock before the deadline."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.nominations.helpers import PDF, docx_bytes, dossier_form

VN = ZoneInfo("Asia/Ho_Chi_Minh")
BASE = "/events/doi-thoai-2020/nominations"


def vn(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=VN)


@pytest.fixture
def before_deadline(set_now):
    set_now(vn("2020-02-01T09:00:00"))
    return set_now


@pytest.fixture
def clients(app, users, login):
    """A logged-in client per user key, each really acting as its own user.

    The tests run inside one pushed app context, which test requests reuse, so Flask-Login's
    cached ``g._login_user`` (and Flask-WTF's ``g.csrf_token``) would leak from one client
    to the next; forget them per request.
    """
    from flask import g

    @app.before_request
    def _user_from_this_clients_cookie():
        g.pop("_login_user", None)
        g.pop("csrf_token", None)

    def make(key):
        return login(users[key], app.test_client())

    return make


def create_dossier(client, **overrides) -> int:
    response = client.post_form(f"{BASE}/new", dossier_form(**overrides), page=f"{BASE}/new")
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/nominations/(\d+)", response.headers["Location"]).group(1))


def upload(client, nomination_id, data=PDF, name="bao-cao.pdf", kinds=("bao_cao_thanh_tich",)):
    from io import BytesIO

    return client.post_form(f"{BASE}/{nomination_id}/files",
                            {"file": (BytesIO(data), name), "kinds": list(kinds)},
                            page=f"{BASE}/{nomination_id}", content_type="multipart/form-data")


def upload_letter(client, data=None, name="to-trinh.docx"):
    from io import BytesIO

    return client.post_form(f"{BASE}/letters", {"file": (BytesIO(data or docx_bytes()), name)},
                            page=BASE + "/", content_type="multipart/form-data")


def complete_dossier(client, **overrides) -> int:
    """A dossier with every document: unit letter + one PDF holding the other parts."""
    nomination_id = create_dossier(client, **overrides)
    upload_letter(client)
    upload(client, nomination_id, kinds=("bao_cao_thanh_tich", "tom_tat_qua_trinh",
                                         "xac_nhan_doan_co_so", "xac_nhan_cap_uy"))
    return nomination_id


def submit(client, nomination_id):
    return client.post_form(f"{BASE}/{nomination_id}/submit", page=f"{BASE}/{nomination_id}")
