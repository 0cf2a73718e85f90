"""JSON API of the nominations domain: the eligibility engine for any token holder."""

from __future__ import annotations

from flask import jsonify

from eventapp.api import api_blueprint, json_data, operation
from eventapp.nominations.cli import evaluate
from eventapp.nominations.schemas import EligibilityRequestSchema, EligibilityResultSchema
from eventapp.policy import ANY_ROLE, policy

bp = api_blueprint("nominations_api", __name__)


@bp.post("/eligibility")
@operation(summary="Xét điều kiện vinh danh một Tổng phụ trách Đội (PRODUCT.md §3.3)",
           request=EligibilityRequestSchema, responses={200: EligibilityResultSchema},
           tags=["nominations"])
@policy(*ANY_ROLE, api=True)
def eligibility():
    """200 with the result; 422 ``{"error": "invalid", "fields": {…}}`` naming bad fields."""
    return jsonify(evaluate(json_data()))
