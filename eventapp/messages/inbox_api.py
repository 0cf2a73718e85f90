"""JSON API of the in-app inbox (any token): one's own messages, and their read receipts."""

from __future__ import annotations

from eventapp.api import api_blueprint, operation
from eventapp.auth import token_holder
from eventapp.extensions import db
from eventapp.messages.inbox import MESSAGE, inbox_query, mark_read
from eventapp.messages.models import Message
from eventapp.policy import ANY_ROLE, policy
from eventapp.schemas import Schema, fields

bp = api_blueprint("inbox_api", __name__)
#: The newest messages returned (the page lists them all, paged).
LIMIT = 200


class InboxItem(Schema):
    id = fields.Integer()
    subject = fields.String()
    body = fields.String()
    read = fields.Boolean()
    created_at = fields.DateTime()


class InboxList(Schema):
    messages = fields.List(fields.Nested(InboxItem))


class ReadResult(Schema):
    id = fields.Integer()
    read = fields.Boolean()


def _item(message: Message) -> dict:
    return {"id": message.id, "subject": message.subject, "body": message.body_text,
            "read": message.read_at is not None, "created_at": message.created_at.isoformat()}


@bp.get("/inbox")
@operation(summary="Hộp thư trong ứng dụng của người gọi, mới nhất trước", tags=["inbox"],
           responses={200: InboxList})
@policy(*ANY_ROLE, api=True)
def inbox():
    """The caller's own in-app messages (not those awaiting approval or cancelled)."""
    rows = db.session.scalars(inbox_query(token_holder().id).limit(LIMIT))
    return {"messages": [_item(m) for m in rows]}


@bp.post("/inbox/<int:message_id>/read")
@operation(summary="Đánh dấu đã đọc một thư của mình", tags=["inbox"],
           responses={200: ReadResult}, errors=[401, 404, 503])
@policy(*ANY_ROLE, load=MESSAGE, api=True)
def read(message: Message, event=None):  # no event in this URL: the policy passes None
    """200 with the read receipt set (the first reading counts); 404 for someone else's."""
    mark_read(message)
    return {"id": message.id, "read": True}
