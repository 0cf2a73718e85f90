"""The organizer's outbox of an event (thư đã gửi): filters, the delivery log, resending,
approving and cancelling, which units have not read a notice, and the Excel export.

Reminder rules and notices are written by ``reminders.py``; delivery is the worker's.
Filters travel in the query string: ``unit=<code>``, ``status=<status>``, ``rule=<id>``,
``ref=<cause_ref>`` (one notice), so the list, its export and the unread units agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy.orm import selectinload

from eventapp.clock import now
from eventapp.database import lock
from eventapp.errors import Conflict
from eventapp.events.models import Event
from eventapp.extensions import db
from eventapp.messages.models import Channel, Message, MessageStatus
from eventapp.params import whole_number
from eventapp.spreadsheets import Column, XlsxBuilder, spooled_xlsx
from eventapp.units.models import Unit

PER_PAGE = 50
S = MessageStatus


@dataclass(frozen=True)
class Filters:
    unit: str = ""
    status: str = ""
    rule: int | None = None
    ref: str = ""

    @property
    def args(self) -> dict[str, str]:
        """The filters as query-string arguments (links, the pager, the export)."""
        values = {"unit": self.unit, "status": self.status,
                  "rule": str(self.rule) if self.rule else "", "ref": self.ref}
        return {k: v for k, v in values.items() if v}

    @property
    def cause_ref(self) -> str:
        return f"rule:{self.rule}" if self.rule else self.ref


def parse_filters(args: Mapping) -> Filters:
    """Unknown values are ignored (a hand-edited link shows everything rather than fail)."""
    status = args.get("status", "")
    return Filters(unit=(args.get("unit") or "").strip().upper()[:40],
                   status=status if status in S.__members__ else "",
                   rule=whole_number(args.get("rule")),
                   ref=(args.get("ref") or "").strip()[:80])


def filtered(event: Event | None, f: Filters) -> sa.Select:
    """Messages of ``event`` (every event with None) matching ``f``, newest first."""
    stmt = sa.select(Message).order_by(Message.id.desc())
    if event is not None:
        stmt = stmt.where(Message.event_id == event.id)
    if f.unit:
        stmt = stmt.join(Unit, Unit.id == Message.unit_id).where(Unit.code == f.unit)
    if f.status:
        stmt = stmt.where(Message.status == f.status)
    if f.cause_ref:
        stmt = stmt.where(Message.cause_ref == f.cause_ref)
    return stmt


def page_of(event: Event, f: Filters, page: int) -> Pagination:
    return db.paginate(filtered(event, f).options(selectinload(Message.attempts_log)),
                       page=page, per_page=PER_PAGE, error_out=False)


def counts(event: Event) -> dict[str, int]:
    """Messages of the event by status (one grouped query)."""
    return dict(db.session.execute(sa.select(Message.status, sa.func.count()).where(
        Message.event_id == event.id).group_by(Message.status)).all())


def unit_names(event: Event) -> dict[int, tuple[str, str]]:
    """``unit id → (code, name)`` of every unit a message of the event is about."""
    return {uid: (code, name) for uid, code, name in db.session.execute(
        sa.select(Unit.id, Unit.code, Unit.name).where(Unit.id.in_(
            sa.select(Message.unit_id).where(Message.event_id == event.id))))}


def unread_units(event: Event, f: Filters) -> list[tuple[str, str, int]]:
    """Units that received the filtered notices in the app and have read none of them:
    ``(code, name, messages)``, by name."""
    inbox = filtered(event, f).where(Message.channel == Channel.inapp,
                                     Message.status == S.sent).order_by(None).subquery()
    rows = db.session.execute(
        sa.select(Unit.code, Unit.name, sa.func.count(inbox.c.id))
        .join(inbox, inbox.c.unit_id == Unit.id).group_by(Unit.id, Unit.code, Unit.name)
        .having(sa.func.count(inbox.c.read_at) == 0).order_by(Unit.name))
    return [tuple(row) for row in rows]


def get_message(event: Event, message_id: int) -> Message | None:
    message = db.session.get(Message, message_id)
    return message if message is not None and message.event_id == event.id else None


def _move(message: Message, allowed: set[MessageStatus], to: MessageStatus,
          refusal: str) -> Message:
    """Lock the message, check its state, move it (a queued one is due at once)."""
    lock(message)
    if message.status not in allowed:
        raise Conflict(refusal + f" Thư này đang ở trạng thái “{message.status.label}”.")
    message.status = to
    if to is S.queued:
        message.next_attempt_at, message.lease_until = now(), None
    db.session.flush()
    return message


def resend(message: Message) -> Message:
    """A failed message goes back to the queue; its attempts and log are kept."""
    return _move(message, {S.failed}, S.queued, "Chỉ gửi lại được thư gửi lỗi.")


def approve(message: Message) -> Message:
    return _move(message, {S.awaiting_approval}, S.queued, "Chỉ duyệt được thư đang chờ duyệt.")


def cancel(message: Message) -> Message:
    return _move(message, {S.awaiting_approval, S.queued}, S.cancelled,
                 "Chỉ hủy được thư chờ duyệt hoặc chờ gửi.")


def _move_all(event: Event, f: Filters, source: MessageStatus, to: MessageStatus) -> int:
    """One UPDATE: a message another organizer moved meanwhile is simply not matched."""
    ids = filtered(event, f).where(Message.status == source).with_only_columns(Message.id)
    values = {"status": to}
    if to is S.queued:
        values.update(next_attempt_at=now(), lease_until=None)
    result = db.session.execute(sa.update(Message).where(
        Message.id.in_(ids.order_by(None)), Message.status == source).values(**values)
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return result.rowcount


def resend_failed(event: Event, f: Filters) -> int:
    """Every failed message of the filter back to the queue; how many."""
    return _move_all(event, f, S.failed, S.queued)


def approve_all(event: Event, f: Filters) -> int:
    return _move_all(event, f, S.awaiting_approval, S.queued)


MESSAGE_COLUMNS = [
    Column("Mã thư", 9, "number"), Column("Đơn vị", 28), Column("Người nhận", 24),
    Column("Địa chỉ", 28), Column("Kênh", 14), Column("Trạng thái", 12),
    Column("Tiêu đề", 40, wrap=True), Column("Nội dung", 60, wrap=True),
    Column("Nguồn", 14), Column("Số lần gửi", 9, "number"), Column("Lỗi gần nhất", 40, wrap=True),
    Column("Tạo lúc", 18, "datetime"), Column("Gửi lúc", 18, "datetime"),
    Column("Đọc lúc", 18, "datetime"),
]


def workbook(event: Event, f: Filters):
    """The filtered messages as one sheet (streamed), formula-safe like every export."""
    names = unit_names(event)

    def rows():
        for m in db.session.scalars(filtered(event, f).execution_options(yield_per=500)):
            yield [m.id, names.get(m.unit_id, ("", ""))[1], m.recipient_name, m.address or "",
                   m.channel.label, m.status.label, m.subject, m.body_text, m.cause_ref or m.cause,
                   m.attempts, m.last_error or "", m.created_at, m.sent_at, m.read_at]

    builder = XlsxBuilder(event.timezone)
    builder.add_sheet("Thư đã gửi", MESSAGE_COLUMNS, rows())
    return spooled_xlsx(builder)
