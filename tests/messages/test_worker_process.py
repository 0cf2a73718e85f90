"""``flask outbox run`` as real processes against a real SMTP server: killed with SIGKILL
in the middle of a batch and restarted, stopped with SIGTERM, two at once. Every message is
counted at the server by its Message-ID."""

from __future__ import annotations

import collections
import os
import signal
import subprocess
import sys
import time

import pytest
import sqlalchemy as sa

from bench.harness import ROOT
from eventapp.clock import now
from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.messages import outbox
from eventapp.messages.models import Channel, Message, MessageAttempt, MessageStatus
from eventapp.messages.worker import Worker

LEASE = 4  # seconds: short, so that the restart need not wait long for a dead claim


def env_for(app, sink) -> dict:
    env = dict(os.environ)
    env.pop("TEST_DATABASE_URL", None)
    env.update(DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               EVENTAPP_INSTANCE_PATH=app.instance_path, SECRET_KEY=app.config["SECRET_KEY"],
               EVENTAPP_OUTBOX_LEASE=str(LEASE), EVENTAPP_OUTBOX_IDLE="0.2", **sink.env())
    return env


COMMAND = [sys.executable, "-m", "flask", "--app", "eventapp", "outbox", "run"]


def worker(env, *args) -> subprocess.Popen:
    return subprocess.Popen([*COMMAND, *args], env=env, cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


def run_once(env) -> str:
    """``outbox run --once`` to its end: exit 0, its output returned."""
    done = subprocess.run([*COMMAND, "--once"], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def write(count: int) -> set[str]:
    recipients = [outbox.Recipient(name=f"Đơn vị {i}", address=f"donvi{i}@test.vn")
                  for i in range(count)]
    with unit_of_work():
        rows = outbox.enqueue(recipients, subject="Nhắc nộp câu hỏi", body="Còn thiếu câu hỏi.",
                              cause="reminder", channels=[Channel.email])
    return {row.message_id for row in rows}


def statuses() -> collections.Counter:
    db.session.rollback()
    return collections.Counter(db.session.scalars(sa.select(Message.status)))


def received_once(sink, expected: set[str]) -> None:
    counts = collections.Counter(m.message_id for m in sink.received)
    assert {mid for mid, n in counts.items() if n > 1} == set(), "sent twice"
    assert set(counts) == expected, "lost or unknown messages"


def test_a_worker_killed_mid_batch_then_restarted_sends_every_message_exactly_once(
        app, mailsink):
    expected = write(60)
    env = env_for(app, mailsink)
    first = worker(env)

    def kill_at_the_26th(accepted: int) -> None:
        # The 26th message's recipient: the 25th was accepted and recorded, the 26th's data
        # has not been sent. SIGKILL: no handler, no cleanup.
        if accepted == 25:
            os.kill(first.pid, signal.SIGKILL)

    mailsink.on_rcpt = kill_at_the_26th
    assert first.wait(timeout=120) == -signal.SIGKILL
    mailsink.on_rcpt = None
    assert len(mailsink.received) == 25
    counts = statuses()
    assert counts[MessageStatus.sent] == 25
    assert counts[MessageStatus.sending] >= 1  # the dead worker's claim, held by its lease

    # Another worker at once (in this process, so it starts within the lease): it sends
    # what was never claimed and leaves the dead claim alone.
    app.config.update(mailsink.config())
    assert Worker(app).run_once().sent == counts[MessageStatus.queued]
    assert statuses()[MessageStatus.sending] == counts[MessageStatus.sending]
    # Restarted once the lease is over: the dead claim goes out, once.
    lease_end = db.session.scalar(sa.select(sa.func.max(Message.lease_until)))
    if lease_end is not None:
        time.sleep(max(0.0, (lease_end - now()).total_seconds()) + 0.5)
    assert run_once(env).startswith(f"Đã gửi {counts[MessageStatus.sending]} thư")
    assert statuses() == {MessageStatus.sent: 60}
    received_once(mailsink, expected)


def test_sigterm_finishes_the_current_message_and_hands_the_rest_back(app, mailsink):
    expected = write(30)
    env = env_for(app, mailsink)
    running = worker(env)
    mailsink.on_rcpt = lambda accepted: accepted == 5 and os.kill(running.pid, signal.SIGTERM)
    output, _ = running.communicate(timeout=120)
    assert running.returncode == 0, output
    assert "Đã dừng." in output
    assert len(mailsink.received) == 6  # the one being sent when told to stop went out
    counts = statuses()
    assert counts == {MessageStatus.sent: 6, MessageStatus.queued: 24}
    # Handed back as if never claimed: no attempt counted, no lease to wait for.
    assert db.session.scalar(sa.select(sa.func.max(Message.attempts)).where(
        Message.status == MessageStatus.queued)) == 0
    mailsink.on_rcpt = None
    assert run_once(env).startswith("Đã gửi 24 thư")
    received_once(mailsink, expected)


@pytest.mark.concurrency
def test_two_workers_at_once_never_send_a_message_twice(app, mailsink):
    expected = write(200)
    mailsink.delay = 0.03  # 6 s of sending alone: the two workers overlap
    env = env_for(app, mailsink)
    workers = [worker(env, "--once") for _ in range(2)]
    outputs = [w.communicate(timeout=300)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    assert statuses() == {MessageStatus.sent: 200}
    received_once(mailsink, expected)
    by_worker = collections.Counter(db.session.scalars(sa.select(MessageAttempt.worker)))
    assert len(by_worker) == 2, by_worker  # both took part
    assert sum(by_worker.values()) == 200  # one attempt per message: no claim was shared
