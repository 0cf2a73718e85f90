"""The OpenAPI 3 document of ``/api/v1``, generated from the app's URL map and the very
marshmallow schemas the routes validate requests with (apispec's marshmallow plugin).

A route describes itself with ``@eventapp.api.operation(...)``; routes without it still
appear (path, method, auth, error answers), so the document never silently omits one.
"""

from __future__ import annotations

import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app

from eventapp.api import API_PREFIX, api_blueprint, operation
from eventapp.errors import INVALID_MESSAGE
from eventapp.policy import public

#: The API's own routes, which belong to no domain (registered by ``create_app``).
bp = api_blueprint("api", __name__)


@bp.get("/openapi.json")
@operation(summary="Tài liệu OpenAPI 3 của API này", public=True, errors=[],
           responses={200: "Tài liệu OpenAPI"})
@public
def openapi_document():
    """The OpenAPI document; readable without a token."""
    return build_spec(current_app)

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {"type": "string", "description": "Mã lỗi ổn định, ví dụ invalid, forbidden."},
        "message": {"type": "string", "description": "Thông báo tiếng Việt."},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
    },
    "additionalProperties": True,
}
ERROR_TEXT = {400: "Yêu cầu không hợp lệ", 401: "Thiếu hoặc sai mã truy cập",
              403: "Không có quyền, hoặc đã hết hạn", 404: "Không tìm thấy",
              405: "Phương thức không được hỗ trợ", 409: "Xung đột (hết chỉ tiêu, trùng…)",
              413: "Dữ liệu quá lớn", 422: INVALID_MESSAGE.rstrip("."),
              429: "Quá nhiều yêu cầu", 503: "Cơ sở dữ liệu tạm thời không sẵn sàng"}
_CONVERTER = re.compile(r"<(?:(?P<conv>[a-z]+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []

    def replace(match):
        kind = {"int": "integer"}.get(match.group("conv") or "", "string")
        params.append({"name": match.group("name"), "in": "path", "required": True,
                       "schema": {"type": kind}})
        return "{" + match.group("name") + "}"

    return _CONVERTER.sub(replace, rule), params


def build_spec(app: Flask) -> dict:
    spec = APISpec(title="eventapp API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "API của hệ thống đối thoại, vinh danh và check-in. "
                                        "Xác thực: Authorization: Bearer <mã truy cập>."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.schema("Error", ERROR_SCHEMA)
    error_ref = {"$ref": "#/components/schemas/Error"}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if not rule.rule.startswith(API_PREFIX + "/"):
            continue
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", {})
        path, path_params = _path(rule.rule)
        operations = {}
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            op: dict = {"operationId": f"{rule.endpoint}_{method.lower()}",
                        "summary": meta.get("summary") or (view.__doc__ or "").strip()
                        .split("\n")[0], "parameters": list(path_params), "responses": {}}
            if meta.get("tags"):
                op["tags"] = meta["tags"]
            if meta.get("query"):
                op["parameters"].append({"in": "query", "schema": meta["query"]})
            if meta.get("request") is not None:
                op["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": meta["request"]}}}
            for status, body in (meta.get("responses") or {200: "OK"}).items():
                op["responses"][str(status)] = _response(status, body)
            for status in meta.get("errors", _default_errors(meta, method)):
                op["responses"].setdefault(str(status), {
                    "description": ERROR_TEXT.get(status, "Lỗi"),
                    "content": {"application/json": {"schema": error_ref}}})
            if meta.get("public"):
                op["security"] = []
            else:
                op["security"] = [{"bearer": []}]
            operations[method.lower()] = op
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def _default_errors(meta: dict, method: str) -> list[int]:
    errors = [400, 404, 405, 413, 429, 503]
    if not meta.get("public"):
        errors += [401, 403]
    if meta.get("request") is not None or meta.get("query") or method != "GET":
        errors += [422]
    if not meta:
        errors += [409, 422]  # an undescribed route may refuse anything; describe it
    return errors


def _response(status: int, body) -> dict:
    if isinstance(body, str):
        return {"description": body, "content": {"application/json": {
            "schema": {"type": "object"}}}}
    if isinstance(body, dict) and "description" in body:
        return body
    return {"description": "OK", "content": {"application/json": {"schema": body}}}
