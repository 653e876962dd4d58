"""The gunicorn worker `mercator serve` runs: gunicorn's threaded worker, answering in the
API's one error shape what gunicorn answers itself, and refusing a chunked body as soon
as it declares more than the service takes.

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

import json
import logging
import uuid

from gunicorn import util
from gunicorn.http.body import Body, ChunkedReader
from gunicorn.http.errors import ParseException
from gunicorn.workers.gthread import ThreadWorker
from werkzeug.exceptions import BadRequest, HTTPException, RequestEntityTooLarge

from app.errors import error_document

log = logging.getLogger(__name__)


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

    def handle_request(self, req, conn):
        if isinstance(req.body.reader, ChunkedReader):
            req.body = Body(_CheckedChunks(req, req.unreader, self.max_body_bytes))
        return super().handle_request(req, conn)

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
