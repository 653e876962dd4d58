"""The gunicorn worker `mercator serve` runs: gunicorn's threaded worker, answering in the
API's one error shape what gunicorn answers itself, refusing a chunked body as soon as it
declares more than the service takes, and never lending a thread to a client that has not
sent a whole request head.

gunicorn's gthread worker gives each new connection a thread that waits up to 5 s for
its first bytes, and then reads the request line and headers in that thread for as long
as they take. A few hundred idle connections, or a few that trickle a header every few
seconds (slowloris), so held every thread while `/healthz` queued behind them. Here the
main loop collects each connection's request head itself, without blocking, from
whatever the socket has; only a connection whose head is complete (or too large, which
the parser then refuses with 431) goes to a thread. A head not complete within
`HEAD_SECONDS` of the connection's start (or of its previous answer, kept alive) is
closed. A connection whose body the app did not read in full is closed rather than
drained, so a slow body behind a 401 holds no thread either; its answer says
`Connection: close`, decided when the app starts its answer, so a client never sends its
next request down a connection the server is about to close (it would get no answer).

gunicorn answers some requests before the app sees them: a bad request line (400), a
request line over `limit_request_line` (414), too many or too large header fields (431),
a transfer coding it does not know (501), a malformed chunked body (400). gunicorn
writes those as small HTML pages; here they are the JSON error document every other
answer uses (`app.errors.error_document`), with a request id of their own that the log
line names too.

A chunked body has no Content-Length to check up front. Each chunk declares its size, and
gunicorn would otherwise wait for all of a declared 2^88 bytes before the app could
refuse them: the connection hung until the client gave up. Here the declared sizes are
added up as they arrive, and past `max_body_bytes` reading the body fails at once with a
413; a malformed chunk fails with a 400 the app answers, not a 500.
"""

from __future__ import annotations

import errno
import json
import logging
import selectors
import time
import uuid
from functools import partial

from gunicorn import util
from gunicorn.http.body import Body, ChunkedReader, LengthReader
from gunicorn.http.errors import ParseException
from gunicorn.workers.gthread import TConn, ThreadWorker
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from app.errors import error_document

log = logging.getLogger(__name__)

#: Seconds a connection has to send its request line and headers.
HEAD_SECONDS = 10.0
#: Head bytes collected at most before the parser takes over (past gunicorn's limits of
#: 100 fields of 8190 bytes it answers 431 itself).
_HEAD_BYTES = 1 << 20


class _CheckedChunks(ChunkedReader):
    """gunicorn's chunked body reader, bounded by the declared sizes and answering its
    parse errors as HTTP errors the app turns into the error shape."""

    def __init__(self, req, unreader, limit: int) -> None:
        super().__init__(req, unreader)
        self._limit = limit
        self._declared = 0

    def parse_chunk_size(self, unreader, data=None):
        size, rest = super().parse_chunk_size(unreader, data)
        self._declared += size
        if self._declared > self._limit:
            raise RequestEntityTooLarge(
                f"the chunked body declares {self._declared} bytes, more than the "
                f"{self._limit} this service takes"
            )
        return size, rest

    def read(self, size):
        try:
            return super().read(size)
        except HTTPException:
            self.req.must_close = True  # the rest of the body is never read
            raise
        except ParseException as exc:
            self.req.must_close = True
            raise BadRequest(f"the chunked body is malformed: {exc}") from None


def _body_read(req) -> bool:
    """Whether the app read the request's body to its end (else the connection closes:
    draining a body the app refused would hold a thread for a slow client)."""
    reader = req.body.reader
    if isinstance(reader, LengthReader):
        return reader.length == 0
    if isinstance(reader, ChunkedReader):
        return reader.parser is None
    return True


def _closing_unread_bodies(app):
    """`app`, marking a request to close its connection when the app answers without
    having read all of its body (gunicorn then says `Connection: close`)."""

    def closing(environ, start_response):
        def start(status, headers, exc_info=None):
            request = getattr(environ.get("wsgi.input"), "request", None)
            if request is not None and not _body_read(request):
                request.must_close = True
            return start_response(status, headers, exc_info)

        return app(environ, start)

    return closing


class _Written:
    """Stands in for the client socket while gunicorn writes its HTML error page, to keep
    its status line (gunicorn decides the status; this module only changes the body)."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def sendall(self, data: bytes) -> None:
        self.data += data

    def status(self) -> tuple[int, str]:
        line = self.data.split(b"\r\n", 1)[0].decode("latin-1")
        _, status, reason = line.split(" ", 2)
        return int(status), reason


class Worker(ThreadWorker):
    """gunicorn's gthread worker with the error shape and bounded chunked bodies; give it
    the service's largest body with `with_body_limit`."""

    max_body_bytes = 0

    @classmethod
    def with_body_limit(cls, max_body_bytes: int) -> type[Worker]:
        return type("MercatorWorker", (cls,), {"max_body_bytes": max_body_bytes})

    def load_wsgi(self):
        super().load_wsgi()
        self.wsgi = _closing_unread_bodies(self.wsgi)

    def handle_request(self, req, conn):
        if isinstance(req.body.reader, ChunkedReader):
            req.body = Body(_CheckedChunks(req, req.unreader, self.max_body_bytes))
        req.body.request = req  # the app's wsgi.input, for _closing_unread_bodies
        return super().handle_request(req, conn)

    # -- request heads, collected by the main loop -------------------------------------
    def accept(self, listener):
        if self.cfg.is_ssl:  # encrypted bytes: gunicorn's own path
            return super().accept(listener)
        try:
            sock, client = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return None
        self.nr_conns += 1
        self._collect_head(TConn(self.cfg, sock, client, listener.getsockname()))
        return None

    def on_client_socket_readable(self, conn, client):
        if self.cfg.is_ssl:
            return super().on_client_socket_readable(conn, client)
        self.poller.unregister(client)  # a kept-alive connection starts its next request
        self.keepalived_conns.remove(conn)
        self._collect_head(conn)
        return None

    def _collect_head(self, conn) -> None:
        conn.head = bytearray()
        conn.sock.setblocking(False)
        conn.timeout = time.monotonic() + HEAD_SECONDS  # murder_pending closes it after
        self.pending_conns.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_bytes, conn))

    def _on_head_bytes(self, conn, client) -> None:
        try:
            data = client.recv(65536)
        except BlockingIOError:
            return
        except OSError:
            data = b""
        if data:
            conn.head += data
            if b"\r\n\r\n" not in conn.head and len(conn.head) < _HEAD_BYTES:
                return
        self.poller.unregister(client)
        self.pending_conns.remove(conn)
        if not data:  # gone before its request was whole
            self.nr_conns -= 1
            conn.close()
            return
        conn.data_ready = True
        conn.sock.setblocking(True)
        conn.init()
        conn.parser.unreader.unread(bytes(conn.head))
        self.enqueue_req(conn)

    def handle_error(self, req, client, addr, exc):
        written = _Written()
        super().handle_error(req, written, addr, exc)  # gunicorn's status, log and access log
        try:
            status, reason = written.status()
        except ValueError:  # nothing was written: nothing to answer
            return
        request_id = uuid.uuid4().hex
        code = reason.lower().replace(" ", "_")
        message = str(exc) or reason
        log.warning("answered %s before the app: %s (request %s)", status, message, request_id)
        body = json.dumps(error_document(code, message, None, request_id)).encode()
        head = (
            f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
            f"Content-Type: application/json\r\nX-Request-ID: {request_id}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        try:
            util.write_nonblock(client, head + body)
        except Exception:  # the client is gone; gunicorn ignores this too
            log.debug("could not send the error answer")
