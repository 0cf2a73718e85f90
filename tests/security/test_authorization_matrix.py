"""Authorization matrix (issue 7, issue #13): every route of the app, from its URL map,
called as anonymous, unit A, unit B, check-in staff and organizer, against objects owned by
unit A (BATRI), and each answer checked against the policy the route declares with
``@policy`` (``view.policy``) — the test keeps no copy of it. A route without a declared
policy fails the test, so a new route cannot ship unreviewed.

From a declaration: a role outside ``policy.roles`` is refused with 403 (anonymous: the
login page, or 401 on the API); a unit account admitted by role but addressing an object
its unit does not own (unit B on unit A's question, attendee, dossier, file or unit page)
gets 404, so ids of other units' objects are not revealed. A refused POST or DELETE changes
nothing in the database.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from tests.conftest import PASSWORD
from tests.security.sweep import fingerprint

ROLES = ("anonymous", "unit_b", "checkin", "unit_a", "organizer")  # denied roles first
#: Flask's own static files are the one route no view of ours declares.
UNDECLARED = {"static"}


def _routes():
    from eventapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(((rule.endpoint, rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}),
                    getattr(app.view_functions[rule.endpoint], "policy", None))
                   for rule in app.url_map.iter_rules()), key=lambda r: r[1])


ROUTES = _routes()


def expected(policy, rule: str) -> dict[str, int | None]:
    """Each role's expected refusal for ``rule`` under ``policy``: None (admitted), 403
    (the role is not for this route) or 404 (outside the caller's scope)."""
    from eventapp.accounts.models import Role

    if policy.public:
        return dict.fromkeys(ROLES)
    owned = any(loader.owned and re.search(rf"<(?:\w+:)?{loader.arg}>", rule)
                for loader in policy.loaders)
    answer = {"anonymous": 401,
              "organizer": None if Role.organizer in policy.roles else 403,
              "checkin": None if Role.checkin in policy.roles else 403,
              "unit_a": None if Role.unit in policy.roles else 403}
    answer["unit_b"] = answer["unit_a"] or (404 if owned else None)
    return answer


def test_every_route_declares_a_policy():
    missing = sorted(f"{e} {r}" for e, r, _, p in ROUTES if p is None and e not in UNDECLARED)
    assert not missing, f"routes without a declared policy (@policy or @public): {missing}"
    api = sorted(f"{e} {r}" for e, r, _, p in ROUTES
                 if p is not None and not p.public and p.api != r.startswith("/api/"))
    assert not api, f"API routes must authenticate by token, pages by login: {api}"


@pytest.fixture
def owned(app, users, login, token_for, set_now):
    """Objects of unit A (BATRI): a question, a sent nomination with a file, an attendee with
    a check-in, a deadline extension. Returns the URL parameters that address them."""
    from eventapp.events.services import get_event, grant_extension

    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))
    event = get_event("doi-thoai-2020")
    headers = token_for(users["unit_a"])
    client = app.test_client()
    question = client.post("/api/v1/events/doi-thoai-2020/questions", headers=headers, json={
        "topic": event.topics[0].name, "content": "Đề xuất giảm tiết dạy cho TPT Đội?"})
    assert question.status_code == 201, question.get_json()
    attendee = client.post("/api/v1/events/doi-thoai-2020/attendees", headers=headers, json={
        "full_name": "Nguyễn Văn Ấn", "position": "Giáo viên", "category": "tpt-doi",
        "sessions": ["doi-thoai"], "phone": "0912345678", "email": ""})
    assert attendee.status_code == 201, attendee.get_json()
    checkin = client.post("/api/v1/events/doi-thoai-2020/checkin",
                          headers=token_for(users["checkin"]),
                          json={"code": attendee.get_json()["code"], "session": "doi-thoai"})
    assert checkin.get_json()["result"] == "checked_in"

    from tests.nominations.helpers import PDF, dossier_form

    login(users["unit_a"], client)
    base = "/events/doi-thoai-2020/nominations"
    created = client.post_form(f"{base}/new", dossier_form(), page=f"{base}/new")
    assert created.status_code == 302, created.get_data(as_text=True)[:500]
    nomination_id = int(re.search(r"/nominations/(\d+)", created.headers["Location"]).group(1))
    uploaded = client.post_form(f"{base}/{nomination_id}/files",
                                {"file": (io.BytesIO(PDF), "bao-cao.pdf"),
                                 "kinds": ["bao_cao_thanh_tich"]},
                                page=f"{base}/{nomination_id}", content_type="multipart/form-data")
    assert uploaded.status_code in (200, 302)
    # Sent, so that organizers see it (a draft stays private to its unit: 404 to them).
    sent = client.post_form(f"{base}/{nomination_id}/submit", page=f"{base}/{nomination_id}")
    assert sent.status_code == 302

    from eventapp.accounts.models import ApiToken
    from eventapp.checkin.models import CheckIn
    from eventapp.extensions import db
    from eventapp.nominations.models import NominationFile

    ext = grant_extension(event, users["unit_a"].unit, "questions",
                          datetime(2020, 2, 8, tzinfo=UTC), "Lý do", users["organizer"])
    return {
        "slug": "doi-thoai-2020", "code": "BATRI", "session_key": "doi-thoai",
        "question_id": question.get_json()["id"], "attendee_id": attendee.get_json()["id"],
        "nomination_id": nomination_id,
        "file_id": db.session.scalar(db.select(NominationFile.id)),
        "checkin_id": db.session.scalar(db.select(CheckIn.id)),
        "extension_id": ext.id, "session_id": event.sessions[0].id,
        "unit_id": users["unit_a"].unit_id, "user_id": users["unit_a"].id,
        "token_id": db.session.scalar(db.select(ApiToken.id).where(
            ApiToken.user_id == users["unit_a"].id)),
        "filename": "css/app.css",
    }


def _url(rule: str, params: dict) -> str:
    def fill(match):
        return str(params[match.group(1)])

    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", fill, rule)


@pytest.mark.parametrize("endpoint, rule, methods, policy",
                         [r for r in ROUTES if r[3] is not None], ids=lambda v: str(v)[:80])
def test_route_answers_each_role_as_declared(app, users, token_for, owned, endpoint, rule,
                                             methods, policy):
    api = policy.api
    refusals = expected(policy, rule)
    url = _url(rule, owned)
    tokens = {role: token_for(users[role]) for role in ROLES if role != "anonymous"}
    for method in methods:
        for role in ROLES:
            client = app.test_client()
            kwargs: dict = {}
            if api:
                kwargs["headers"] = tokens.get(role, {})
                kwargs["json"] = {} if method in ("POST", "PUT", "PATCH") else None
            else:
                if role != "anonymous":
                    login_response = client.post_form("/login", {
                        "email": users[role].email, "password": PASSWORD})
                    assert login_response.status_code == 302
                if method != "GET":
                    kwargs["data"] = {"csrf_token": client.csrf_token("/login")}
            refusal = refusals[role]
            before = fingerprint() if method != "GET" and refusal else None
            response = client.open(url, method=method, **kwargs)
            status = response.status_code
            label = f"{method} {url} as {role} (roles {sorted(policy.roles)}): {status}"
            assert status < 500, label
            if refusal is None:
                assert status not in (401, 403) or (response.is_json and response.get_json()
                                                    .get("error") not in ("forbidden",
                                                                          "unauthorized")), label
                assert status != 404 or method != "GET", label
                continue
            if role == "anonymous" and not api:
                assert status == 302 and "/login" in response.headers["Location"], label
            else:
                assert status == refusal, f"{label}, expected {refusal}"
                assert not api or response.is_json, label
            if before is not None:
                assert fingerprint() == before, f"{label}: a refused request changed data"
