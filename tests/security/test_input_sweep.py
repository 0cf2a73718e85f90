"""Property sweep (issue #12 item 8): every route of the URL map, called as each role with
generated values in every form field, query parameter and JSON key it reads — huge and
negative numbers, year 1 and 9999, controls, invisible characters, very long text — never
answers 5xx.

Field names come from the forms the role can reach (crawled), the API's request and query
schemas, and the query parameters the pages link with. Routes that end the session are
skipped, uploads are posted without a file (their hostile files are in
``test_malformed_input``), and routes that remove the objects under test run last.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tests.security.sweep import crawl, url_for_rule

START = "/events/doi-thoai-2020/"
#: Query parameters pages read (found in their links and views).
QUERY_KEYS = ("page", "q", "session", "unit", "category", "checkin", "status", "sort", "dir",
              "only", "from", "to", "event", "user", "action", "print", "expand", "next",
              "kind", "state", "decision", "format")
SKIPPED = ("accounts.logout",)
#: Endpoints that remove or end what the other routes work on.
LAST = ("delete", "cancel", "withdraw", "revoke", "undo", "unmerge", "return", "edit_user")
ROLES = ("unit_a", "checkin", "organizer")  # the organizer last: it may edit the others

NASTY = [
    "", " ", "0", "-1", "1" * 30, "-" + "9" * 30, "9" * 5000, "1e400", "nan",
    "0001-01-01", "9999-12-31", "0001-01-01T00:00", "9999-12-31T23:59",
    "0001-01-01T00:00:00+00:00", "9999-12-31T23:59:59-12:00", "01/01/0001", "31/12/9999",
    "\x00", "a\x1b[31mb\x7f", "\u200b\u200c\u200d\u2060\ufeff\u00ad", "\u202eNguyễn\u202c",
    "\u3164", "Ắ" * 3000, "=1+1", "../../etc/passwd", "null", "[]", "yes", "cancelled",
]
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=12)
VALUE = st.one_of(st.sampled_from(NASTY), TEXT, st.integers().map(str))
JSON_VALUE = st.recursive(
    st.one_of(st.sampled_from(NASTY), TEXT, st.none(), st.booleans(),
              st.integers(-10**40, 10**40), st.floats(allow_nan=False)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=6)
RAW_JSON = [b'{"a": "\\ud800"}', b"[" * 2000 + b"]" * 2000, b'{"x": ' * 2000 + b"1" + b"}" * 2000,
            b"\xff\xfe", b"1" * 30, b'"text"', b"null"]


def _routes(app):
    rules = [r for r in app.url_map.iter_rules()
             if r.endpoint != "static" and r.endpoint not in SKIPPED]
    return sorted(rules, key=lambda r: (any(w in r.endpoint for w in LAST), r.rule))


def _schema_keys(view, key: str) -> list[str]:
    schema = getattr(view, "openapi", {}).get(key)
    return [f.data_key or name for name, f in schema().fields.items()] if schema else []


def _login(client, user) -> None:
    response = client.post_form("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("role", ROLES)
def test_no_generated_input_gets_a_5xx(app, users, owned, token_for, role):
    client = app.test_client()
    _login(client, users[role])
    headers = token_for(users[role])
    pages, forms = crawl(client, START if role != "checkin" else "/checkin/", limit=40)
    fields_of: dict[str, set[str]] = {}
    for _page, form in forms:
        fields_of.setdefault(form.action, set()).update(
            n for n, kind in form.fields.items() if kind not in ("file", "submit"))
    every_field = sorted(set().union(*fields_of.values()) - {"csrf_token"})
    token = client.csrf_token("/")

    for rule in _routes(app):
        url = url_for_rule(rule.rule, owned)
        view = app.view_functions[rule.endpoint]
        api = rule.rule.startswith("/api/")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            if method == "GET":
                keys = _schema_keys(view, "query") if api else list(QUERY_KEYS)
            elif api:
                keys = _schema_keys(view, "request") or ["x"]
            else:
                keys = sorted(fields_of.get(url, ())) or every_field
            _sweep(client, url, method, api, keys, headers, token)


def _sweep(client, url, method, api, keys, headers, token):
    label = f"{method} {url}"

    @settings(max_examples=4, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(st.fixed_dictionaries({}, optional={k: VALUE for k in keys}),
           st.fixed_dictionaries({}, optional={k: JSON_VALUE for k in keys}), st.booleans())
    def check(values, json_values, as_json):
        if method == "GET":
            query = {k: str(v) for k, v in values.items()}
            response = client.get(f"{url}?{urlencode(query)}", headers=headers if api else {})
        elif api or as_json:  # the API, and the pages' scripts posting JSON
            response = client.open(url, method=method, json=json_values,
                                   headers=headers if api else {"X-CSRFToken": token})
        else:
            data = {"csrf_token": token, **{k: str(v) for k, v in values.items()}}
            response = client.open(url, method=method, data=data)
        assert response.status_code < 500, (label, values, response.status_code)

    check()
    if method != "GET":
        for raw in RAW_JSON:
            response = client.open(url, method=method, data=raw, content_type="application/json",
                                   headers=headers if api else {"X-CSRFToken": token})
            assert response.status_code < 500, (label, raw[:40], response.status_code)
            assert response.is_json or not api, (label, raw[:40])
