"""The in-app inbox (hộp thư): the bell's unread count, the list, a message page that marks
it read. Works with no e-mail and no internet: the rows are the messages."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, render_template, request
from flask_login import current_user

from eventapp.clock import now
from eventapp.database import lock
from eventapp.extensions import db
from eventapp.messages.access import is_recipient
from eventapp.messages.models import Channel, Message, MessageStatus
from eventapp.params import storable_int
from eventapp.policy import ANY_ROLE, Loader, policy

bp = Blueprint("inbox", __name__, url_prefix="/inbox")
PER_PAGE = 20
#: Written but not (yet) for the recipient's eyes.
HIDDEN = (MessageStatus.awaiting_approval, MessageStatus.cancelled)


def visible(user_id: int):
    """The recipient's in-app messages that have reached the inbox: not held for approval,
    not cancelled, not scheduled for later."""
    return sa.and_(Message.user_id == user_id, Message.channel == Channel.inapp,
                   Message.status.not_in(HIDDEN), Message.next_attempt_at <= now())


def inbox_query(user_id: int):
    return sa.select(Message).where(visible(user_id)).order_by(Message.created_at.desc(),
                                                               Message.id.desc())


def unread_count(user_id: int) -> int:
    """One indexed count (``ix_message_inbox``) for the bell on every page."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(
        visible(user_id), Message.read_at.is_(None))) or 0


def _fetch(_event, message_id: int) -> Message | None:
    return db.session.scalar(sa.select(Message).where(
        Message.id == message_id, Message.channel == Channel.inapp,
        Message.status.not_in(HIDDEN), Message.next_attempt_at <= now()))


#: ``<message_id>``: a message of the caller's own inbox; anyone else's is a 404.
MESSAGE = Loader("message_id", "message", _fetch, is_recipient, "Không tìm thấy thư.",
                 personal=True)


def mark_read(message: Message) -> Message:
    """Set the read receipt once (the first reading counts); flushes."""
    if message.read_at is None:
        lock(message)
        if message.read_at is None:
            message.read_at = now()
            db.session.flush()
    return message


def init_bell(app) -> None:
    """``inbox_unread()`` in templates: counted only where the header draws the bell."""

    @app.context_processor
    def bell():
        def inbox_unread() -> int:
            return unread_count(current_user.id) if current_user.is_authenticated else 0

        return {"inbox_unread": inbox_unread}


@bp.get("/")
@policy(*ANY_ROLE)
def index():
    page = db.paginate(inbox_query(current_user.id), page=request.args.get(
        "page", 1, type=storable_int), per_page=PER_PAGE, error_out=False)
    return render_template("messages/inbox.html", page=page)


@bp.get("/<int:message_id>")
@policy(*ANY_ROLE, load=MESSAGE)
def show(message: Message, event=None):  # no event in this URL: the policy passes None
    """Opening a message is reading it: this visit sets the read receipt (a GET that
    writes, as a mail client's does; the request's unit of work commits it)."""
    mark_read(message)
    return render_template("messages/message.html", message=message)
