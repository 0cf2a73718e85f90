"""A real SMTP server on a loopback port (aiosmtpd) that keeps what it receives: the tests'
and the outbox bench's mail server.

It can be slowed per message (``delay``), answer the next DATA commands with given replies
(``451 …`` then accepted, ``550 …``) and call a hook when a message's recipient arrives,
before its data (``on_rcpt``: the kill test stops the worker there, between two messages).
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller

_MESSAGE_ID = re.compile(rb"^Message-ID:\s*(\S+)", re.IGNORECASE | re.MULTILINE)


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message_id(self) -> str:
        found = _MESSAGE_ID.search(self.data.split(b"\r\n\r\n", 1)[0])
        return found.group(1).decode() if found else ""

    def parsed(self) -> EmailMessage:
        # Line ends as Python's parser expects them (the wire's are CRLF).
        return message_from_bytes(self.data.replace(b"\r\n", b"\n"), policy=policy.default)


class _Handler:
    def __init__(self, sink: MailSink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)  # slows each message, not the server
        if self.sink.on_rcpt is not None:
            self.sink.on_rcpt(len(self.sink.received))
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.sink.lock:
            if self.sink.replies:
                return self.sink.replies.pop(0)
            self.sink.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                               envelope.original_content or envelope.content))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class MailSink:
    """``with MailSink() as sink:`` … ``sink.port``, ``sink.received``."""

    def __init__(self):
        self.received: list[Received] = []
        self.replies: list[str] = []
        self.on_rcpt: Callable[[int], None] | None = None
        self.delay = 0.0  # seconds before each recipient is accepted
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port,
                                     enable_SMTPUTF8=True, data_size_limit=0)

    def __enter__(self) -> MailSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    def config(self) -> dict:
        """The app settings that send to this server."""
        return {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": self.port,
                "MAIL_DEFAULT_SENDER": "Tỉnh Đoàn <tinhdoan@test.vn>"}

    def env(self) -> dict:
        """The same, as a worker process's environment."""
        return {key: str(value) for key, value in self.config().items()}
