"""Check-in API (bearer tokens of role ``checkin`` or organizer): scan a code, read stats."""

from __future__ import annotations

from flask import g, jsonify, request

from eventapp.accounts.models import Role
from eventapp.api import api_blueprint, json_data, load, operation
from eventapp.checkin import failed, queries, reports, services
from eventapp.checkin.access import STAFF
from eventapp.checkin.schemas import (
    CheckinRequest,
    CheckinResult,
    FailedQuery,
    FailedResult,
    StatsQuery,
    StatsResult,
)
from eventapp.events.models import Event
from eventapp.policy import EVENT, policy

bp = api_blueprint("checkin_api", __name__)


def _answer(description: str) -> dict:
    return {"description": description,
            "content": {"application/json": {"schema": CheckinResult}}}


@bp.post("/events/<slug>/checkin")
@operation(summary="Check-in một mã QR tại cửa (mỗi phiên một lần)", tags=["checkin"],
           request=CheckinRequest,
           responses={200: _answer("checked_in, hoặc already_checked_in (kèm lúc nào, bởi ai)"),
                      404: _answer("unknown_code (mã sai, giả, hoặc của sự kiện khác)"),
                      409: _answer("revoked (đã hủy đăng ký), substituted (đã cử người dự "
                                   "thay: replacement), not_invited (không dự phiên) hoặc "
                                   "not_approved (đăng ký chưa được duyệt)")},
           errors=[400, 401, 403, 422, 503])
@policy(*STAFF, api=True, every_event=True)
def checkin(slug: str):
    """Request schema: ``CheckinRequest``. 200 checked_in / already_checked_in, 404
    unknown_code, 409 revoked / substituted / not_invited / not_approved, 422 malformed
    body or unknown session."""
    body = _scan_body()
    result = services.scan(slug, body["session"].strip(), body["code"], staff=g.token_holder,
                           device=body["device"], scanned_at=body["scanned_at"],
                           scan_id=body["scan_id"], offline=body["offline"])
    return jsonify(result.to_json()), result.http_status


def _scan_body() -> dict:
    """The scan's body: the usual one through the schema's fast path, anything else
    through the schema itself (and its Vietnamese messages)."""
    data = json_data()  # refuses what is not JSON, or nested too deep, like every route
    if isinstance(data, dict) and (body := CheckinRequest.fast_load(data)) is not None:
        return body
    return load(CheckinRequest, data)


@bp.get("/events/<slug>/checkin/stats")
@operation(summary="Số đã đến / dự kiến của một phiên, theo đơn vị và thành phần",
           tags=["checkin"], query=StatsQuery, responses={200: StatsResult},
           errors=[400, 401, 403, 404, 422, 503])
@policy(*STAFF, api=True, load=EVENT)
def stats(event: Event):
    """Query schema: ``StatsQuery``. Expected and checked-in per session, unit, category."""
    query = load(StatsQuery, request.args.to_dict())
    session = queries.find_session(event, query["session"].strip())
    return jsonify(reports.stats_json(reports.session_stats(event, session)))


@bp.get("/events/<slug>/checkin/failed")
@operation(summary="Nhật ký quét lỗi của một phiên (mã sai, đã thu hồi, không được mời…)",
           tags=["checkin"], query=FailedQuery, responses={200: FailedResult},
           errors=[400, 401, 403, 404, 422, 503])
@policy(Role.organizer, api=True, load=EVENT)
def failed_scans(event: Event):
    """Query schema: ``FailedQuery``. Refused scans, newest first: time, door, staff,
    result and the first 6 characters of the code's fingerprint (never the code)."""
    query = load(FailedQuery, request.args.to_dict())
    session = queries.find_session(event, query["session"].strip())
    return jsonify(failed.scans_json(session.key, session.id))
