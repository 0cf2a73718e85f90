"""gunicorn's threaded worker, not held up by a browser's spare TLS connections.

Browsers open connections before they need them (Chromium's preconnect, a phone's several
tabs): the TLS handshake completes and no request follows for seconds. gunicorn's gthread
worker (27.0) waits for the first bytes on the poller, then does the handshake in a pool
thread and reads the request in that same thread, blocking: four such connections held the
four threads of a worker and every other request waited behind them (measured: 30 s for
``/healthz`` behind four idle connections; the scanner page timed out in the venue browser
test). This worker does the handshake, and when no request is waiting yet it gives the
connection back to the poller, as gunicorn already does before the handshake. ``serve`` uses
it whenever gunicorn itself speaks TLS; behind nginx, nginx terminates TLS and gthread is kept.
"""

from __future__ import annotations

import ssl

from gunicorn.workers import gthread

#: How long a pool thread waits, after the handshake, for the request that usually follows in
#: the same flight before it parks the connection on the poller.
REQUEST_AFTER_HANDSHAKE_S = 0.05


class VenueWorker(gthread.ThreadWorker):
    def handle(self, conn):
        if self.cfg.is_ssl and not conn.initialized:
            if not conn.wait_for_data(gthread.DEFAULT_WORKER_DATA_TIMEOUT):
                return gthread._DEFER  # no ClientHello yet: the base class parks it too
            try:
                conn.sock.setblocking(True)
                conn.init()  # the handshake, which the base class would do next
            except (OSError, ssl.SSLError) as error:  # a client that gave up, a refused cert
                self.log.debug("TLS handshake with %s failed: %s", conn.client, error)
                return False  # finish_request closes the connection
            conn.data_ready = False
            if not conn.sock.pending() and not conn.wait_for_data(REQUEST_AFTER_HANDSHAKE_S):
                return gthread._DEFER
        return super().handle(conn)
