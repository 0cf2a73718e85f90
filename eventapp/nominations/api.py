"""JSON API of the nominations domain: the eligibility engine for any token holder."""

from __future__ import annotations

from flask import jsonify, request

from eventapp.api import api_blueprint
from eventapp.auth import token_required
from eventapp.errors import Invalid
from eventapp.nominations.cli import evaluate
from eventapp.nominations.schemas import EligibilityRequestSchema

bp = api_blueprint("nominations_api", __name__)


@bp.post("/eligibility")
@token_required()
def eligibility():
    """Body: ``EligibilityRequestSchema``. 200 with the result, 422 ``{"error": "invalid",
    "fields": {…}}`` when a field is wrong."""
    data = request.get_json(silent=True)
    if data is None:
        raise Invalid({"_schema": "Nội dung gửi lên phải là JSON hợp lệ (Content-Type: "
                                  "application/json, mã hóa UTF-8)."})
    return jsonify(evaluate(data))


#: Request schema per route, for the OpenAPI document.
REQUEST_SCHEMAS = {"POST /api/v1/eligibility": EligibilityRequestSchema}
