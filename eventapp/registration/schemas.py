"""Request schemas of the registration API (the OpenAPI document is generated from them).

The schema checks shapes and lengths; ``services.validate`` then checks what needs the
event (category and session keys, the unit, phone format, duplicates, caps).
"""

from __future__ import annotations

from eventapp.schemas import (
    Schema,
    email_address,
    fields,
    length,
    not_blank,
    one_of,
    validate,
)


class PersonRequest(Schema):
    """Who a person is: the fields a registration and a substitute share."""

    full_name = fields.String(required=True, validate=[not_blank, length(200)],
                              metadata={"description": "Họ và tên, e.g. Nguyễn Văn An."})
    position = fields.String(load_default="", validate=length(200),
                             metadata={"description": "Chức vụ."})
    workplace = fields.String(load_default="", validate=length(300),
                              metadata={"description": "Trường / nơi công tác."})
    phone = fields.String(load_default="", validate=length(32),
                          metadata={"description": "Điện thoại, e.g. 0912 345 678."})
    email = fields.String(load_default="", validate=email_address,
                          metadata={"description": "E-mail (may be empty)."})


class AttendeeRequest(PersonRequest):
    """``POST /api/v1/events/<slug>/attendees``: register one delegate or guest."""

    category = fields.String(required=True, validate=[not_blank, length(64)],
                             metadata={"description": "Category key, e.g. clb-tpt."})
    sessions = fields.List(
        fields.String(validate=[not_blank, length(64)]), required=True,
        validate=validate.Length(min=1, max=50, error="Chọn từ 1 đến 50 phiên."),
        metadata={"description": "Session keys the person attends, e.g. [\"so-ket\"]."})
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
    status = fields.String(load_default=None,
                           validate=one_of(["active", "cancelled", "pending", "rejected"]),
                           metadata={"description": "cancelled: list cancelled ones "
                                                    "(and those replaced by a substitute); "
                                                    "pending, rejected: those waiting for "
                                                    "approval or refused; active: approved "
                                                    "only; none: all but cancelled."})
    page = fields.Integer(load_default=1, validate=validate.Range(min=1, max=100_000,
                                                                error="Từ 1 đến 100000."),
                          metadata={"description": "Page of 100 (JSON list only)."})


class SubstituteRequest(PersonRequest):
    """``POST …/attendees/<id>/substitute``: who is sent in the delegate's place (the
    delegate's category, sessions and place are kept)."""


class AttendanceRequest(Schema):
    """``PUT …/attendees/<id>/attendance``: excused from a session, or expected again."""

    session = fields.String(required=True, validate=[not_blank, length(64)],
                            metadata={"description": "Session key."})
    status = fields.String(required=True, validate=one_of(["excused", "expected"]),
                           metadata={"description": "excused (vắng có lý do) or expected."})
    reason = fields.String(load_default="", validate=length(500),
                           metadata={"description": "Lý do vắng (required when excused)."})


# --- Responses (documentation only: the OpenAPI document shows these shapes) ------------

class AttendeeOut(Schema):
    """An attendee as the API returns it; ``code`` is what the QR encodes (null once
    cancelled, and until the organizer approves a registration that needs approval)."""

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
    status = fields.String(metadata={"description": "active, cancelled, substituted, "
                                                    "pending (chờ duyệt) or rejected (bị "
                                                    "từ chối)"})
    rejection_reason = fields.String(metadata={"description": "Why the organizer rejected "
                                                              "the registration (rejected)."})
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


class SubstituteOut(Schema):
    """The substitute: a new attendee with a new code, in place of ``replaces``."""

    id = fields.Integer()
    code = fields.String()
    replaces = fields.Integer(metadata={"description": "Id of the replaced delegate, whose "
                                                      "code is revoked."})
    full_name = fields.String()


class AttendanceOut(Schema):
    id = fields.Integer()
    session = fields.String()
    status = fields.String(metadata={"description": "excused or expected"})
    reason = fields.String()
