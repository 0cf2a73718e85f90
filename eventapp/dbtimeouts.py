"""How long the app waits for PostgreSQL, so that a database that stalls instead of refusing
(a frozen host, a paused proxy, a full disk) costs each request a 503 page within seconds
instead of hanging every worker thread until TCP gives up.

- ``DB_CONNECT_TIMEOUT``: libpq's ``connect_timeout``, the whole handshake included (a
  server that accepts TCP but never answers counts too);
- ``DB_KEEPALIVES_IDLE``: TCP keepalives and ``tcp_user_timeout``, so a host that vanished
  from the network is noticed on an idle connection or one with unacknowledged data;
- ``DB_STATEMENT_TIMEOUT``: the server cancels a statement that runs longer. The client
  also stops waiting one second after that: a server that sends nothing at all (a stopped
  process or proxy, whose kernel still acknowledges every packet, so keepalives see
  nothing) cannot cancel anything, and its connection is closed and thrown away;
- ``DB_POOL_TIMEOUT``: how long a request waits for a free pooled connection.

Every value is in seconds; 0 turns that one off (the pool's wait: SQLAlchemy's 30 s).
Configured in ``eventapp/config.py``.
"""

from __future__ import annotations

import contextlib
import math

import psycopg
from sqlalchemy import event
from sqlalchemy.engine import Engine

#: The client's own deadline, after the server's statement timeout should have answered.
ANSWER_MARGIN = 1.0
#: How often a wait wakes up to notice Ctrl-C (psycopg's own default).
WAIT_INTERVAL = 0.1
#: The pool's pre-ping (``SELECT`` nothing) answers in milliseconds on a live server: a
#: stalled one is given up on sooner than a real statement.
PING_DEADLINE = 2.0
#: Private key in ``connect_args``: popped by ``_connect`` before psycopg sees it.
_DEADLINE = "eventapp_answer_deadline"


class StalledDatabase(psycopg.OperationalError):
    """The server did not answer within the deadline; its connection has been closed."""


class DeadlineConnection(psycopg.Connection):
    """A psycopg connection that waits at most ``answer_deadline`` seconds for the server.

    psycopg (≥ 3.3) can bound each wait but offers no connection-wide setting for it;
    ``wait`` is the one method every statement, commit and rollback goes through.
    """

    answer_deadline: float | None = None

    @contextlib.contextmanager
    def deadline(self, seconds: float):
        """Wait at most ``seconds`` (never longer than the usual deadline) in the block."""
        usual = self.answer_deadline
        self.answer_deadline = min(seconds, usual) if usual else usual
        try:
            yield
        finally:
            self.answer_deadline = usual

    def wait(self, gen, interval: float = WAIT_INTERVAL, timeout: float | None = None):
        if timeout is not None or self.answer_deadline is None:
            return super().wait(gen, interval=interval, timeout=timeout)
        try:
            return super().wait(gen, interval=interval, timeout=self.answer_deadline)
        except psycopg.errors._WaitTimeout as error:
            # Mid-statement the connection cannot be reused; closing it makes SQLAlchemy
            # see a disconnect and drop it (``close()`` would wait for our own lock).
            self.pgconn.finish()
            raise StalledDatabase(f"the database server did not answer within "
                                  f"{self.answer_deadline:g} s; connection closed") from error


def engine_options(config) -> dict:
    """Engine options for a PostgreSQL URL from the ``DB_*`` settings of ``config``."""
    connect_args: dict = {}
    if config["DB_CONNECT_TIMEOUT"]:
        # libpq takes whole seconds and treats anything below 2 as 2.
        connect_args["connect_timeout"] = max(2, math.ceil(config["DB_CONNECT_TIMEOUT"]))
    idle = config["DB_KEEPALIVES_IDLE"]
    if idle:
        interval = max(1, math.ceil(idle / 3))
        connect_args.update(keepalives=1, keepalives_idle=math.ceil(idle),
                            keepalives_interval=interval, keepalives_count=3,
                            tcp_user_timeout=int((idle + 3 * interval) * 1000))
    statement = config["DB_STATEMENT_TIMEOUT"]
    if statement:
        connect_args["options"] = f"-c statement_timeout={int(statement * 1000)}"
        connect_args[_DEADLINE] = statement + ANSWER_MARGIN
    # pool_timeout 0 would mean "do not wait at all": off is SQLAlchemy's default, 30 s.
    return {"connect_args": connect_args, "pool_timeout": config["DB_POOL_TIMEOUT"] or 30}


@event.listens_for(Engine, "do_connect")
def _connect(dialect, connection_record, cargs, cparams):
    """Open connections that carry a deadline as ``DeadlineConnection``; others as usual."""
    deadline = cparams.pop(_DEADLINE, None)
    if deadline is None or dialect.driver != "psycopg":
        return None
    if not getattr(dialect, "_ping_has_deadline", False):
        dialect.do_ping = _quick(dialect.do_ping)
        dialect._ping_has_deadline = True
    connection = DeadlineConnection.connect(*cargs, **cparams)
    connection.answer_deadline = deadline
    return connection


def _quick(do_ping):
    """The dialect's ping, with ``PING_DEADLINE`` on a ``DeadlineConnection``."""

    def ping(dbapi_connection) -> bool:
        if not isinstance(dbapi_connection, DeadlineConnection):
            return do_ping(dbapi_connection)
        with dbapi_connection.deadline(PING_DEADLINE):
            return do_ping(dbapi_connection)

    return ping
