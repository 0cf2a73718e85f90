"""Writing messages into the outbox: the one way any domain sends anything.

``enqueue`` only adds rows to the session (and flushes): the message commits or rolls back
with the change that caused it, so a notice is never sent for a change that was refused and
never lost for one that committed. Delivery is the worker's job.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from markupsafe import escape

from eventapp.accounts.models import Role, User
from eventapp.clock import now
from eventapp.extensions import db
from eventapp.messages.models import Channel, Message, MessageStatus
from eventapp.units.models import UnitContact


@dataclass(frozen=True)
class Recipient:
    """Someone a message can reach: an account (in-app, and e-mail at its login address), or a
    bare address (a unit's contact, a delegate)."""

    name: str
    user_id: int | None = None
    address: str | None = None
    unit_id: int | None = None

    @property
    def key(self) -> str:
        """Stable identity for dedupe keys: the account, else the address."""
        return f"user:{self.user_id}" if self.user_id else f"address:{self.address}"

    def reachable_by(self, channel: Channel) -> bool:
        return bool(self.user_id) if channel is Channel.inapp else bool(self.address)


def for_user(user: User) -> Recipient:
    return Recipient(name=user.full_name or user.email, user_id=user.id, address=user.email,
                     unit_id=user.unit_id)


def unit_recipients(unit_ids: Iterable[int]) -> dict[int, list[Recipient]]:
    """Each unit's active accounts and its contacts with an e-mail, in two queries.

    A contact whose address is also an account's login is reached once, as the account.
    """
    ids = list(unit_ids)
    found: dict[int, list[Recipient]] = {unit_id: [] for unit_id in ids}
    if not ids:
        return found
    users = db.session.scalars(
        sa.select(User).where(User.unit_id.in_(ids), User.active.is_(True),
                              User.role == Role.unit).order_by(User.id))
    seen: set[tuple[int, str]] = set()
    for user in users:
        found[user.unit_id].append(for_user(user))
        seen.add((user.unit_id, user.email.lower()))
    contacts = db.session.scalars(
        sa.select(UnitContact).where(UnitContact.unit_id.in_(ids),
                                     UnitContact.email.is_not(None)).order_by(UnitContact.id))
    for contact in contacts:
        if (contact.unit_id, contact.email.lower()) in seen:
            continue
        seen.add((contact.unit_id, contact.email.lower()))
        found[contact.unit_id].append(Recipient(name=contact.name or contact.email,
                                                address=contact.email, unit_id=contact.unit_id))
    return found


def new_message_id() -> str:
    """An unguessable Message-ID in the sender's domain (``MAIL_DEFAULT_SENDER``)."""
    sender = current_app.config.get("MAIL_DEFAULT_SENDER") or ""
    domain = sender.rpartition("@")[2].strip("> ") or "eventapp.local"
    return f"<{secrets.token_hex(16)}@{domain}>"


#: A web address in a message's text; trailing sentence punctuation is not part of it.
_URL = re.compile(r"https?://[^\s<>\"']+")
_TRAILING = ".,;:!?)"


def _linked(text: str) -> str:
    """``text`` escaped, each web address in it an escaped link (found in the raw text, so an
    escaped quote or ampersand never becomes part of an address)."""
    out, at = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        out.append(str(escape(text[at:match.start()])))
        out.append('<a href="{0}">{0}</a>'.format(escape(url)))
        at = match.start() + len(url)
    out.append(str(escape(text[at:])))
    return "".join(out)


def html_from_text(text: str) -> str:
    """The HTML alternative of a plain-text message: its paragraphs and line breaks kept and
    every web address clickable. ``enqueue`` gives every e-mail one, so a rule's reminder or an
    organizer's notice reads as well in a mail client as a notice written by the app."""
    paragraphs = [part for part in re.split(r"\n\s*\n", text.strip()) if part.strip()]
    return "\n".join("<p>" + _linked(part).replace("\n", "<br>\n") + "</p>"
                     for part in paragraphs)


def enqueue(recipients: Sequence[Recipient], *, subject: str, body: str, cause: str,
            html: str | None = None, channels: Sequence[Channel] = (Channel.inapp, Channel.email),
            event_id: int | None = None, unit_id: int | None = None,
            cause_ref: str | None = None, created_by_id: int | None = None,
            approval: bool = False, attachments: Sequence[dict] = (),
            dedupe: str | None = None, not_before: datetime | None = None) -> list[Message]:
    """One row per recipient and channel it can be reached by; returns the rows added.

    ``html`` is the e-mail's HTML alternative; without it, one is made from ``body``.

    ``dedupe`` (a prefix such as ``rule:12``) makes each recipient's message unique for good:
    a recipient who already has a row with that key is skipped, and the unique index decides
    between two writers at once (the loser's transaction fails and is retried by its caller).
    """
    status = MessageStatus.awaiting_approval if approval else MessageStatus.queued
    html = html if html is not None else html_from_text(body)
    due = not_before or now()
    rows: list[Message] = []
    keys: dict[str, Message] = {}
    for recipient in recipients:
        for channel in channels:
            if not recipient.reachable_by(channel):
                continue
            key = f"{dedupe}:{recipient.key}:{channel}" if dedupe else None
            if key and key in keys:
                continue
            message = Message(
                event_id=event_id, unit_id=recipient.unit_id or unit_id,
                user_id=recipient.user_id,
                address=recipient.address if channel is Channel.email else None,
                recipient_name=recipient.name, channel=channel, subject=subject,
                body_text=body, body_html=html, attachments=list(attachments), status=status,
                next_attempt_at=due, cause=cause, cause_ref=cause_ref, dedupe_key=key,
                message_id=new_message_id(), created_by_id=created_by_id)
            rows.append(message)
            if key:
                keys[key] = message
    if keys:
        taken = set(db.session.scalars(
            sa.select(Message.dedupe_key).where(Message.dedupe_key.in_(list(keys)))))
        rows = [row for row in rows if row.dedupe_key not in taken]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def cancel_waiting(cause: str, cause_ref: str) -> int:
    """Cancel the messages of ``cause``/``cause_ref`` not yet taken by a worker (queued or
    awaiting approval), in the caller's transaction; returns how many. One being sent
    (``sending``) is left to its worker: the change came too late for it."""
    result = db.session.execute(
        sa.update(Message).where(Message.cause == cause, Message.cause_ref == cause_ref,
                                 Message.status.in_([MessageStatus.queued,
                                                     MessageStatus.awaiting_approval]))
        .values(status=MessageStatus.cancelled).execution_options(synchronize_session="fetch"))
    return result.rowcount
