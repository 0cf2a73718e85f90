"""gunicorn settings for eventapp: ``gunicorn "eventapp:create_app()"`` from the project folder.

gunicorn reads this file by itself when started in the project folder (or pass ``-c``).
Every value can be changed without editing the file, through the environment:

- ``GUNICORN_BIND`` (default ``127.0.0.1:8000``: nginx in front) — several separated by commas;
- ``GUNICORN_WORKERS`` or ``WEB_CONCURRENCY`` (default 2 × cores + 1 with PostgreSQL, one
  per core with SQLite; at most 8);
- ``GUNICORN_THREADS`` (default 4 per worker), ``GUNICORN_TIMEOUT`` (default 120 s),
  ``GUNICORN_GRACEFUL_TIMEOUT`` (default 30 s), ``GUNICORN_LOGLEVEL`` (default ``info``),
  ``GUNICORN_ACCESSLOG`` / ``GUNICORN_ERRORLOG`` (default ``-``: standard output/error;
  an empty ``GUNICORN_ACCESSLOG`` turns the access log off);
- ``FORWARDED_ALLOW_IPS``: proxies whose X-Forwarded-* headers gunicorn trusts (default the
  local nginx, ``127.0.0.1,::1``). The app itself honours them only with ``EVENTAPP_PROXY_FIX=1``.

A request uses at most one connection of the ORM's pool and one of the API's autocommit
pool (``eventapp/prepared.py``), each pool keeping up to ``threads`` open per worker, so with
PostgreSQL keep ``2 × workers × threads`` (× hosts) below ``max_connections`` (100 by default).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from pathlib import Path

MAX_DEFAULT_WORKERS = 8


def _int(names: tuple[str, ...], default: int) -> int:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return int(value)
    return default


def _default_workers() -> int:
    """gunicorn's rule, 2 × cores + 1 (at most 8), for PostgreSQL; one per core on SQLite.

    SQLite lets one process write at a time, and a process's page cache is dropped each
    time another process commits, so on SQLite more processes than cores only burn CPU.
    ``bench/checkin_bench.py`` on 2 cores: 2.45 ms of server CPU per scan with 5 workers,
    1.4 ms with 2 (4 threads each in both cases).
    """
    cores = multiprocessing.cpu_count()
    if os.environ.get("DATABASE_URL", "sqlite").startswith("sqlite"):
        return min(cores, MAX_DEFAULT_WORKERS)
    return min(2 * cores + 1, MAX_DEFAULT_WORKERS)


wsgi_app = "eventapp:create_app()"
bind = [b.strip() for b in os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")
        if b.strip()]
workers = _int(("GUNICORN_WORKERS", "WEB_CONCURRENCY"), _default_workers())
threads = _int(("GUNICORN_THREADS",), 4)
# Threads need the gthread worker; one thread per worker is the classic sync worker.
worker_class = "gthread" if threads > 1 else "sync"

# An Excel import or a large export may take a while on a laptop; a stuck worker is
# killed after this and restarted (its transaction is rolled back by the database).
timeout = _int(("GUNICORN_TIMEOUT",), 120)
# On SIGTERM/HUP, requests in flight get this long to finish before the worker dies.
graceful_timeout = _int(("GUNICORN_GRACEFUL_TIMEOUT",), 30)
keepalive = 5
# Recycle workers now and then so that a slow leak can never take the site down.
max_requests = _int(("GUNICORN_MAX_REQUESTS",), 2000)
max_requests_jitter = max_requests // 10
# One app (and one connection pool) per worker: nothing is shared across fork().
preload_app = False
# Heartbeat files in memory: a slow or full disk cannot make the arbiter kill workers.
if Path("/dev/shm").is_dir():
    worker_tmp_dir = "/dev/shm"



def post_worker_init(worker) -> None:
    """Move everything the app allocated while loading out of the garbage collector's view.

    A full collection otherwise walks every object of Flask, SQLAlchemy and the app's
    modules: 220 and 580 ms pauses of a worker during bench/checkin_bench.py's saturation
    rounds (timed with ``gc.callbacks``), each a p99 of hundreds of ms for the requests
    the worker held. Frozen, a full collection walks only what requests allocate.
    """
    gc.freeze()


# Behind nginx on the same host: trust its X-Forwarded-Proto/-For (wsgi.url_scheme, logs).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Refuse silly request lines/headers early (uploads go in the body, which nginx limits).
limit_request_line = 8190
limit_request_fields = 100

loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# "-" is standard output/error; an empty value turns the access log off.
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-") or None
errorlog = os.environ.get("GUNICORN_ERRORLOG", "-") or "-"
# Client address as seen by nginx first, then the direct peer; %(M)s = duration in ms.
access_log_format = ('%({x-forwarded-for}i)s %(h)s %(u)s %(t)s "%(r)s" %(s)s %(B)s '
                     '%(M)sms "%(f)s" "%(a)s"')
proc_name = "eventapp"

# gunicorn ≥ 25.1 opens a control socket at one fixed path per user; two instances on one
# machine (two sites, a test beside production) would take each other's. Off unless a path
# is given (``GUNICORN_CONTROL_SOCKET=/run/eventapp/gunicorn.ctl`` for ``gunicornc``).
# Older gunicorn versions ignore both names.
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET", "")
control_socket_disable = not control_socket
if not control_socket:
    del control_socket
