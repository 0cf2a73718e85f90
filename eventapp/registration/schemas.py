"""Request schemas of the registration API (the OpenAPI document is generated from them).

The schema checks shapes and lengths; ``services.validate`` then checks what needs the
event (category and session keys, the unit, phone format, duplicates, caps).
"""

from __future__ import annotations

from eventapp.schemas import Schema, fields, length, not_blank, one_of, validate


class AttendeeRequest(Schema):
    """``POST /api/v1/events/<slug>/attendees``: register one delegate or guest."""

    full_name = fields.String(required=True, validate=[not_blank, length(200)],
                              metadata={"description": "Họ và tên, e.g. Nguyễn Văn An."})
    position = fields.String(load_default="", validate=length(200),
                             metadata={"description": "Chức vụ."})
    workplace = fields.String(load_default="", validate=length(300),
                              metadata={"description": "Trường / nơi công tác."})
    category = fields.String(required=True, validate=[not_blank, length(64)],
                             metadata={"description": "Category key, e.g. clb-tpt."})
    sessions = fields.List(
        fields.String(validate=[not_blank, length(64)]), required=True,
        validate=validate.Length(min=1, max=50, error="Chọn từ 1 đến 50 phiên."),
        metadata={"description": "Session keys the person attends, e.g. [\"so-ket\"]."})
    phone = fields.String(load_default="", validate=length(32),
                          metadata={"description": "Điện thoại, e.g. 0912 345 678."})
    email = fields.String(load_default="", validate=length(254),
                          metadata={"description": "E-mail (may be empty)."})
    unit = fields.String(load_default=None, allow_none=True, validate=length(32),
                         metadata={"description": "Organizer only: unit code; omit or null "
                                                  "for an invited guest. A unit token may "
                                                  "only name its own unit."})
    seat = fields.String(load_default="", validate=length(64),
                         metadata={"description": "Organizer only: seat or area."})


class AttendeeListQuery(Schema):
    """Filters of ``GET …/attendees`` and ``GET …/attendees.xlsx`` (query string)."""

    session = fields.String(load_default=None, validate=length(64),
                            metadata={"description": "Session key."})
    unit = fields.String(load_default=None, validate=length(32),
                         metadata={"description": "Organizer only: unit code, or "
                                                  "khach-moi for invited guests."})
    category = fields.String(load_default=None, validate=length(64),
                             metadata={"description": "Category key."})
    checkin = fields.String(load_default=None, validate=one_of(["yes", "no"]),
                            metadata={"description": "yes: checked in; no: not yet."})
    q = fields.String(load_default=None, validate=length(100),
                      metadata={"description": "Search, diacritics ignored."})
    status = fields.String(load_default=None, validate=one_of(["active", "cancelled"]),
                           metadata={"description": "cancelled: list cancelled ones."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000,
                                                                error="Từ 1 đến 100000."),
                          metadata={"description": "Page of 100 (JSON list only)."})


# --- Responses (documentation only: the OpenAPI document shows these shapes) ------------

class AttendeeOut(Schema):
    """An attendee as the API returns it; ``code`` is what the QR encodes (null once
    cancelled)."""

    id = fields.Integer()
    full_name = fields.String()
    position = fields.String()
    workplace = fields.String()
    category = fields.String()
    sessions = fields.List(fields.String())
    unit = fields.String(allow_none=True)
    phone = fields.String()
    email = fields.String()
    seat = fields.String()
    status = fields.String(metadata={"description": "active or cancelled"})
    code = fields.String(allow_none=True)
    created_at = fields.String()


class AttendeePage(Schema):
    items = fields.List(fields.Nested(AttendeeOut))
    total = fields.Integer()
    page = fields.Integer()
    pages = fields.Integer()


class AttendeeCancelled(Schema):
    id = fields.Integer()
    status = fields.String()


class AttendeeCode(Schema):
    id = fields.Integer()
    code = fields.String()
