"""Fixtures for the venue tests: ``flask serve`` as a real process (gunicorn over HTTPS)."""

from __future__ import annotations

import os
import re
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bench.harness import stop_process
from eventapp.venue import tls

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def https_context(cafile: Path) -> ssl.SSLContext:
    """Verifies the chain and the name, as a phone that trusts ``cafile`` would."""
    return ssl.create_default_context(cafile=str(cafile))


class Serve:
    """``flask --app eventapp serve ARGS`` in its own process group; ``output`` is what it
    printed (our banner, then gunicorn's log)."""

    def __init__(self, env: dict, log: Path, *args: str, port: int | None = None):
        # The venue tests leave the outbox worker out (its own test asks for it): a worker
        # polling the test's SQLite file would meet the test's own writes, which do not go
        # through the app's write path (BEGIN IMMEDIATE) and so are refused, not queued.
        if "--outbox" not in args and "--no-outbox" not in args:
            args = (*args, "--no-outbox")
        self.log, self.args = log, args
        self.plain = "--http" in args
        self.env = {**os.environ, **env}
        self._launch(port or free_port())

    def _launch(self, port: int) -> None:
        self.port = port
        with self.log.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "eventapp", "serve",
                 "--port", str(self.port), "--workers", "1", *self.args],
                cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    @property
    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def url(self, host: str = "127.0.0.1") -> str:
        return f"{'http' if self.plain else 'https'}://{host}:{self.port}"

    def wait_listening(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        scheme = "http" if self.plain else "https"
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve exited {self.proc.returncode}:\n{self.output}")
            if re.search(rf"Listening at: {scheme}://0\.0\.0\.0:{self.port}\b", self.output):
                return
            if "Connection in use" in self.output:
                # Another process took the free port between our check and gunicorn's bind
                # (serve needs a known port for its banner): start again on another one.
                self.stop()
                self._launch(free_port())
            time.sleep(0.1)  # polling the log, bounded by the deadline
        raise AssertionError(f"serve did not start:\n{self.output}")

    def get(self, path: str, *, context: ssl.SSLContext | None = None,
            host: str = "127.0.0.1", timeout: float = 90) -> tuple[int, bytes]:
        """GET once a worker answers: the master listens before its workers have booted,
        and a connection waits in the backlog (handshake included) until one has."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(self.url(host) + path, context=context,
                                            timeout=20) as response:
                    return response.status, response.read()
            except (ConnectionError, TimeoutError, urllib.error.URLError) as error:
                waiting = isinstance(getattr(error, "reason", error),
                                     (ConnectionError, TimeoutError))
                if not waiting or time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def stop(self) -> None:
        stop_process(self.proc)


@pytest.fixture
def serve(tmp_path):
    """``start(env, *args)`` → a running ``flask serve``; all are stopped afterwards."""
    started: list[Serve] = []

    def start(env: dict, *args: str, wait: bool = True) -> Serve:
        server = Serve(env, tmp_path / f"serve-{len(started)}.log", *args)
        started.append(server)
        if wait:
            server.wait_listening()
        return server

    yield start
    for server in started:
        server.stop()
        print(f"--- {server.log.name}\n{server.output[-4000:]}")  # shown when a test fails


@pytest.fixture
def instance(tmp_path) -> Path:
    return tmp_path / "instance"


@pytest.fixture
def tls_files(instance) -> tls.TlsFiles:
    return tls.tls_folder(instance)
