"""Authorization matrix (issue 7, issue #13): every route of the app, from its URL map,
called as anonymous, unit A, unit B, unit A's parent (đơn vị cấp trên), check-in staff and
organizer, against objects owned by unit A (BATRI), and each answer checked against the
policy the route declares with ``@policy`` (``view.policy``) — the test keeps no copy of it.
A route without a declared policy fails the test, so a new route cannot ship unreviewed.

From a declaration: a role outside ``policy.roles`` is refused with 403 (anonymous: the
login page, or 401 on the API); a unit account admitted by role but addressing an object
its unit does not own (unit B on unit A's question, attendee, dossier, file or unit page)
gets 404, so ids of other units' objects are not revealed; an object of one account (a
message in unit A's inbox) is a 404 to every other account. A refused POST or DELETE changes
nothing in the database.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD
from tests.security.sweep import fingerprint

ROLES = ("anonymous", "unit_b", "checkin", "unit_a", "parent", "organizer")  # denied first
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
    answer["parent"] = answer["unit_a"]  # a parent acts for its child wherever the child may
    if any(loader.personal and re.search(rf"<(?:\w+:)?{loader.arg}>", rule)
           for loader in policy.loaders):
        # One account's own object (unit A's inbox message): every other account gets 404.
        answer.update({role: answer[role] or 404 for role in ("organizer", "checkin",
                                                                "unit_b", "parent")})
    return answer


def test_every_route_declares_a_policy():
    missing = sorted(f"{e} {r}" for e, r, _, p in ROUTES if p is None and e not in UNDECLARED)
    assert not missing, f"routes without a declared policy (@policy or @public): {missing}"
    api = sorted(f"{e} {r}" for e, r, _, p in ROUTES
                 if p is not None and not p.public and p.api != r.startswith("/api/"))
    assert not api, f"API routes must authenticate by token, pages by login: {api}"


def _url(rule: str, params: dict) -> str:
    def fill(match):
        return str(params[match.group(1)])

    return re.sub(r"<(?:[a-z]+(?:\([^)]*\))?:)?(\w+)>", fill, rule)


DECLARED = [r for r in ROUTES if r[3] is not None]
#: Routes that only read: checked together, a domain at a time, on one set of objects (a GET
#: changes nothing another route's answer depends on; a database per route cost a minute).
READ_ONLY: dict[str, list] = {}
for _route in DECLARED:
    if _route[2] == ["GET"]:
        READ_ONLY.setdefault(_route[0].split(".")[0], []).append(_route)
#: Routes that may write get a fresh database each.
WRITING = [r for r in DECLARED if r[2] != ["GET"]]


# Ids from the endpoint, rule and methods only: a policy's repr holds a frozenset of roles,
# whose order changes with each process's hash seed (xdist's workers must agree on ids).
@pytest.mark.parametrize("endpoint, rule, methods, policy", WRITING,
                         ids=[f"{e} {r} {'/'.join(m)}" for e, r, m, _ in WRITING])
def test_route_answers_each_role_as_declared(app, users, token_for, owned, endpoint, rule,
                                             methods, policy):
    tokens = {role: token_for(users[role]) for role in ROLES if role != "anonymous"}
    for method in methods:
        for role in ROLES:  # a new client each time: a POST may end or change its session
            _check(_client(app, users, role, policy.api), role, method, rule, policy, owned,
                   tokens)


@pytest.mark.parametrize("blueprint", sorted(READ_ONLY))
def test_read_only_routes_answer_each_role_as_declared(app, users, token_for, owned,
                                                       blueprint):
    tokens = {role: token_for(users[role]) for role in ROLES if role != "anonymous"}
    pages = {role: _client(app, users, role, api=False) for role in ROLES}
    for _endpoint, rule, _methods, policy in READ_ONLY[blueprint]:
        for role in ROLES:
            client = app.test_client() if policy.api else pages[role]
            response = _check(client, role, "GET", rule, policy, owned, tokens)
            # A shared client that lost its login would make every later check a redirect.
            assert role == "anonymous" or "/login" not in response.headers.get("Location", ""), \
                f"GET {rule} as {role}: sent to log in"


def _client(app, users, role: str, api: bool):
    """A test client; for a page, logged in as ``role`` (anonymous: not logged in)."""
    client = app.test_client()
    if not api and role != "anonymous":
        response = client.post_form("/login", {"email": users[role].email,
                                               "password": PASSWORD})
        assert response.status_code == 302
    return client


def _check(client, role: str, method: str, rule: str, policy, owned: dict, tokens: dict):
    """Call ``rule`` as ``role``, hold the answer to what ``policy`` declares, return it."""
    api = policy.api
    url = _url(rule, owned)
    kwargs: dict = {}
    if api:
        kwargs["headers"] = tokens.get(role, {})
        kwargs["json"] = {} if method in ("POST", "PUT", "PATCH") else None
    elif method != "GET":
        kwargs["data"] = {"csrf_token": client.csrf_token("/login")}
    refusal = expected(policy, rule)[role]
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
        return response
    if role == "anonymous" and not api:
        assert status == 302 and "/login" in response.headers["Location"], label
    else:
        assert status == refusal, f"{label}, expected {refusal}"
        assert not api or response.is_json, label
    if before is not None:
        assert fingerprint() == before, f"{label}: a refused request changed data"
    return response
