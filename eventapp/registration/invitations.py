"""Invitations by e-mail (gửi giấy mời qua thư điện tử): each delegate with an e-mail gets a
message with the QR code as a PNG attachment and a signed link to the printable invitation.

The row carries the attachment by reference (``{"kind": "invitation_qr", "id": …}``): the PNG
is made when the mail is sent (``qr_attachment``), from the delegate's code at that moment.
The link needs no login: it is signed with the app's secret (itsdangerous) and opens only
while the event lasts; it names the delegate, not the code, so a re-issued code shows on the
same link at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy.orm import selectinload

from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import NotFound
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.messages import outbox
from eventapp.messages.channels import Unavailable
from eventapp.messages.models import Channel, Message, MessageStatus
from eventapp.messages.notices import link
from eventapp.registration import codes, printing, qr
from eventapp.registration.models import Attendee, AttendeeStatus

CAUSE = "invitation"
ATTACHMENT = "invitation_qr"
SALT = "eventapp/invitation-link/v1"
EXPIRED = "Liên kết giấy mời đã hết hạn (sự kiện đã kết thúc) hoặc không đúng."


def ref(attendee_id: int) -> str:
    return f"attendee:{attendee_id}"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def token(attendee: Attendee) -> str:
    return _serializer().dumps([attendee.event_id, attendee.id])


def ends(event: Event) -> datetime | None:
    """When the invitation links stop opening: the end (else the start) of the event's last
    session; None while the event has no session."""
    return max((s.ends_at or s.starts_at for s in event.sessions), default=None)


def from_token(event: Event, value: str) -> Attendee:
    """The active delegate a link names; ``NotFound`` for a tampered or foreign link, one
    past the event's end, or a cancelled delegate."""
    try:
        event_id, attendee_id = _serializer().loads(value)
    except (BadSignature, ValueError, TypeError):
        raise NotFound(EXPIRED) from None
    attendee = db.session.get(Attendee, attendee_id) if isinstance(attendee_id, int) else None
    end = ends(event)
    if attendee is None or event_id != event.id or attendee.event_id != event.id or \
            (end is not None and now() > end):
        raise NotFound(EXPIRED)
    if not attendee.is_active:
        raise NotFound("Đại biểu đã bị hủy đăng ký; giấy mời không còn hiệu lực.")
    return attendee


def qr_attachment(reference: dict) -> tuple[str, str, bytes]:
    """The ``invitation_qr`` attachment: the delegate's current QR code as a PNG."""
    attendee = db.session.get(Attendee, reference.get("id"))
    if attendee is None or not attendee.is_active:
        raise Unavailable("Đại biểu đã bị hủy đăng ký; không gửi mã QR.")
    return f"ma-qr-{attendee.id}.png", "image/png", qr.png(codes.attendee_code(attendee))


def _text(attendee: Attendee, href: str) -> str:
    event = attendee.event
    lines = [f"Kính gửi {attendee.full_name},", "",
             f"Ban tổ chức trân trọng kính mời Ông (Bà) tham dự {event.title}.", ""]
    lines += [f"- {s.name}: {printing.vn_when(s, event.timezone)}" for s in attendee.sessions]
    lines += ["", "Mã QR check-in của Ông (Bà) được đính kèm thư này; xin mang theo (in ra "
              "hoặc trên điện thoại) khi đến dự.",
              f"Giấy mời in được (không cần đăng nhập): {href}", "", "Ban tổ chức"]
    return "\n".join(lines)


def _enqueue(attendee: Attendee, actor) -> list[Message]:
    href = link("registration.invitation_link", slug=attendee.event.slug,
                invitation_token=token(attendee))
    body = _text(attendee, href)
    return outbox.enqueue(
        [outbox.Recipient(name=attendee.full_name, address=attendee.email,
                          unit_id=attendee.unit_id)],
        subject=f"Giấy mời tham dự {attendee.event.title}", body=body,
        cause=CAUSE, channels=(Channel.email,),
        event_id=attendee.event_id, unit_id=attendee.unit_id, cause_ref=ref(attendee.id),
        created_by_id=getattr(actor, "id", None),
        attachments=[{"kind": ATTACHMENT, "id": attendee.id}])


def _sendable(event: Event):
    return (sa.select(Attendee).where(Attendee.event_id == event.id,
                                      Attendee.status == AttendeeStatus.active,
                                      Attendee.email != "").order_by(Attendee.id)
            .options(selectinload(Attendee.sessions)))  # each mail lists them


def send(event: Event, attendee_ids: Iterable[int] | None, actor) -> int:
    """Queue an invitation to each of ``attendee_ids`` (again, if one was sent before) or,
    with None, to every delegate who has none yet; returns how many were queued. Delegates
    without an e-mail or cancelled are skipped."""
    # Two organizers sending "all not yet sent" at once: the second waits here and then
    # sees the first one's messages, so nobody gets two.
    lock(event)
    stmt = _sendable(event)
    if attendee_ids is None:
        stmt = stmt.where(~sa.exists().where(Message.cause == CAUSE,
                                             Message.cause_ref == sa.literal("attendee:").concat(
                                                 sa.cast(Attendee.id, sa.String))))
    else:
        stmt = stmt.where(Attendee.id.in_(list(attendee_ids)))
    attendees = db.session.scalars(stmt).all()
    for attendee in attendees:
        _enqueue(attendee, actor)
    return len(attendees)


def latest(attendee_ids: Sequence[int]) -> dict[int, Message]:
    """Each delegate's latest invitation message (for its delivery status)."""
    if not attendee_ids:
        return {}
    rows = db.session.scalars(sa.select(Message).where(
        Message.cause == CAUSE, Message.cause_ref.in_([ref(i) for i in attendee_ids]))
        .order_by(Message.id))
    return {int(row.cause_ref.partition(":")[2]): row for row in rows}


def after_reissue(attendee: Attendee, actor) -> None:
    """A re-issued code makes a sent invitation's QR useless: send a new one. One still
    queued needs nothing: its attachment is made from the new code when it goes out."""
    message = latest([attendee.id]).get(attendee.id)
    if message is not None and message.status in (MessageStatus.sent, MessageStatus.sending):
        _enqueue(attendee, actor)
