"""Registration API under /api/v1 (bearer tokens): register, cancel, list, export.

Contract (issue 5): ``POST /events/<slug>/attendees`` → 201 ``{"id", "code", "unit", …}``;
409 ``cap_reached`` / ``capacity_reached`` / ``duplicate``; 403 ``deadline_passed``; 422
``invalid``. ``DELETE /events/<slug>/attendees/<id>`` cancels and revokes the code.
``GET /events/<slug>/attendees.xlsx`` exports (organizer: all; a unit: its own).
"""

from __future__ import annotations

from flask import jsonify, request

from eventapp.accounts.models import Role
from eventapp.api import api_blueprint, json_body, load, operation
from eventapp.auth import api_user
from eventapp.errors import Invalid
from eventapp.events.models import Event
from eventapp.policy import EVENT, policy
from eventapp.registration import attendance, codes, exports, queries, services
from eventapp.registration.catalog import Catalog
from eventapp.registration.models import Attendee
from eventapp.registration.schemas import (
    AttendanceOut,
    AttendanceRequest,
    AttendeeCancelled,
    AttendeeCode,
    AttendeeListQuery,
    AttendeeOut,
    AttendeePage,
    AttendeeRequest,
    SubstituteOut,
    SubstituteRequest,
)
from eventapp.registration.views import ATTENDEE, MEMBER
from eventapp.views import send_xlsx

bp = api_blueprint("registration_api", __name__)
TAGS = ["registration"]
XLSX = {"description": "Tệp Excel danh sách đại biểu", "content": {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
        "schema": {"type": "string", "format": "binary"}}}}


def attendee_json(attendee: Attendee) -> dict:
    return {
        "id": attendee.id, "full_name": attendee.full_name, "position": attendee.position,
        "workplace": attendee.workplace, "category": attendee.category.key,
        "sessions": [s.key for s in attendee.sessions],
        "unit": attendee.unit.code if attendee.unit else None, "phone": attendee.phone,
        "email": attendee.email, "seat": attendee.seat, "status": attendee.status,
        "rejection_reason": attendee.rejection_reason,
        "code": codes.attendee_code(attendee) if attendee.is_active else None,
        "created_at": attendee.created_at.isoformat(),
    }


def _filters(event, user) -> tuple[queries.Filters, dict]:
    args = load(AttendeeListQuery, request.args.to_dict())
    filters = queries.parse_filters(Catalog(event), args, user)
    errors = {}
    if args["session"] and filters.session is None:
        errors["session"] = "Không có phiên này trong sự kiện."
    if args["category"] and filters.category is None:
        errors["category"] = "Không có thành phần này trong sự kiện."
    if user.is_organizer and args["unit"] and not (filters.unit or filters.guests):
        errors["unit"] = "Đơn vị không tham gia sự kiện này."
    if errors:
        raise Invalid(errors)
    return filters, args


@bp.post("/events/<slug>/attendees")
@operation(summary="Đăng ký một đại biểu (đơn vị) hoặc khách mời (Ban tổ chức)", tags=TAGS,
           request=AttendeeRequest, responses={201: AttendeeOut},
           errors=[400, 401, 403, 404, 409, 413, 422, 429, 503])
@policy(*MEMBER, api=True, load=EVENT)
def create_attendee(event: Event):
    """Register one attendee (request schema: ``AttendeeRequest``)."""
    attendee = services.register(event, api_user(), json_body(AttendeeRequest))
    return jsonify(attendee_json(attendee)), 201


@bp.delete("/events/<slug>/attendees/<int:attendee_id>")
@operation(summary="Hủy đăng ký; mã check-in bị thu hồi", tags=TAGS,
           responses={200: AttendeeCancelled}, errors=[400, 401, 403, 404, 409, 429, 503])
@policy(*MEMBER, api=True, load=ATTENDEE)
def cancel_attendee(event: Event, attendee):
    """Cancel a registration; the attendee's code is revoked."""
    services.cancel(attendee, api_user())
    return jsonify({"id": attendee.id, "status": attendee.status})


@bp.post("/events/<slug>/attendees/<int:attendee_id>/reissue")
@operation(summary="Cấp lại mã check-in (Ban tổ chức); mã cũ hết hiệu lực", tags=TAGS,
           responses={200: AttendeeCode}, errors=[400, 401, 403, 404, 409, 429, 503])
@policy(Role.organizer, api=True, load=ATTENDEE)
def reissue_code(event: Event, attendee):
    """Organizer: a new check-in code; the old one stops working."""
    code = services.reissue_code(attendee, api_user())
    return jsonify({"id": attendee.id, "code": code})


@bp.post("/events/<slug>/attendees/<int:attendee_id>/substitute")
@operation(summary="Cử người dự thay đại biểu (đơn vị: đến khi phiên đầu bắt đầu); mã cũ bị "
                   "thu hồi", tags=TAGS, request=SubstituteRequest,
           responses={201: SubstituteOut}, errors=[400, 401, 403, 404, 409, 413, 422, 429, 503])
@policy(*MEMBER, api=True, load=ATTENDEE)
def substitute_attendee(event: Event, attendee):
    """The substitute takes the delegate's category, sessions and place; 403
    ``deadline_passed`` for a unit once the session has started."""
    replacement = attendance.substitute(attendee, api_user(), json_body(SubstituteRequest))
    return jsonify({"id": replacement.id, "code": codes.attendee_code(replacement),
                    "replaces": attendee.id, "full_name": replacement.full_name}), 201


@bp.put("/events/<slug>/attendees/<int:attendee_id>/attendance")
@operation(summary="Báo vắng có lý do ở một phiên, hoặc bỏ báo vắng (đơn vị: đến khi phiên "
                   "bắt đầu)", tags=TAGS, request=AttendanceRequest,
           responses={200: AttendanceOut}, errors=[400, 401, 403, 404, 409, 413, 422, 429, 503])
@policy(*MEMBER, api=True, load=ATTENDEE)
def set_attendance(event: Event, attendee):
    """``status`` excused (with a reason) or expected; 403 ``deadline_passed`` for a unit
    once the session has started."""
    body = json_body(AttendanceRequest)
    excuse = attendance.set_attendance(attendee, api_user(), body["session"], body["status"],
                                       body["reason"])
    return jsonify({"id": attendee.id, "session": body["session"].strip(),
                    "status": body["status"], "reason": excuse.reason if excuse else ""})


@bp.get("/events/<slug>/attendees")
@operation(summary="Danh sách đại biểu, 100 mỗi trang (đơn vị: chỉ của mình)", tags=TAGS,
           query=AttendeeListQuery, responses={200: AttendeePage})
@policy(*MEMBER, api=True, load=EVENT)
def list_attendees(event: Event):
    """Attendees, 100 per page, with the filters of ``AttendeeListQuery``."""
    filters, args = _filters(event, api_user())
    page = queries.page_of(event, filters, args["page"])
    return jsonify({"items": [attendee_json(a) for a in page.items], "total": page.total,
                    "page": page.page, "pages": max(page.pages, 1)})


@bp.get("/events/<slug>/attendees.xlsx")
@operation(summary="Xuất danh sách đại biểu ra Excel (đơn vị: chỉ của mình)", tags=TAGS,
           query=AttendeeListQuery, responses={200: XLSX})
@policy(*MEMBER, api=True, load=EVENT)
def export_attendees(event: Event):
    """The attendee list in Excel (filters of ``AttendeeListQuery``)."""
    handle, name = exports.export(event, _filters(event, api_user())[0])
    return send_xlsx(handle, name)
