"""What every JSON route under ``/api/v1`` shares: the blueprint factory (CSRF-exempt,
token-only), request parsing against a marshmallow schema, and JSON errors.

Domain routes live in ``<domain>/api.py``; they stay thin: parse, call a service, answer.
"""

from __future__ import annotations

import functools
import json

from flask import Blueprint, Flask, request
from flask.sessions import SecureCookieSessionInterface
from marshmallow import Schema, ValidationError

from eventapp.errors import Invalid
from eventapp.extensions import csrf

API_PREFIX = "/api/v1"


class CookieSessionOutsideApi(SecureCookieSessionInterface):
    """The login session everywhere but the API: under /api/v1 the session cookie is not
    even read (a null session), so it can never authenticate an API call."""

    def open_session(self, app: Flask, request):
        if request.path.startswith(API_PREFIX + "/"):
            return self.make_null_session(app)
        return super().open_session(app, request)


def api_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint for JSON routes: under /api/v1, exempt from CSRF (bearer tokens only)."""
    bp = Blueprint(name, import_name, url_prefix=API_PREFIX)
    csrf.exempt(bp)
    return bp


def flatten_errors(messages, prefix: str = "") -> dict[str, str]:
    """marshmallow's nested error dict → ``{"field.sub": "message"}``."""
    flat: dict[str, str] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_schema"
            flat.update(flatten_errors(value, name))
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            flat[prefix or "_schema"] = " ".join(messages)
        else:
            for item in messages:
                flat.update(flatten_errors(item, prefix))
    else:
        flat[prefix or "_schema"] = str(messages)
    return flat


@functools.cache
def _validator(schema: type[Schema]) -> Schema:
    """One instance per schema class: building one deep-copies its fields, and loading
    keeps no state on the instance, so threads can share it."""
    return schema()


def load(schema: type[Schema], data) -> dict:
    """Validate ``data`` with ``schema``; raise ``Invalid`` with per-field Vietnamese messages."""
    if not isinstance(data, dict):
        raise Invalid({"_schema": "Nội dung gửi lên phải là một đối tượng JSON."})
    try:
        return _validator(schema).load(data)
    except ValidationError as error:
        raise Invalid(flatten_errors(error.messages)) from None


#: Deeper JSON than any request schema needs is refused before it is walked.
MAX_JSON_DEPTH = 32
NOT_JSON = ("Nội dung gửi lên phải là JSON hợp lệ (Content-Type: application/json, "
            "mã hóa UTF-8).")


def json_data():
    """The request's JSON body parsed, or ``Invalid`` (422) with a Vietnamese message:
    not JSON, nested deeper than ``MAX_JSON_DEPTH``, or a string holding half of a UTF-16
    surrogate pair (``"\\ud800"``, which no database or encoder can store)."""
    raw = request.get_data(cache=True)
    if not request.is_json or not raw:
        raise Invalid({"_schema": NOT_JSON})
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError):
        raise Invalid({"_schema": NOT_JSON}) from None
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and _depth(data) > MAX_JSON_DEPTH:
        raise Invalid({"_schema": f"JSON lồng nhau quá sâu (tối đa {MAX_JSON_DEPTH} cấp)."})
    if b"\\u" in raw and _has_surrogate(data):
        raise Invalid({"_schema": "JSON chứa ký tự Unicode không hợp lệ (nửa cặp thay thế "
                                  "UTF-16 đứng một mình)."})
    return data


def _children(value) -> list:
    if isinstance(value, dict):
        return [*value.keys(), *value.values()]
    return value if isinstance(value, list) else []


def _depth(data) -> int:
    depth, level = 0, [data]
    while level and depth <= MAX_JSON_DEPTH:
        level = [c for item in level for c in _children(item) if isinstance(c, dict | list)]
        depth += 1
    return depth


def _has_surrogate(data) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if not item.isprintable() and any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        else:
            stack.extend(_children(item))
    return False


def json_body(schema: type[Schema]) -> dict:
    """The request's JSON body (``json_data``), validated by ``schema``."""
    return load(schema, json_data())


def operation(*, summary: str | None = None, request=None, query=None,
              responses: dict | None = None, errors: list[int] | None = None,
              tags: list[str] | None = None, public: bool = False):
    """Describe an API route for the OpenAPI document (``eventapp/openapi.py``).

    ``request`` and ``query`` are the marshmallow schema classes the route validates with;
    ``responses`` maps a status to a schema class, a description, or a full response
    object; ``errors`` overrides the list of documented error statuses.
    """
    meta = {"summary": summary, "request": request, "query": query, "responses": responses,
            "tags": tags, "public": public}
    if errors is not None:
        meta["errors"] = errors

    def decorator(view):
        view.openapi = {k: v for k, v in meta.items() if v is not None}
        return view

    return decorator
