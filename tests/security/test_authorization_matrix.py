"""Authorization matrix (issue 7): every route of the app, from its URL map, called as
anonymous, unit A, unit B, check-in staff and organizer, against objects owned by unit A
(BATRI), and each answer checked against the declared policy below. A route without a
policy fails the test, so a new route cannot ship unreviewed.

Policies:
- ``public``      anyone;
- ``login``       any logged-in user;
- ``organizer``   organizers only;
- ``member``      organizers and the units taking part in the event (both A and B);
- ``owner``       organizers and unit A only — the object belongs to unit A;
- ``unit_owner``  unit A only (a unit's own dossier work, which organizers review, not edit);
- ``unit_member`` the units taking part (a unit files its own dossiers; organizers do not);
An endpoint served by two rules may have a policy per rule: ``"endpoint rule"``.
- ``checkin``     check-in staff and organizers;
- ``api:any`` / ``api:organizer`` / ``api:member`` / ``api:owner`` / ``api:checkin``: the
  same for bearer tokens (the login session never opens the API).

Denied: pages answer 403/404 (anonymous: a redirect to the login page), the API 401/403/404,
and a denied POST or DELETE changes nothing in the database.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import pytest

from tests.conftest import PASSWORD
from tests.security.sweep import fingerprint

POLICY = {
    "static": "public", "core.healthz": "public", "accounts.login": "public",
    "events_api.openapi_document": "public",
    "core.home": "login", "accounts.logout": "login",
    # accounts, events, units, audit: organizer settings
    "accounts.users": "organizer", "accounts.new_user": "organizer",
    "accounts.edit_user": "organizer", "accounts.my_account": "login",
    "accounts.logout_everywhere": "login", "accounts.user_logout_everywhere": "organizer",
    "accounts.revoke_token": "organizer",
    "events.index": "organizer", "events.new": "organizer", "events.edit": "organizer",
    "events.session_form": "organizer", "events.extensions": "organizer",
    "events.revoke_extension": "organizer", "events.overview": "member",
    "units.index": "organizer", "units.new": "organizer", "units.edit": "organizer",
    "units.import_file": "organizer", "units.import_template": "organizer",
    "audit.index": "organizer", "audit.export": "organizer",
    # questions
    "questions.index": "member", "questions.unit_page": "owner", "questions.add": "owner",
    "questions.paste": "owner", "questions.upload": "owner", "questions.unit_export": "owner",
    "questions.template": "member", "questions.detail": "owner", "questions.edit": "owner",
    "questions.withdraw": "owner",
    "questions.answer": "organizer", "questions.answered": "organizer",
    "questions.followup": "organizer", "questions.merge": "organizer",
    "questions.move": "organizer", "questions.set_status": "organizer",
    "questions.unmerge": "organizer", "questions.wording": "organizer",
    "questions.board_view": "organizer", "questions.board_export": "organizer",
    "questions.dialogue_console": "organizer", "questions.present": "organizer",
    "questions.screen": "organizer", "questions.screen_state": "organizer",
    "questions.export": "organizer", "questions.followups": "organizer",
    "questions.moderate": "organizer", "questions.order": "organizer",
    "questions.similar": "organizer",
    # nominations
    "nominations.index": "member", "nominations.new": "unit_member",
    "nominations.preview": "unit_member",
    "nominations.detail": "owner", "nominations.download": "owner",
    "nominations.edit": "unit_owner", "nominations.submit": "unit_owner",
    "nominations.withdraw": "unit_owner", "nominations.delete": "unit_owner",
    "nominations.delete_file": "unit_owner",
    "nominations.upload /events/<slug>/nominations/<int:nomination_id>/files": "unit_owner",
    "nominations.upload /events/<slug>/nominations/letters": "unit_member",
    "nominations.decide": "organizer", "nominations.return_dossier": "organizer",
    "nominations.certificates": "organizer", "nominations.certificate_settings": "organizer",
    "nominations.export": "organizer", "nominations.honorees": "organizer",
    # registration
    "registration.index": "member", "registration.new": "member",
    "registration.import_file": "member", "registration.import_template": "member",
    "registration.export": "member", "registration.badges": "member",
    "registration.invitations": "member",
    "registration.badge": "owner", "registration.cancel": "owner", "registration.edit": "owner",
    "registration.invitation": "owner", "registration.qr_png": "owner",
    "registration.qr_svg": "owner",
    "registration.reissue": "organizer", "registration.settings": "organizer",
    # check-in
    "checkin.index": "checkin", "checkin.scanner": "checkin", "checkin.scan": "checkin",
    "checkin.codes": "checkin", "checkin.search": "checkin",
    "checkin.attendee_checkin": "checkin",
    "checkin.board": "organizer", "checkin.board_data": "organizer",
    "checkin.undo": "organizer", "checkin.export": "organizer", "checkin.log": "organizer",
    "checkin.missing_page": "organizer", "checkin.manual": "organizer",
    # API
    "events_api.get_event": "api:any",
    "questions_api.create_question": "api:member", "questions_api.list_questions": "api:member",
    "questions_api.get_question": "api:owner", "questions_api.summary": "api:organizer",
    "nominations_api.eligibility": "api:any",
    "registration_api.create_attendee": "api:member",
    "registration_api.list_attendees": "api:member",
    "registration_api.export_attendees": "api:member",
    "registration_api.cancel_attendee": "api:owner",
    "registration_api.reissue_code": "api:organizer",
    "checkin_api.checkin": "api:checkin", "checkin_api.stats": "api:checkin",
}

ROLES = ("anonymous", "unit_b", "checkin", "unit_a", "organizer")  # denied roles first
ALLOWED = {
    "public": set(ROLES), "login": {"unit_a", "unit_b", "checkin", "organizer"},
    "organizer": {"organizer"}, "member": {"organizer", "unit_a", "unit_b"},
    "owner": {"organizer", "unit_a"}, "unit_owner": {"unit_a"},
    "unit_member": {"unit_a", "unit_b"},
    "checkin": {"organizer", "checkin"},
    "any": {"unit_a", "unit_b", "checkin", "organizer"},
}


def _routes():
    from eventapp import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return sorted(((rule.endpoint, rule.rule, sorted(rule.methods - {"HEAD", "OPTIONS"}))
                   for rule in app.url_map.iter_rules()), key=lambda r: r[1])


ROUTES = _routes()


def policy_of(endpoint: str, rule: str) -> str | None:
    return POLICY.get(f"{endpoint} {rule}") or POLICY.get(endpoint)


def test_every_route_has_a_policy():
    missing = sorted(f"{e} {r}" for e, r, _ in ROUTES if policy_of(e, r) is None)
    assert not missing, f"routes without an authorization policy: {missing}"
    known = {e for e, _, _ in ROUTES} | {f"{e} {r}" for e, r, _ in ROUTES}
    stale = sorted(set(POLICY) - known)
    assert not stale, f"policies for routes that no longer exist: {stale}"


@pytest.fixture
def owned(app, users, login, token_for, set_now):
    """Objects of unit A (BATRI): a question, a nomination with a file, an attendee with a
    check-in, a deadline extension. Returns the URL parameters that address them."""
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


def _denied(role: str, api: bool, response) -> bool:
    status = response.status_code
    if api:
        return status in (401, 403, 404) and response.is_json
    if role == "anonymous":
        return status == 302 and "/login" in response.headers.get("Location", "")
    return status in (403, 404)


@pytest.mark.parametrize("endpoint, rule, methods",
                         [r for r in ROUTES if policy_of(r[0], r[1])], ids=lambda v: str(v))
def test_route_answers_each_role_as_declared(app, users, token_for, owned, endpoint, rule,
                                             methods):
    policy = policy_of(endpoint, rule)
    api = policy.startswith("api:")
    allowed = ALLOWED[policy.removeprefix("api:")]
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
            before = fingerprint() if method != "GET" and role not in allowed else None
            response = client.open(url, method=method, **kwargs)
            label = f"{method} {url} as {role} ({policy})"
            assert response.status_code < 500, label
            if role in allowed:
                assert not _denied(role, api, response) or response.status_code == 404 and \
                    method != "GET", f"{label}: refused with {response.status_code}"
                assert response.status_code not in (401, 403) or \
                    (response.is_json and response.get_json().get("error") not in
                     ("forbidden", "unauthorized")), f"{label}: {response.status_code}"
            else:
                assert _denied(role, api, response), f"{label}: answered {response.status_code}"
                if before is not None:
                    assert fingerprint() == before, f"{label}: a refused request changed data"
