"""Fixtures of the outbox tests: a real SMTP server on a loopback port (``bench.mailsink``)
and the app configured to send to it."""

from __future__ import annotations

import pytest

from bench.mailsink import MailSink


@pytest.fixture
def mailsink():
    with MailSink() as sink:
        yield sink


@pytest.fixture
def mail_app(app, mailsink):
    """The test app sending e-mail to ``mailsink``."""
    app.config.update(mailsink.config())
    return app
