"""Check-in API (bearer tokens of role ``checkin`` or organizer): scan a code, read stats."""

from __future__ import annotations

from flask import g, jsonify, request

from eventapp.api import api_blueprint, json_body, load
from eventapp.auth import event_for, token_required
from eventapp.checkin import reports, services
from eventapp.checkin.schemas import CheckinRequest, StatsQuery

bp = api_blueprint("checkin_api", __name__)


@bp.post("/events/<slug>/checkin")
@token_required("checkin", "organizer")
def checkin(slug: str):
    """Request schema: ``CheckinRequest``. 200 checked_in / already_checked_in, 404
    unknown_code, 409 revoked / not_invited, 422 malformed body or unknown session."""
    event = services.find_event_for_staff(slug)  # only checkin/organizer tokens get here
    body = json_body(CheckinRequest())
    session = services.find_session(event, body["session"].strip())
    result = services.check_in_code(event, session, body["code"], staff=g.api_user,
                                    device=body["device"], scanned_at=body["scanned_at"],
                                    scan_id=body["scan_id"], offline=body["offline"])
    return jsonify(result.to_json()), result.http_status


@bp.get("/events/<slug>/checkin/stats")
@token_required("checkin", "organizer")
def stats(slug: str):
    """Query schema: ``StatsQuery``. Expected and checked-in per session, unit, category."""
    event = event_for(g.api_user, slug)
    query = load(StatsQuery(), request.args.to_dict())
    session = services.find_session(event, query["session"].strip())
    return jsonify(reports.stats_json(reports.session_stats(event, session)))
