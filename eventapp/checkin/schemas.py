"""Request schemas of the check-in API and the scanner page's JSON endpoints."""

from __future__ import annotations

from eventapp.checkin.rules import MAX_CODE_LENGTH
from eventapp.schemas import AwareDateTime, Schema, fields, length, not_blank
from eventapp.text import is_clean

#: Limits of a scan body, for the schema and its fast path alike.
SESSION_KEY_LENGTH = 64
DEVICE_LENGTH = 64
SCAN_ID_LENGTH = 64


class CheckinRequest(Schema):
    """``POST /api/v1/events/<slug>/checkin``: one scan."""

    code = fields.String(required=True, validate=[length(MAX_CODE_LENGTH), not_blank],
                         metadata={"description": "What the QR code encodes (whitespace ignored)."})
    session = fields.String(required=True, validate=[length(SESSION_KEY_LENGTH), not_blank],
                            metadata={"description": "Session key, e.g. doi-thoai."})
    device = fields.String(load_default="", validate=length(DEVICE_LENGTH),
                           metadata={"description": "Door or device label, e.g. 'cửa 1'."})
    scanned_at = AwareDateTime(load_default=None, allow_none=True,
                               metadata={"description": "Scan time of an offline scan."})
    offline = fields.Boolean(load_default=None, allow_none=True,
                             metadata={"description": "Sent from an offline queue "
                                                      "(default: true iff scanned_at given)."})
    scan_id = fields.String(load_default=None, allow_none=True, validate=length(SCAN_ID_LENGTH),
                            metadata={"description": "Client id of the scan; a retried upload "
                                                     "of the same scan is not a conflict."})

    @staticmethod
    def fast_load(data: dict) -> dict | None:
        """What loading ``data`` returns, for the body nearly every scan sends — code,
        session and device as strings within their lengths, ``scan_id`` a string or null,
        ``offline`` a boolean or null, no ``scanned_at`` — or None for anything else,
        which the schema itself then validates (and cleans) and words the errors for
        (``checkin/api.py`` calls it before the schema).

        Every scan at the door pays for validation, and marshmallow takes ~30 µs for this
        body (a tenth of the app's own time per scan; bench/checkin_bench.py).
        tests/checkin/test_schemas.py checks on generated bodies that this agrees with
        the schema wherever it answers.
        """
        code, session = data.get("code"), data.get("session")
        device, scan_id = data.get("device", ""), data.get("scan_id")
        offline = data.get("offline")
        if (not _QUICK_KEYS.issuperset(data)
                or type(code) is not str or not code.strip() or len(code) > MAX_CODE_LENGTH
                or type(session) is not str or not session.strip()
                or len(session) > SESSION_KEY_LENGTH
                or type(device) is not str or len(device) > DEVICE_LENGTH
                or not (scan_id is None
                        or (type(scan_id) is str and len(scan_id) <= SCAN_ID_LENGTH))
                or not (offline is None or type(offline) is bool)
                or not (is_clean(code := code.strip()) and is_clean(session)
                        and is_clean(device)
                        and (scan_id is None or is_clean(scan_id)))):
            return None
        return {"code": code, "session": session, "device": device, "scanned_at": None,
                "offline": offline, "scan_id": scan_id}


_QUICK_KEYS = frozenset({"code", "session", "device", "scan_id", "offline"})


class StatsQuery(Schema):
    """``GET /api/v1/events/<slug>/checkin/stats?session=<key>``."""

    session = fields.String(required=True, validate=[length(64), not_blank])


class PageScanRequest(Schema):
    """The scanner page's scan (session from the URL)."""

    code = fields.String(required=True, validate=[length(MAX_CODE_LENGTH), not_blank])
    device = fields.String(load_default="", validate=length(64))
    scanned_at = AwareDateTime(load_default=None, allow_none=True)
    offline = fields.Boolean(load_default=False)
    scan_id = fields.String(load_default=None, allow_none=True, validate=length(64))


class PageAttendeeCheckin(Schema):
    """The scanner page's check-in of a person found by name."""

    device = fields.String(load_default="", validate=length(64))
    scan_id = fields.String(load_default=None, allow_none=True, validate=length(64))
    scanned_at = AwareDateTime(load_default=None, allow_none=True)
    offline = fields.Boolean(load_default=False)


# --- Answers (documentation for the OpenAPI document; the routes build them in services) ----

class AttendeeCard(Schema):
    id = fields.Integer()
    full_name = fields.String()
    unit = fields.String(allow_none=True, metadata={"description": "Unit code; null: guest."})
    unit_name = fields.String()
    category = fields.String()
    seat = fields.String()


class CheckinResult(Schema):
    """One scan's answer: ``result`` is checked_in, already_checked_in, unknown_code,
    revoked, substituted or not_invited."""

    result = fields.String(required=True)
    message = fields.String()
    colour = fields.String(metadata={"description": "green, amber or red."})
    error = fields.String(metadata={"description": "Same as result on 404/409."})
    attendee = fields.Nested(AttendeeCard)
    checked_in_at = fields.String(metadata={"description": "The (first) check-in, ISO-8601 UTC."})
    checked_in_time = fields.String(metadata={"description": "HH:MM in the event's zone."})
    by = fields.String(metadata={"description": "Staff who checked in first."})
    device = fields.String()
    from_offline_queue = fields.Boolean()
    checkin_id = fields.Integer()
    replacement = fields.Dict(metadata={"description": "substituted: {\"full_name\": …} of "
                                                       "who was sent in the delegate's place."})


class StatsCounts(Schema):
    """The counts of a session or of one of its lines."""

    expected = fields.Integer()
    checked_in = fields.Integer(metadata={"description": "Present (đã đến)."})
    excused = fields.Integer(metadata={"description": "Excused (vắng có lý do), not arrived."})
    substituted = fields.Integer(metadata={"description": "Delegates replaced by a substitute "
                                                          "(the substitutes are expected)."})
    not_yet_arrived = fields.Integer(metadata={
        "description": "Not arrived, no reason given, the session not over (chưa đến)."})
    absent = fields.Integer(metadata={"description": "Not arrived, no reason given, the "
                                                     "session over (vắng không lý do)."})


class StatsLine(StatsCounts):
    unit = fields.String(allow_none=True)
    category = fields.String(allow_none=True)
    key = fields.String()
    name = fields.String()


class StatsResult(StatsCounts):
    session = fields.String()
    session_over = fields.Boolean(metadata={"description": "The session has ended: delegates "
                                                           "not arrived count as absent."})
    units = fields.List(fields.Nested(StatsLine))
    categories = fields.List(fields.Nested(StatsLine))


class FailedQuery(Schema):
    """``GET /api/v1/events/<slug>/checkin/failed?session=<key>``."""

    session = fields.String(required=True, validate=[length(SESSION_KEY_LENGTH), not_blank])


class FailedScanLine(Schema):
    at = fields.String(metadata={"description": "When it was scanned, ISO-8601 UTC."})
    device = fields.String(metadata={"description": "Door or device label."})
    staff = fields.String(metadata={"description": "Staff account that scanned."})
    result = fields.String(metadata={"description": "unknown_code, revoked, not_invited, …"})
    fingerprint = fields.String(metadata={
        "description": "First 6 hex characters of the code's SHA-256 fingerprint (as in the "
                       "scanner's offline table); never the code."})


class FailedResult(Schema):
    """Refused scans of a session, newest first: at most the first 1000 are stored,
    ``total`` counts every one."""

    session = fields.String()
    total = fields.Integer()
    stored = fields.Integer()
    scans = fields.List(fields.Nested(FailedScanLine))
