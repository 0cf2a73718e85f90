"""Channels: how the worker hands one outbox row to its recipient.

A ``Sender`` per ``Channel``: ``ready()`` says whether it can deliver now (None) or why not
(e-mail without ``MAIL_SERVER``: the rows wait, queued); ``send(outgoing)`` delivers one
message and returns what the other side answered, or raises ``TemporaryFailure`` (try
again later) or ``PermanentFailure`` (never will: the row is marked failed with the reason).

Adding Zalo (ZNS) or SMS later: a member in ``models.Channel``, a ``Sender`` here that maps
its gateway's answers onto the two failures (a rate limit or a timeout is temporary, an
unknown number permanent), and a line in ``senders()``. The worker does not change.
"""

from __future__ import annotations

import base64
import re
import smtplib
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email import encoders
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr
from typing import Protocol

from eventapp.clock import now
from eventapp.messages.models import Channel


class DeliveryFailure(Exception):
    """A send that did not go through; ``str(error)`` is what the server or gateway said."""


class TemporaryFailure(DeliveryFailure):
    """4xx, a timeout, a refused or dropped connection: the worker retries later."""


class PermanentFailure(DeliveryFailure):
    """5xx, a bad address, an attachment that cannot be made: retrying cannot help."""


@dataclass(frozen=True)
class Outgoing:
    """What a sender needs of a row, read once when the worker loads its claim (so sending
    touches no database session)."""

    id: int
    channel: Channel
    attempts: int
    address: str | None
    recipient_name: str
    subject: str
    body_text: str
    body_html: str | None
    attachments: tuple[dict, ...]
    message_id: str


class Sender(Protocol):
    channel: Channel

    def ready(self) -> str | None: ...

    def send(self, outgoing: Outgoing) -> str: ...

    def close(self) -> None: ...


class InAppSender:
    """The in-app inbox: the row itself is the message, so delivery is immediate."""

    channel = Channel.inapp

    def ready(self) -> str | None:
        return None

    def send(self, outgoing: Outgoing) -> str:
        return ""

    def close(self) -> None:
        pass


#: Attachment builders by kind: ``fn(ref) -> (filename, mimetype, bytes)``.
_ATTACHMENTS: dict[str, Callable[[dict], tuple[str, str, bytes]]] = {}


class Unavailable(LookupError):
    """What an attachment names is gone or may not be sent (a cancelled delegate's code): the
    message fails for good rather than being tried again."""


def register_attachment(kind: str, fn: Callable[[dict], tuple[str, str, bytes]]) -> None:
    """Make attachments of ``kind`` (``{"kind": kind, …}`` in a row's ``attachments``) when
    the mail is sent: the row keeps a reference, not the bytes. A builder raising
    ``LookupError`` (the object is gone) fails the message for good."""
    _ATTACHMENTS[kind] = fn


#: An address as the outbox stores it: one @, no spaces or control characters (a newline
#: would let a value add its own headers).
_ADDRESS = re.compile(r"^[^@\s\x00-\x1f\x7f]+@[^@\s\x00-\x1f\x7f]+$")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def compose(outgoing: Outgoing, sender: str) -> Message:
    """One e-mail to one recipient (never BCC): UTF-8 subject and body, the HTML body as an
    alternative to the text, the row's Message-ID, its attachments built now.

    Built with ``email.mime`` (headers encoded once, RFC 2047) rather than ``EmailMessage``:
    the latter parses and refolds every header, 8 ms a message on this machine against
    1.5 ms, most of the worker's time at 10,000 reminders (bench/outbox_bench.py).
    """
    if not _ADDRESS.match(outgoing.address or ""):
        raise PermanentFailure(f"Địa chỉ thư không hợp lệ: {outgoing.address!r}")
    body: Message = MIMEText(outgoing.body_text, "plain", "utf-8")
    if outgoing.body_html:
        body = MIMEMultipart("alternative", _subparts=[
            body, MIMEText(outgoing.body_html, "html", "utf-8")])
    mail = body
    if outgoing.attachments:
        mail = MIMEMultipart("mixed", _subparts=[body])
        for ref in outgoing.attachments:
            mail.attach(_attachment(ref))
    name, address = parseaddr(sender)
    mail["From"] = formataddr((_one_line(name), address), "utf-8")
    mail["To"] = formataddr((_one_line(outgoing.recipient_name or ""), outgoing.address),
                            "utf-8")
    mail["Subject"] = Header(_one_line(outgoing.subject), "utf-8", header_name="Subject")
    mail["Message-ID"] = outgoing.message_id
    mail["Date"] = format_datetime(now())
    return mail


def build_attachment(ref: dict) -> tuple[str, str, bytes]:
    """The file ``ref`` names, made now; ``Unavailable`` for an unknown kind."""
    builder = _ATTACHMENTS.get(ref.get("kind"))
    if builder is None:
        raise Unavailable(f"Không có cách tạo tệp đính kèm loại {ref.get('kind')!r}.")
    return builder(ref)


def _attachment(ref: dict) -> MIMEBase:
    try:
        filename, mimetype, data = build_attachment(ref)
    except LookupError as error:
        raise PermanentFailure(f"Không tạo được tệp đính kèm {ref}: {error}") from None
    maintype, _, subtype = mimetype.partition("/")
    part = MIMEBase(maintype, subtype or "octet-stream")
    part.set_payload(data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", filename))
    return part


def _smtp_failure(code: int, reply) -> DeliveryFailure:
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    kind = PermanentFailure if 500 <= code < 600 else TemporaryFailure
    return kind(f"{code} {text}")


class EmailSender:
    """E-mail over SMTP (``MAIL_*`` settings): one connection kept for a batch, one message
    per recipient. Any failure closes the connection, so the next message starts clean."""

    channel = Channel.email

    def __init__(self, config: Mapping):
        self.config = config
        self.connection: smtplib.SMTP | None = None

    def ready(self) -> str | None:
        if not self.config.get("MAIL_SERVER"):
            return "Chưa cấu hình MAIL_SERVER: thư điện tử nằm chờ trong hộp thư đi."
        return None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        timeout = float(c.get("MAIL_TIMEOUT") or 30)
        if c.get("MAIL_USE_SSL"):
            connection = smtplib.SMTP_SSL(c["MAIL_SERVER"], int(c["MAIL_PORT"]), timeout=timeout,
                                          context=ssl.create_default_context())
        else:
            connection = smtplib.SMTP(c["MAIL_SERVER"], int(c["MAIL_PORT"]), timeout=timeout)
        try:  # a refused STARTTLS or login closes the socket it opened
            if c.get("MAIL_USE_TLS") and not c.get("MAIL_USE_SSL"):
                connection.starttls(context=ssl.create_default_context())
            if c.get("MAIL_USERNAME"):
                _log_in(connection, c["MAIL_USERNAME"], c.get("MAIL_PASSWORD") or "",
                        encrypted=bool(c.get("MAIL_USE_SSL") or c.get("MAIL_USE_TLS")))
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, outgoing: Outgoing) -> str:
        mail = compose(outgoing, self.config["MAIL_DEFAULT_SENDER"])
        try:
            if self.connection is None:
                self.connection = self._connect()
            refused = self.connection.send_message(mail, to_addrs=[outgoing.address])
        except smtplib.SMTPRecipientsRefused as error:
            self.close()
            code, reply = next(iter(error.recipients.values()))
            raise _smtp_failure(code, reply) from None
        except smtplib.SMTPAuthenticationError as error:
            # Wrong credentials are the operator's to fix, not the recipient's fault: wait.
            self.close()
            reply = error.smtp_error
            reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
            raise TemporaryFailure(f"Đăng nhập SMTP bị từ chối: {error.smtp_code} "
                                   f"{reply}") from None
        except smtplib.SMTPResponseException as error:
            self.close()
            raise _smtp_failure(error.smtp_code, error.smtp_error) from None
        except ssl.SSLCertVerificationError as error:
            self.close()
            raise TemporaryFailure(
                f"Không tin được chứng chỉ của máy chủ thư ({error.verify_message}): cài chứng "
                "chỉ CA của máy chủ lên máy này, hoặc ghi MAIL_SERVER đúng tên trong chứng chỉ."
            ) from None
        except (smtplib.SMTPException, OSError) as error:  # refused, timed out, dropped
            self.close()
            raise TemporaryFailure(f"{type(error).__name__}: {error}") from None
        if refused:  # one recipient only: refused means this message was not accepted
            code, reply = next(iter(refused.values()))
            raise _smtp_failure(code, reply)
        return "250 OK"

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.quit()
            except (smtplib.SMTPException, OSError):
                connection.close()


def _log_in(connection: smtplib.SMTP, user: str, password: str, *, encrypted: bool) -> None:
    """Log in as ``smtplib.login`` does (CRAM-MD5, then PLAIN, then LOGIN: the password is
    not sent in the clear when the server can take a digest); a name or password with
    Vietnamese letters, which ``smtplib`` can only encode as ASCII (it raises), goes by
    AUTH PLAIN in UTF-8 (RFC 4616).

    A server that does not offer AUTH on an unencrypted connection (it wants STARTTLS
    first) is a setting to fix, said in Vietnamese rather than as smtplib's English."""
    connection.ehlo_or_helo_if_needed()
    if not connection.has_extn("auth"):
        hint = "" if encrypted else (" khi chưa mã hóa: bật MAIL_USE_TLS (cổng 587) hoặc "
                                     "MAIL_USE_SSL (cổng 465)")
        raise TemporaryFailure(f"Máy chủ thư không cho đăng nhập{hint}.")
    if (user + password).isascii():
        connection.login(user, password)
        return
    if "plain" not in connection.esmtp_features["auth"].lower().split():
        raise TemporaryFailure("Máy chủ thư không nhận tên hoặc mật khẩu có chữ có dấu "
                               "(không có AUTH PLAIN): đặt MAIL_USERNAME và MAIL_PASSWORD "
                               "không dấu.")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode()).decode()
    code, reply = connection.docmd("AUTH", "PLAIN " + token)
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


def senders(config: Mapping) -> dict[Channel, Sender]:
    """One sender per channel, for one worker."""
    return {Channel.inapp: InAppSender(), Channel.email: EmailSender(config)}


def unavailable(config: Mapping) -> dict[Channel, str]:
    """The channels that cannot deliver with these settings, and why (for the organizer's
    pages and the CLI: e-mail without ``MAIL_SERVER`` waits in the outbox)."""
    return {channel: reason for channel, sender in senders(config).items()
            if (reason := sender.ready()) is not None}
