"""A real CloudEvents receiver for tests: an HTTP server on 127.0.0.1 that keeps every POST.

It can be stopped (the port then refuses connections, as a sink that is down does) and
started again on the same port, and told what status to answer."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Sink:
    def __init__(self, status: int = 200) -> None:
        #: What arrived, in order: {"path", "content_type", "body" (parsed JSON)}.
        self.received: list[dict[str, Any]] = []
        #: Status answered to a POST, by path (the rest get `status`).
        self.status_of: dict[str, int] = {}
        self.status = status
        self.port = 0
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    def url(self, path: str = "/events") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> Sink:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                status = sink.status_of.get(self.path, sink.status)
                if status < 300:
                    with sink._lock:
                        sink.received.append(
                            {
                                "path": self.path,
                                "content_type": self.headers.get("Content-Type"),
                                "body": json.loads(body),
                            }
                        )
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"no" if status >= 300 else b"ok")

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def ids(self, path: str = "/events") -> list[str]:
        with self._lock:
            return [r["body"]["id"] for r in self.received if r["path"] == path]
