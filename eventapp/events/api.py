"""JSON API: events."""

from __future__ import annotations

import sqlalchemy as sa
from flask import jsonify
from sqlalchemy.orm import selectinload

from eventapp.accounts.models import Role
from eventapp.api import api_blueprint, json_body, operation
from eventapp.auth import api_user, token_holder
from eventapp.events import requests
from eventapp.events.access import may_see_event, sees_every_event
from eventapp.events.cloning import SLUG_RULE, clone_event
from eventapp.events.models import Event, EventSession
from eventapp.events.services import event_to_dict
from eventapp.extensions import db
from eventapp.policy import ANY_ROLE, EVENT, policy
from eventapp.schemas import MULTILINE, Schema, fields, length, validate
from eventapp.units.access import is_organizer

bp = api_blueprint("events_api", __name__)


class EventListItem(Schema):
    slug = fields.String()
    title = fields.String()
    starts_at = fields.DateTime(allow_none=True,
                                metadata={"description": "Giờ bắt đầu phiên đầu tiên"})


class EventList(Schema):
    events = fields.List(fields.Nested(EventListItem))


class CloneRequest(Schema):
    slug = fields.String(required=True, validate=validate.Regexp(
        r"^[a-z0-9][a-z0-9-]{0,63}$", error=SLUG_RULE))
    starts_on = fields.Date(required=True, metadata={
        "description": "Ngày của phiên đầu tiên trong sự kiện mới (YYYY-MM-DD)"})


@bp.get("/events")
@operation(summary="Các sự kiện người gọi được xem, theo phiên đầu tiên", tags=["events"],
           responses={200: EventList})
@policy(*ANY_ROLE, api=True)
def list_events():
    """Organizers and check-in staff: every event; a unit: the events it takes part in."""
    holder = token_holder()
    first = (sa.select(EventSession.event_id, sa.func.min(EventSession.starts_at).label("at"))
             .group_by(EventSession.event_id).subquery())
    query = (sa.select(Event, first.c.at).outerjoin(first, first.c.event_id == Event.id)
             .order_by(first.c.at.is_(None), first.c.at, Event.slug))
    if not sees_every_event(holder.role):
        query = query.options(selectinload(Event.participations))
    rows = [(event, at) for event, at in db.session.execute(query).all()
            if sees_every_event(holder.role) or may_see_event(holder, event)]
    return {"events": [{"slug": e.slug, "title": e.title,
                        "starts_at": _first_start(e, at)} for e, at in rows]}


def _first_start(event: Event, at) -> str | None:
    """The first session's start (the aggregate loses SQLite's time zone; the session keeps
    it)."""
    return event.sessions[0].starts_at.isoformat() if at is not None else None


@bp.get("/events/<slug>")
@operation(summary="Sự kiện với các phiên, đơn vị, hạn chót và chỉ tiêu", tags=["events"],
           responses={200: "Sự kiện"})
@policy(*ANY_ROLE, load=EVENT, api=True)
def get_event(event: Event):
    """The event with its sessions, units, deadlines and quotas (and, for organizers, the
    units' contacts: the document imports back as a definition)."""
    return event_to_dict(event, contacts=is_organizer(api_user()))


@bp.post("/events/<slug>/clone")
@operation(summary="Nhân bản sự kiện sang mã mới, dời lịch theo ngày bắt đầu", tags=["events"],
           request=CloneRequest, responses={201: "Sự kiện mới, như GET /events/<slug>"},
           errors=[400, 401, 403, 404, 409, 413, 422, 429, 503])
@policy(Role.organizer, load=EVENT, api=True)
def clone(event: Event):
    """Copy the event's structure and settings (no submissions) to a new slug."""
    data = json_body(CloneRequest)
    created = clone_event(event, data["slug"], data["starts_on"], api_user())
    return jsonify(event_to_dict(created, contacts=True)), 201


class ExtensionRequestCreate(Schema):
    """``POST /api/v1/events/<slug>/extension-requests`` (mã truy cập của đơn vị)."""

    deadline = fields.String(required=True, metadata={
        "description": "Loại hạn chót: questions, registration, nominations (những hạn áp "
                       "dụng cho đơn vị)"})
    reason = fields.String(required=True, validate=length(requests.MAX_REASON),
                           metadata={"description": "Lý do xin gia hạn", **MULTILINE})
    until = fields.Date(load_default=None, allow_none=True, metadata={
        "description": "Xin gia hạn đến hết ngày này (YYYY-MM-DD, giờ của sự kiện)"})


class ExtensionRequestOut(Schema):
    id = fields.Integer()
    unit = fields.String()
    deadline = fields.String()
    reason = fields.String()
    until = fields.Date(allow_none=True)
    status = fields.String(metadata={"description": "pending, granted hoặc refused"})
    requested_at = fields.DateTime()
    answered_at = fields.DateTime(allow_none=True)
    answer_note = fields.String()
    granted_until = fields.DateTime(allow_none=True)


class ExtensionRequestList(Schema):
    requests = fields.List(fields.Nested(ExtensionRequestOut))


@bp.post("/events/<slug>/extension-requests")
@operation(summary="Đơn vị xin gia hạn một hạn chót", tags=["events"],
           request=ExtensionRequestCreate, responses={201: ExtensionRequestOut},
           errors=[400, 401, 403, 404, 409, 413, 422, 429, 503])
@policy(Role.unit, load=EVENT, api=True)
def ask_extension(event: Event):
    """409 ``duplicate`` while a request for the same deadline is pending."""
    data = json_body(ExtensionRequestCreate)
    user = api_user()
    asked = requests.ask(event, user.unit, data["deadline"], data["reason"], data["until"],
                         user)
    return jsonify(requests.to_dict(asked)), 201


@bp.get("/events/<slug>/extension-requests")
@operation(summary="Đơn xin gia hạn (Ban tổ chức: tất cả; đơn vị: của mình)", tags=["events"],
           responses={200: ExtensionRequestList})
@policy(Role.organizer, Role.unit, load=EVENT, api=True)
def list_extension_requests(event: Event):
    user = api_user()
    rows = requests.of_event(event, user.unit_id if user.is_unit else None)
    return {"requests": [requests.to_dict(r) for r in rows]}
