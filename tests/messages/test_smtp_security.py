"""E-mail through a mail server that wants encryption and a login, as a provider's relay does
(#15 item 3): STARTTLS on the submission port (``MAIL_USE_TLS``), TLS from the first byte
(``MAIL_USE_SSL``) and ``MAIL_USERNAME`` / ``MAIL_PASSWORD``, against a real aiosmtpd server
with a certificate from a local CA that the worker trusts (``SSL_CERT_FILE``), as an office's
own relay would be. A wrong password, a server whose certificate is not trusted, and a server
that refuses to talk in the clear leave the message queued for a later try, never lost."""

from __future__ import annotations

import ssl
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from bench.mailsink import MailSink, free_port
from eventapp.database import unit_of_work
from eventapp.extensions import db
from eventapp.messages import outbox
from eventapp.messages.models import Message, MessageAttempt, MessageStatus
from eventapp.messages.worker import Worker
from eventapp.venue import tls

USER, PASSWORD = "tinhdoan@relay.vn", "mật-khẩu-SMTP"


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    files = tls.TlsFiles(tmp_path_factory.mktemp("smtp-tls"))
    tls.ensure_certificates(files, ["localhost"])
    return files


def _server_context(files) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(files.cert, files.key)
    return context


class Relay(MailSink):
    """``MailSink`` behind encryption and a login: STARTTLS required before anything, or
    (``implicit``) TLS from the first byte."""

    def __init__(self, files, *, implicit: bool = False, password: str = PASSWORD):
        super().__init__()
        self.password = password
        context = _server_context(files)
        # aiosmtpd offers AUTH under implicit TLS only when not told to wait for STARTTLS.
        tls_options = {"ssl_context": context, "auth_require_tls": False} if implicit else {
            "tls_context": context, "require_starttls": True, "auth_require_tls": True}
        self.controller = Controller(
            self.controller.handler, hostname="127.0.0.1", port=free_port(),
            enable_SMTPUTF8=True, auth_required=True, authenticator=self.authenticate,
            **tls_options)
        self.port = self.controller.port

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        good = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() \
            and auth_data.password == self.password.encode()
        return AuthResult(success=good, handled=False)  # a failure answers 535

    def config(self) -> dict:
        return {**super().config(), "MAIL_SERVER": "localhost",  # the name the cert is for
                "MAIL_USERNAME": USER, "MAIL_PASSWORD": self.password}


@pytest.fixture
def trusted(certificates, monkeypatch):
    """The worker trusts the relay's CA, as a server would once it is installed."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_cert))
    return certificates


def _queue_one(app) -> Message:
    app.config["NOW"] = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    with unit_of_work():
        return outbox.enqueue([outbox.Recipient(name="Chị Lan", address="lan@batri.vn")],
                              subject="Nhắc nộp câu hỏi — hạn chót 05/03/2026",
                              body="Đề nghị đơn vị bổ sung câu hỏi.", cause="manual")[0]


def _state(message: Message) -> tuple[MessageStatus, list[str]]:
    db.session.expire_all()
    row = db.session.get(Message, message.id)
    log = db.session.scalars(sa.select(MessageAttempt.detail).where(
        MessageAttempt.message_id == message.id).order_by(MessageAttempt.id)).all()
    return row.status, log


# The server's own warning for implicit TLS: its connection is encrypted from the start.
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("implicit, password", [(False, PASSWORD), (True, PASSWORD),
                                                (False, "plain-ascii-123")],
                         ids=["starttls-587", "ssl-465", "ascii-password"])
def test_mail_goes_out_encrypted_and_logged_in(app, trusted, implicit, password):
    """A password with Vietnamese letters goes by AUTH PLAIN in UTF-8; an ASCII one by
    smtplib's own choice of mechanism."""
    with Relay(trusted, implicit=implicit, password=password) as relay:
        app.config.update(relay.config(), MAIL_USE_TLS=not implicit, MAIL_USE_SSL=implicit)
        message = _queue_one(app)
        assert Worker(app).run_once().sent == 1
    assert _state(message)[0] == MessageStatus.sent
    [received] = relay.received
    assert received.rcpt_tos == ["lan@batri.vn"]
    assert received.parsed()["Subject"] == "Nhắc nộp câu hỏi — hạn chót 05/03/2026"


@pytest.mark.parametrize("problem", ["wrong password", "untrusted certificate",
                                     "no STARTTLS configured"])
def test_a_relay_that_refuses_us_leaves_the_message_queued(app, certificates, monkeypatch,
                                                           problem):
    if problem != "untrusted certificate":
        monkeypatch.setenv("SSL_CERT_FILE", str(certificates.ca_cert))
    with Relay(certificates) as relay:
        app.config.update(relay.config(), MAIL_USE_TLS=problem != "no STARTTLS configured")
        if problem == "wrong password":
            app.config["MAIL_PASSWORD"] = "sai"
        message = _queue_one(app)
        done = Worker(app).run_once()
    assert (done.sent, done.retried) == (0, 1)
    status, log = _state(message)
    assert status == MessageStatus.queued and relay.received == []
    expected = {"wrong password": "Đăng nhập SMTP bị từ chối",
                "untrusted certificate": "Không tin được chứng chỉ của máy chủ thư",
                "no STARTTLS configured": "bật MAIL_USE_TLS (cổng 587)"}[problem]
    assert expected in log[-1], log
