"""Request schemas of the check-in API and the scanner page's JSON endpoints."""

from __future__ import annotations

from eventapp.checkin.rules import MAX_CODE_LENGTH
from eventapp.schemas import AwareDateTime, Schema, fields, length, not_blank


class CheckinRequest(Schema):
    """``POST /api/v1/events/<slug>/checkin``: one scan."""

    code = fields.String(required=True, validate=[length(MAX_CODE_LENGTH), not_blank],
                         metadata={"description": "What the QR code encodes (whitespace ignored)."})
    session = fields.String(required=True, validate=[length(64), not_blank],
                            metadata={"description": "Session key, e.g. doi-thoai."})
    device = fields.String(load_default="", validate=length(64),
                           metadata={"description": "Door or device label, e.g. 'cửa 1'."})
    scanned_at = AwareDateTime(load_default=None, allow_none=True,
                               metadata={"description": "Scan time of an offline scan."})
    offline = fields.Boolean(load_default=None, allow_none=True,
                             metadata={"description": "Sent from an offline queue "
                                                      "(default: true iff scanned_at given)."})
    scan_id = fields.String(load_default=None, allow_none=True, validate=length(64),
                            metadata={"description": "Client id of the scan; a retried upload "
                                                     "of the same scan is not a conflict."})


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
