"""JSON API: notices to units, the outbox's messages, reminder rules (organizers)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import request

from eventapp.accounts.models import Role, User
from eventapp.api import api_blueprint, json_body, load, operation
from eventapp.auth import api_user
from eventapp.clock import now
from eventapp.errors import NotFound
from eventapp.events.models import Event
from eventapp.events.services import get_event
from eventapp.extensions import db
from eventapp.messages import reminders, services
from eventapp.messages.models import Channel, Message
from eventapp.messages.schemas import (
    MessageList,
    MessageQuery,
    NoticeRequest,
    Queued,
    RuleCreated,
    RuleRequest,
)
from eventapp.policy import EVENT, policy
from eventapp.units.models import Unit

bp = api_blueprint("messages_api", __name__)

#: Messages per page of ``GET /api/v1/messages``.
API_PAGE = 500


@bp.post("/events/<slug>/messages")
@operation(summary="Gửi thông báo tới một nhóm đơn vị (qua hộp thư đi)", tags=["messages"],
           request=NoticeRequest, responses={202: Queued})
@policy(Role.organizer, load=EVENT, api=True)
def send_notice(event: Event):
    data = json_body(NoticeRequest)
    count = reminders.send_notice(event, data["audience"], data["subject"], data["body"],
                                  [Channel(c) for c in dict.fromkeys(data["channels"])],
                                  api_user(), now())
    return {"queued": count}, 202


@bp.get("/messages")
@operation(summary="Thư trong hộp thư đi, mới nhất trước, 500 thư một trang", tags=["messages"],
           query=MessageQuery, responses={200: MessageList})
@policy(Role.organizer, api=True)
def list_messages():
    """The outbox, newest first, a page of ``API_PAGE`` at a time (a reminder to every unit
    writes thousands): ``total`` and ``pages`` say how many more to ask for."""
    args = load(MessageQuery, request.args.to_dict())
    event = None
    if args["event"] and (event := get_event(args["event"])) is None:
        raise NotFound("Không tìm thấy sự kiện.")
    filters = services.Filters(status=args["status"] or "")
    page = db.paginate(sa.select(Message.id).join(
        (query := services.filtered(event, filters).subquery()), query.c.id == Message.id)
        .order_by(Message.id.desc()), page=args["page"], per_page=API_PAGE, error_out=False)
    rows = db.session.execute(
        sa.select(Message.id, Unit.code, Message.address, User.email, Message.recipient_name,
                  Message.channel, Message.status, Message.attempts, Message.last_error)
        .where(Message.id.in_(page.items)).outerjoin(Unit, Unit.id == Message.unit_id)
        .outerjoin(User, User.id == Message.user_id).order_by(Message.id.desc()))
    return {"messages": [
        {"id": id_, "unit": code, "to": address or email or name, "channel": channel,
         "status": status, "attempts": attempts, "error": error}
        for id_, code, address, email, name, channel, status, attempts, error in rows],
        "total": page.total, "page": page.page, "pages": max(page.pages, 1)}


@bp.post("/events/<slug>/reminders")
@operation(summary="Thêm quy tắc nhắc việc theo hạn chót", tags=["messages"],
           request=RuleRequest, responses={201: RuleCreated})
@policy(Role.organizer, load=EVENT, api=True)
def create_rule(event: Event):
    rule = reminders.create_rule(event, json_body(RuleRequest), api_user())
    return {"id": rule.id}, 201
