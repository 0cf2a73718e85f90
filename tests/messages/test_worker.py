"""The worker in this process against a real SMTP server: what arrives, and what the outbox
records for each outcome (sent, retried after 4xx or a refused connection, failed on 5xx)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from bench.mailsink import free_port
from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.messages import channels, outbox, rules, worker
from eventapp.messages.models import Channel, Message, MessageAttempt, MessageStatus
from eventapp.messages.worker import Worker

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
SUBJECT = "Nhắc nộp câu hỏi: còn thiếu 3 câu — hạn chót 05/03/2026"
BODY = "Kính gửi Đoàn xã Ba Tri,\nđơn vị đã gửi 2/5 câu hỏi. Đề nghị bổ sung trước hạn chót."


def rows() -> list[Message]:
    db.session.expire_all()
    return db.session.scalars(sa.select(Message).order_by(Message.id)).all()


def log_of(message: Message) -> list[str]:
    return db.session.scalars(sa.select(MessageAttempt.outcome).where(
        MessageAttempt.message_id == message.id).order_by(MessageAttempt.id)).all()


def write(recipients, **kwargs) -> list[Message]:
    kwargs.setdefault("subject", SUBJECT)
    kwargs.setdefault("body", BODY)
    kwargs.setdefault("cause", "manual")
    with unit_of_work():
        return outbox.enqueue(recipients, **kwargs)


def addressee(n: int) -> outbox.Recipient:
    return outbox.Recipient(name=f"Chị Nguyễn Thị Lan {n}", address=f"lan{n}@batri.vn")


@pytest.fixture
def clock(set_now):
    set_now(T0)
    return set_now


@pytest.fixture
def card_attachment(monkeypatch):
    """A test attachment kind: a PNG-typed card built from the reference when sent."""
    monkeypatch.setattr(channels, "_ATTACHMENTS", dict(channels._ATTACHMENTS))

    def build(ref: dict):
        if ref["id"] == 404:
            raise LookupError("không còn")
        return f"the-{ref['id']}.png", "image/png", b"\x89PNG card " + str(ref["id"]).encode()

    channels.register_attachment("test_card", build)


def test_each_recipient_gets_their_own_mail_in_vietnamese_with_html_and_attachment(
        mail_app, mailsink, users, clock, card_attachment):
    write([addressee(1), addressee(2), outbox.for_user(users["unit_a"])],
          html="<p>Kính gửi <b>Đoàn xã Ba Tri</b></p>",
          attachments=[{"kind": "test_card", "id": 7}])
    done = Worker(mail_app).run_once()
    assert (done.sent, done.retried, done.failed) == (4, 0, 0)  # 3 e-mails, 1 in-app

    assert sorted(tuple(m.rcpt_tos) for m in mailsink.received) == [
        ("batri@test.vn",), ("lan1@batri.vn",), ("lan2@batri.vn",)]  # never together, no BCC
    by_id = {m.message_id: m.parsed() for m in mailsink.received}
    for row in rows():
        assert row.status is MessageStatus.sent and row.attempts == 1
        assert row.sent_at == T0 and row.lease_until is None
        assert log_of(row) == ["sent"]
        if row.channel is Channel.inapp:
            continue
        mail = by_id[row.message_id]
        assert mail["Subject"] == SUBJECT
        assert mail["To"].addresses[0].addr_spec == row.address
        assert mail["To"].addresses[0].display_name == row.recipient_name
        assert mail["From"].addresses[0].display_name == "Tỉnh Đoàn"
        assert "Bcc" not in mail
        assert mail.get_body(("plain",)).get_content().rstrip("\n") == BODY
        assert "<b>Đoàn xã Ba Tri</b>" in mail.get_body(("html",)).get_content()
        [card] = list(mail.iter_attachments())
        assert card.get_filename() == "the-7.png"
        assert card.get_content_type() == "image/png"
        assert card.get_content() == b"\x89PNG card 7"
    # Subjects travel encoded (RFC 2047), not as raw UTF-8 bytes a server may refuse.
    assert all(b"Subject: =?utf-8?" in m.data for m in mailsink.received)


def test_a_temporary_failure_is_retried_later_and_then_sent(mail_app, mailsink, clock):
    [message] = write([addressee(1)], channels=[Channel.email])
    mailsink.replies.append("451 4.3.0 Máy chủ bận, thử lại sau")
    done = Worker(mail_app).run_once()
    assert (done.sent, done.retried) == (0, 1)
    [row] = rows()
    assert row.status is MessageStatus.queued and row.attempts == 1
    assert row.next_attempt_at == T0 + timedelta(minutes=1)
    assert row.last_error.startswith("451 4.3.0")
    assert mailsink.received == []

    assert Worker(mail_app).run_once().delivered == 0  # not due yet: nothing is tried
    clock(T0 + timedelta(minutes=1))
    assert Worker(mail_app).run_once().sent == 1
    [row] = rows()
    assert (row.status, row.attempts, row.last_error) == (MessageStatus.sent, 2, None)
    assert log_of(row) == ["retry", "sent"]
    assert [m.message_id for m in mailsink.received] == [message.message_id]


def test_a_permanent_failure_is_recorded_with_the_servers_reply(mail_app, mailsink, clock):
    write([addressee(1), addressee(2)], channels=[Channel.email])
    mailsink.replies.append("550 5.1.1 Hộp thư không tồn tại")
    done = Worker(mail_app).run_once()
    assert (done.sent, done.failed) == (1, 1)
    failed, sent = rows()
    assert failed.status is MessageStatus.failed and failed.attempts == 1
    assert failed.last_error == "550 5.1.1 Hộp thư không tồn tại"
    assert log_of(failed) == ["failed"]
    assert sent.status is MessageStatus.sent
    clock(T0 + timedelta(days=1))
    assert Worker(mail_app).run_once().delivered == 0  # failed for good: never retried


def test_a_refused_connection_is_temporary_and_the_worker_gives_up_after_the_last_attempt(
        app, clock):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port(), OUTBOX_MAX_ATTEMPTS=3)
    write([addressee(1)], channels=[Channel.email])
    at = T0
    for attempt in (1, 2):
        assert Worker(app).run_once().retried == 1
        [row] = rows()
        assert (row.status, row.attempts) == (MessageStatus.queued, attempt)
        assert "ConnectionRefusedError" in row.last_error
        at = row.next_attempt_at
        clock(at)
    assert at == T0 + timedelta(minutes=1 + 5)  # growing delays
    assert Worker(app).run_once().failed == 1
    [row] = rows()
    assert (row.status, row.attempts) == (MessageStatus.failed, 3)
    assert log_of(row) == ["retry", "retry", "failed"]


def test_an_attachment_that_cannot_be_made_fails_the_message(mail_app, mailsink, clock,
                                                             card_attachment):
    write([addressee(1)], channels=[Channel.email], attachments=[{"kind": "test_card",
                                                                  "id": 404}])
    write([addressee(2)], channels=[Channel.email], attachments=[{"kind": "unknown"}])
    assert Worker(mail_app).run_once().failed == 2
    assert [r.status for r in rows()] == [MessageStatus.failed] * 2
    assert "không còn" in rows()[0].last_error
    assert mailsink.received == []


def test_without_mail_server_email_waits_queued_and_the_inbox_still_works(
        app, users, clock, runner):
    write([outbox.for_user(users["unit_a"])])
    result = runner.invoke(args=["outbox", "run", "--once"])
    assert result.exit_code == 0, result.output
    assert "Chưa cấu hình MAIL_SERVER" in result.output
    assert "(1 thư đang chờ)" in result.output
    assert [(r.channel, r.status, r.attempts) for r in rows()] == [
        (Channel.inapp, MessageStatus.sent, 1), (Channel.email, MessageStatus.queued, 0)]


def test_held_scheduled_and_cancelled_messages_are_not_sent(mail_app, mailsink, clock):
    write([addressee(1)], channels=[Channel.email], approval=True)
    write([addressee(2)], channels=[Channel.email], not_before=T0 + timedelta(hours=1))
    [cancelled] = write([addressee(3)], channels=[Channel.email])
    with unit_of_work():
        db.session.execute(sa.update(Message).where(Message.id == cancelled.id)
                           .values(status=MessageStatus.cancelled))
    assert Worker(mail_app).run_once().delivered == 0
    clock(T0 + timedelta(hours=1))
    assert Worker(mail_app).run_once().sent == 1
    assert [m.rcpt_tos for m in mailsink.received] == [["lan2@batri.vn"]]


def test_producers_run_each_round_before_delivery(mail_app, mailsink, clock, monkeypatch):
    monkeypatch.setattr(worker, "_PRODUCERS", [])
    seen = []

    @worker.register_producer
    def remind(at):
        seen.append(at)
        return len(outbox.enqueue([addressee(9)], subject="Nhắc", body="Nhắc việc",
                                  cause="reminder", channels=[Channel.email], dedupe="rule:1"))

    worker.register_producer(remind)  # once is enough
    first = Worker(mail_app).run_once()
    second = Worker(mail_app).run_once()
    assert (first.produced, first.sent, second.produced, second.sent) == (1, 1, 0, 0)
    assert seen == [T0, T0]
    assert len(mailsink.received) == 1


def test_a_lost_claim_is_taken_again_after_its_lease(mail_app, mailsink, clock):
    """A worker that died holding a claim: its rows wait for the lease, then go once."""
    write([addressee(1)], channels=[Channel.email])
    dead = Worker(mail_app, name="dead")
    assert len(dead.claim()) == 1
    assert Worker(mail_app).run_once().delivered == 0
    clock(T0 + timedelta(seconds=mail_app.config["OUTBOX_LEASE"] + 1))
    assert Worker(mail_app).run_once().sent == 1
    [row] = rows()
    assert (row.status, row.attempts) == (MessageStatus.sent, 2)


@pytest.mark.parametrize("attempts, delay", [
    (1, timedelta(minutes=1)), (2, timedelta(minutes=5)), (3, timedelta(minutes=15)),
    (4, timedelta(hours=1)), (7, timedelta(hours=1)), (8, None), (9, None)])
def test_retry_delays_grow_and_are_capped_then_give_up(attempts, delay):
    assert rules.retry_delay(attempts, 8) == delay


def test_a_bad_address_fails_for_good_and_no_value_can_add_a_header(mail_app, mailsink, clock):
    write([outbox.Recipient(name="X", address="lan@batri.vn\r\nBcc: ke-gian@evil.vn")],
          channels=[Channel.email])
    write([outbox.Recipient(name="Chị Lan\r\nBcc: ke-gian@evil.vn", address="lan@batri.vn")],
          channels=[Channel.email], subject="Thông báo\r\nBcc: ke-gian@evil.vn")
    done = Worker(mail_app).run_once()
    assert (done.sent, done.failed) == (1, 1)
    assert rows()[0].last_error.startswith("Địa chỉ thư không hợp lệ")
    [mail] = mailsink.received
    assert mail.rcpt_tos == ["lan@batri.vn"]
    parsed = mail.parsed()
    assert "Bcc" not in parsed and parsed["Subject"] == "Thông báo Bcc: ke-gian@evil.vn"


def test_a_senders_bug_on_one_message_is_recorded_and_the_rest_go_out(mail_app, mailsink,
                                                                        clock, monkeypatch):
    """An exception no sender expects (here from composing one mail) is logged on that
    message, which waits for a later try like a 4xx, and the batch goes on: no claim is
    left "sending" for every worker to take and drop again."""
    compose = channels.compose

    def broken_for_lan2(outgoing, sender):
        if outgoing.address == "lan2@batri.vn":
            raise RuntimeError("lỗi thử")
        return compose(outgoing, sender)

    monkeypatch.setattr(channels, "compose", broken_for_lan2)
    write([addressee(n) for n in (1, 2, 3)])
    done = Worker(mail_app).run_once()
    assert (done.sent, done.retried) == (2, 1)
    assert sorted(m.rcpt_tos[0] for m in mailsink.received) == ["lan1@batri.vn",
                                                                 "lan3@batri.vn"]
    stuck = next(m for m in rows() if m.address == "lan2@batri.vn")
    assert stuck.status == MessageStatus.queued
    assert stuck.last_error == "Lỗi không mong đợi khi gửi: RuntimeError: lỗi thử"


def test_the_loop_survives_a_failed_round_and_stops_when_told(app, monkeypatch):
    monkeypatch.setattr(worker.signal, "signal", lambda *args: None)  # keep pytest's own
    app.config["OUTBOX_IDLE"] = 0.01
    looping = Worker(app)
    rounds = []

    def run_once():
        rounds.append(len(rounds))
        if len(rounds) == 1:
            raise sa.exc.OperationalError("SELECT 1", {}, Exception("database restarting"))
        if len(rounds) == 3:
            looping.stopping.set()  # as SIGTERM's handler does

    monkeypatch.setattr(looping, "run_once", run_once)
    looping.run()
    assert rounds == [0, 1, 2]


def test_the_loop_ends_when_the_server_it_ran_beside_is_gone(app, monkeypatch):
    monkeypatch.setattr(worker.signal, "signal", lambda *args: None)
    monkeypatch.setenv(worker.PARENT_ENV, "1")  # not our parent: as if gunicorn had ended
    looping = Worker(app)
    monkeypatch.setattr(looping, "run_once", lambda: pytest.fail("no round without a parent"))
    looping.run()


def test_an_organizers_notice_arrives_with_an_html_alternative(mail_app, mailsink, users,
                                                              token_for, clock):
    """A notice written as plain text (here through the API, as reminders and password links
    are) still arrives with an HTML part: its paragraphs kept, its address clickable and its
    text escaped, never read as markup."""
    client = mail_app.test_client()
    body = ("Kính gửi {don_vi},\nxem hướng dẫn tại https://tinhdoan.vn/huong-dan?muc=1&trang=2."
            "\n\nGhi chú: <b>không</b> phải thẻ.")
    response = client.post("/api/v1/events/doi-thoai-2020/messages",
                           headers=token_for(users["organizer"]),
                           json={"audience": {"units": ["BATRI"]}, "subject": "Hướng dẫn",
                                 "body": body, "channels": ["email"]})
    assert response.status_code == 202, response.get_json()
    assert Worker(mail_app).run_once().failed == 0
    assert mailsink.received
    for received in mailsink.received:
        mail = received.parsed()
        assert "xem hướng dẫn tại https://tinhdoan.vn/huong-dan?muc=1&trang=2." in \
            mail.get_body(("plain",)).get_content()
        html = mail.get_body(("html",)).get_content()
        assert ('<a href="https://tinhdoan.vn/huong-dan?muc=1&amp;trang=2">'
                "https://tinhdoan.vn/huong-dan?muc=1&amp;trang=2</a>.") in html
        assert "Kính gửi Huyện đoàn Ba Tri,<br>" in html
        assert "</p>\n<p>Ghi chú: &lt;b&gt;không&lt;/b&gt; phải thẻ.</p>" in html


@pytest.mark.parametrize("text, html", [
    ("Một dòng", "<p>Một dòng</p>"),
    ("a\nb\n\n\nc", "<p>a<br>\nb</p>\n<p>c</p>"),
    ("Xem http://x.vn/a, rồi (https://y.vn/b).", 'Xem <a href="http://x.vn/a">http://x.vn/a</a>,'
     ' rồi (<a href="https://y.vn/b">https://y.vn/b</a>).'),
    ('<script>alert("x")</script>', "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</p>"),
    ('javascript:alert(1) "http://a.vn/"', '<p>javascript:alert(1) &#34;<a href="http://a.vn/">'
     "http://a.vn/</a>&#34;</p>"),
])
def test_the_html_alternative_is_the_text_escaped_with_links(text, html):
    assert html in outbox.html_from_text(text)
