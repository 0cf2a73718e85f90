"""The outbox worker: runs the producers (reminder rules…), then delivers what is due.

Claims are short transactions: the due rows (queued and ``next_attempt_at`` ≤ now, or
``sending`` with an expired lease) are taken — ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so
workers on several hosts take disjoint rows; SQLite's single write lock (``unit_of_work``
begins IMMEDIATE) serialises them — and set ``sending`` with ``lease_until`` and one more
attempt, then committed. Each message is then sent outside any transaction and its outcome
recorded at once, in its own transaction, with a ``MessageAttempt`` row.

Exactly once, and its one window: a worker killed after the SMTP server accepted a mail
(250) but before its "sent" committed would send it again once the lease expires. Recording
right after each send keeps that window to one UPDATE and commit (milliseconds); a worker
killed anywhere else resends nothing (its claimed, unsent rows wait for the lease) and loses
nothing (they are still in the outbox). The receiving side can recognise such a repeat by its
Message-ID, which is fixed when the row is written.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask

from eventapp.clock import now
from eventapp.database import UTCDateTime, is_sqlite, unit_of_work
from eventapp.extensions import db
from eventapp.messages import rules
from eventapp.messages.channels import (
    DeliveryFailure,
    Outgoing,
    PermanentFailure,
    Sender,
    TemporaryFailure,
    senders,
)
from eventapp.messages.models import (
    AttemptOutcome,
    Channel,
    Message,
    MessageAttempt,
    MessageStatus,
)

log = logging.getLogger(__name__)

#: ``fn(now) -> int`` (messages written), run before each delivery round in its own
#: transaction; the reminders register their rule evaluation here.
_PRODUCERS: list[Callable[[datetime], int]] = []

#: Environment variable ``serve`` sets: the worker stops when that process (gunicorn) ends.
PARENT_ENV = "EVENTAPP_OUTBOX_PARENT"


def register_producer(fn: Callable[[datetime], int]) -> Callable[[datetime], int]:
    """Have every worker call ``fn(now)`` each round before delivering (usable as a
    decorator); registering the same function twice keeps one."""
    if fn not in _PRODUCERS:
        _PRODUCERS.append(fn)
    return fn


@dataclass
class Round:
    """What one round did, for the CLI's output and the tests."""

    produced: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    #: Channels that cannot deliver now: why, and how many of their messages wait.
    waiting: dict[Channel, tuple[str, int]] = field(default_factory=dict)

    @property
    def delivered(self) -> int:
        return self.sent + self.retried + self.failed


class Worker:
    """One delivery process: ``run_once()`` for a round, ``run()`` until stopped."""

    def __init__(self, app: Flask, name: str | None = None):
        self.app = app
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.senders: dict[Channel, Sender] = senders(app.config)
        self.stopping = threading.Event()
        self.batch = int(app.config["OUTBOX_BATCH"])
        self.lease = timedelta(seconds=float(app.config["OUTBOX_LEASE"]))
        self.max_attempts = int(app.config["OUTBOX_MAX_ATTEMPTS"])
        self.lease_until = now()  # of the current claim
        self.connection: sa.Connection | None = None  # see _recorder

    # --- the loop ----------------------------------------------------------------------

    def run(self) -> None:
        """Loop until SIGTERM or SIGINT (the current message is finished, the rest of the
        claim handed back), sleeping ``OUTBOX_IDLE`` seconds when nothing was due."""
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: self.stopping.set())
        parent = os.environ.get(PARENT_ENV)
        idle = float(self.app.config["OUTBOX_IDLE"])
        while not self.stopping.is_set():
            if parent and os.getppid() != int(parent):
                break  # the server it ran beside is gone
            try:
                self.run_once()  # delivers everything due, batch after batch
            except Exception:  # the database restarting, a full disk: wait, then go on
                log.exception("outbox round failed; trying again")
                db.session.rollback()
                self.stopping.wait(idle * 10)
                continue
            self.stopping.wait(idle)

    def run_once(self) -> Round:
        """Run the producers, then deliver every due message (batch after batch)."""
        done = Round(produced=self.produce())
        try:
            while not self.stopping.is_set():
                claimed = self.claim()
                if not claimed:
                    break
                self.deliver(claimed, done)
        finally:
            for sender in self.senders.values():
                sender.close()
            self._close_recorder()
        done.waiting = self.waiting()
        return done

    def produce(self) -> int:
        written = 0
        for producer in list(_PRODUCERS):
            try:
                with unit_of_work():
                    written += producer(now()) or 0
            except Exception:  # one broken rule must not stop delivery of everything else
                log.exception("outbox producer %r failed", producer)
        return written

    # --- claim, send, record -----------------------------------------------------------

    def ready_channels(self) -> list[Channel]:
        return [channel for channel, sender in self.senders.items() if sender.ready() is None]

    def claim(self) -> list[Outgoing]:
        """Take up to ``OUTBOX_BATCH`` due rows for this worker, in one short transaction."""
        channels = self.ready_channels()
        if not channels:
            return []
        with unit_of_work() as session:
            at = now()
            due = sa.or_(
                sa.and_(Message.status == MessageStatus.queued, Message.next_attempt_at <= at),
                sa.and_(Message.status == MessageStatus.sending, Message.lease_until < at))
            query = (sa.select(Message.id).where(due, Message.channel.in_(channels))
                     .order_by(Message.next_attempt_at, Message.id).limit(self.batch))
            if not is_sqlite(session.get_bind()):
                query = query.with_for_update(skip_locked=True)
            ids = session.scalars(query).all()
            if not ids:
                return []
            session.execute(
                sa.update(Message).where(Message.id.in_(ids))
                .values(status=MessageStatus.sending, lease_until=at + self.lease,
                        attempts=Message.attempts + 1)
                .execution_options(synchronize_session=False))
            rows = session.execute(
                sa.select(Message.id, Message.channel, Message.attempts, Message.address,
                          Message.recipient_name, Message.subject, Message.body_text,
                          Message.body_html, Message.attachments, Message.message_id,
                          Message.lease_until)
                .where(Message.id.in_(ids)).order_by(Message.next_attempt_at, Message.id))
            claimed = [Outgoing(id=r.id, channel=r.channel, attempts=r.attempts,
                                address=r.address, recipient_name=r.recipient_name,
                                subject=r.subject, body_text=r.body_text,
                                body_html=r.body_html, attachments=tuple(r.attachments or ()),
                                message_id=r.message_id)
                       for r in rows]
            self.lease_until = at + self.lease
        return claimed

    def deliver(self, claimed: list[Outgoing], done: Round) -> None:
        """Send each claimed message and record it at once; hand back what is left when
        stopping or when the lease is nearly over (another worker may take it then)."""
        instant = [o for o in claimed if o.channel is Channel.inapp]
        if instant:  # nothing can fail: one transaction for them all
            self.record(instant, AttemptOutcome.sent, "")
            done.sent += len(instant)
        left = [o for o in claimed if o.channel is not Channel.inapp]
        margin = self.lease / 5
        while left:
            if self.stopping.is_set() or now() > self.lease_until - margin:
                self.release(left)
                return
            outgoing = left.pop(0)
            sender = self.senders[outgoing.channel]
            try:
                reply = sender.send(outgoing)
            except Exception as error:
                if not isinstance(error, DeliveryFailure):
                    # A sender's bug: recorded and retried like a 4xx, not a claim left
                    # "sending" that every worker would take and drop again.
                    log.exception("sending message %s failed unexpectedly", outgoing.id)
                    sender.close()  # no half-done exchange for the next message
                    error = TemporaryFailure(f"Lỗi không mong đợi khi gửi: "
                                             f"{type(error).__name__}: {error}")
                permanent = isinstance(error, PermanentFailure)
                outcome = AttemptOutcome.failed if permanent else AttemptOutcome.retry
                outcome = self.record([outgoing], outcome, str(error))
                if outcome is AttemptOutcome.failed:
                    done.failed += 1
                else:
                    done.retried += 1
                continue
            self.record([outgoing], AttemptOutcome.sent, reply)
            done.sent += 1

    def record(self, rows: list[Outgoing], outcome: AttemptOutcome,
               detail: str) -> AttemptOutcome:
        """Write the outcome of sending ``rows`` (and a log line each); a temporary failure
        past ``OUTBOX_MAX_ATTEMPTS`` becomes ``failed``. Returns the outcome written.

        Only a claim that is still this worker's is updated (status ``sending`` and the
        attempt it made): a row another worker took after the lease is not overwritten.
        """
        at = now()
        values: dict = {"lease_until": None}
        if outcome is AttemptOutcome.sent:
            values.update(status=MessageStatus.sent, sent_at=at, last_error=None)
        else:
            delay = rules.retry_delay(rows[0].attempts, self.max_attempts) \
                if outcome is AttemptOutcome.retry else None
            if delay is None:
                outcome = AttemptOutcome.failed
                values.update(status=MessageStatus.failed, last_error=detail)
            else:
                values.update(status=MessageStatus.queued, next_attempt_at=at + delay,
                              last_error=detail)
        groups = sorted({o.attempts for o in rows})
        statements = [self._record_statement([o.id for o in rows if o.attempts == attempts],
                                             attempts, values, outcome, detail[:2000], at)
                      for attempts in groups]
        connection = self._recorder()
        if is_sqlite(connection):
            with connection.begin():
                for update, log in statements:
                    connection.execute(update)
                    connection.execute(log)
        else:  # one statement each, autocommitted: one round trip to the server
            for statement in statements:
                connection.execute(statement)
        return outcome

    def _record_statement(self, ids: list[int], attempts: int, values: dict,
                          outcome: AttemptOutcome, detail: str, at: datetime):
        """SQLite: the UPDATE and the log's INSERT, for one transaction. PostgreSQL: one
        statement (the INSERT reads the UPDATE's RETURNING), so a record costs one round
        trip — 4 ms each on this loaded machine, most of the worker's time."""
        messages, log = Message.__table__, MessageAttempt.__table__
        update = (messages.update()
                  .where(messages.c.id.in_(ids), messages.c.status == MessageStatus.sending,
                         messages.c.attempts == attempts)
                  .values(**values))
        columns = ["message_id", "at", "outcome", "detail", "worker"]
        constants = [sa.literal(at, UTCDateTime()), sa.literal(outcome, log.c.outcome.type),
                     sa.literal(detail),
                     sa.literal(self.name)]
        if is_sqlite(self._recorder()):
            return update, log.insert().from_select(
                columns, sa.select(messages.c.id, *constants).where(messages.c.id.in_(ids)))
        done = update.returning(messages.c.id).cte("done")
        return log.insert().from_select(columns, sa.select(done.c.id, *constants))

    def _recorder(self) -> sa.Connection:
        """A connection kept for the round's records, with core statements: this runs once
        per message sent, and a pooled checkout (with its ping) and the ORM's bookkeeping
        cost more than the statements themselves (bench/outbox_bench.py). SQLite: each
        record's transaction begins IMMEDIATE, as ``unit_of_work`` does; PostgreSQL:
        autocommit, each record being one statement."""
        if self.connection is None:
            connection = db.engine.connect()
            if is_sqlite(connection):
                connection = connection.execution_options(sqlite_immediate=True)
            else:
                connection = connection.execution_options(isolation_level="AUTOCOMMIT")
                # A record's commit does not wait for the disk (13 ms a commit here against
                # 1.7): only a crash of the database server itself within a fraction of a
                # second can lose a "sent", and that message is then sent again after its
                # lease (never lost: its row committed durably when it was written).
                connection.exec_driver_sql("SET synchronous_commit = off")
            self.connection = connection
        return self.connection

    def _close_recorder(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            if not is_sqlite(connection):
                connection.exec_driver_sql("RESET synchronous_commit")  # back to the pool
        finally:
            connection.close()

    def release(self, rows: list[Outgoing]) -> None:
        """Hand claimed, unsent rows back at once (as if never claimed), so that another
        worker need not wait for the lease."""
        with unit_of_work() as session:
            for o in rows:
                session.execute(
                    sa.update(Message)
                    .where(Message.id == o.id, Message.status == MessageStatus.sending,
                           Message.attempts == o.attempts)
                    .values(status=MessageStatus.queued, lease_until=None,
                            attempts=Message.attempts - 1)
                    .execution_options(synchronize_session=False))

    def waiting(self) -> dict[Channel, tuple[str, int]]:
        """Queued messages of the channels that cannot deliver now, and why."""
        found: dict[Channel, tuple[str, int]] = {}
        for channel, sender in self.senders.items():
            reason = sender.ready()
            if reason is None:
                continue
            count = db.session.scalar(sa.select(sa.func.count()).select_from(Message).where(
                Message.channel == channel, Message.status == MessageStatus.queued))
            db.session.rollback()  # end the read: the loop must not hold a snapshot open
            found[channel] = (reason, count)
        return found
