"""The OpenAPI document (issue 7): served without a token, generated from the schemas the
API validates with, and fuzzed with schemathesis using the app's own tokens — no 5xx and
every answer (status, content type, body) matches the document."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


def test_document_is_public_and_lists_every_api_route(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule
            for arg in rule.arguments:
                path = path.replace(f"<int:{arg}>", f"{{{arg}}}").replace(f"<{arg}>", f"{{{arg}}}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (path, method) in documented, (path, method)


def test_request_schema_comes_from_the_validating_schema(client):
    """The question endpoint documents the very fields the API refuses without."""
    spec = client.get("/api/v1/openapi.json").get_json()
    body = spec["paths"]["/api/v1/events/{slug}/questions"]["post"]["requestBody"]
    ref = body["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    props = spec["components"]["schemas"][ref]["properties"]
    assert {"topic", "content"} <= set(props)


SETTINGS = settings(max_examples=20, deadline=None, database=None, suppress_health_check=[
    HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much,
    HealthCheck.data_too_large])


@pytest.mark.parametrize("role", ["organizer", "unit_a", "checkin"])
def test_api_conforms_to_its_document(app, users, token_for, set_now, role):
    set_now(datetime(2020, 2, 1, 2, 0, tzinfo=UTC))
    user = users[role]
    headers = token_for(user)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        @given(case=operation.as_strategy())
        @SETTINGS
        def check(case):
            if "slug" in (case.path_parameters or {}) and case.path_parameters["slug"] != "x":
                case.path_parameters["slug"] = "doi-thoai-2020"  # mostly reach past 404
            case.call_and_validate(headers=headers, checks=CHECKS)

        check()
