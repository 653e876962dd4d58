"""What the web server in front of the app (gunicorn, as `mercator serve` runs it) answers
by itself: in the API's one error shape, never an HTML page, and at once, never after a
client gave up. Raw sockets, because these are requests no HTTP library sends."""

from __future__ import annotations

import contextlib
import select
import socket
import threading
import time

import pytest
import requests

from app.http.worker import HEAD_SECONDS
from tests.headers import api_headers
from tests.live_api import served

#: A small body limit, so that "over the limit" is cheap to send.
LIMIT = 4096


@pytest.fixture(scope="module")
def server(settings):
    with served(settings, workers=1, threads=4, max_body_bytes=LIMIT) as base_url:
        host, port = base_url.removeprefix("http://").split(":")
        yield host, int(port)


def exchange(server, raw: bytes, timeout: float = 5.0) -> tuple[int, dict[str, str], bytes, float]:
    """Send `raw`, read the answer until the server closes or it is complete; returns the
    status, headers, body and the seconds it took."""
    started = time.monotonic()
    with socket.create_connection(server, timeout=timeout) as sock:
        sock.sendall(raw)
        data = b""
        while b"\r\n\r\n" not in data or len(data) < _expected_length(data):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    took = time.monotonic() - started
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    return int(lines[0].split(" ")[1]), {k.lower(): v for k, v in headers.items()}, body, took


def _expected_length(data: bytes) -> int:
    head, sep, _ = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(head) + len(sep) + int(line.split(b":", 1)[1])
    return 1 << 62  # unknown: read until closed


def assert_json_error(answer, status: int) -> dict:
    import json

    got, headers, body, took = answer
    assert got == status, body[:300]
    assert headers["content-type"].startswith("application/json"), headers
    error = json.loads(body)["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] and error["message"]
    assert error["request_id"] and headers.get("x-request-id") == error["request_id"]
    assert took < 2.0, took
    return error


def request(method: str, target: str, *headers: str, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def post_chunked(token: str, first_chunk_line: bytes) -> bytes:
    return (
        request(
            "POST",
            "/api/v1/components/chunky/versions",
            f"Authorization: Bearer {token}",
            "Content-Type: application/json",
            "Transfer-Encoding: chunked",
        )
        + first_chunk_line
        + b'{"version": "1.0.0"'
    )


def test_a_chunk_declaring_22_hex_digits_of_size_is_a_413_at_once(server, make_token):
    """Before, gunicorn waited for the 2^88 bytes declared and the client timed out."""
    token = make_token("register")
    error = assert_json_error(exchange(server, post_chunked(token, b"F" * 22 + b"\r\n")), 413)
    assert "declares" in error["message"]


def test_a_malformed_chunk_size_is_a_400_not_a_500(server, make_token):
    token = make_token("register")
    error = assert_json_error(exchange(server, post_chunked(token, b"zz\r\n")), 400)
    assert "chunk" in error["message"].lower()


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (request("GET", "/api/v1/components/" + "x" * 10_000), 414),
        (request("GET", "/api/v1/components", "X-Big: " + "y" * 9000), 431),
        (request("GET", "/api/v1/components", *[f"X-H{i}: v" for i in range(120)]), 431),
        (b"GARBAGE\r\n\r\n", 400),
        (request("GET", "/api/v1/components", "Transfer-Encoding: bogus"), 501),
        (request("get", "/api/v1/components"), 400),
    ],
    ids=["long-url", "large-header", "many-headers", "bad-request-line", "coding", "method"],
)
def test_the_servers_own_answers_are_the_json_error_shape(server, raw, status):
    assert_json_error(exchange(server, raw), status)


@pytest.mark.parametrize("framing", ["content-length", "chunked"])
def test_a_body_over_the_limit_on_a_delete_is_a_413_however_it_is_framed(
    server, make_token, framing
):
    """One rule: a body over the limit is refused on every method (before, a DELETE
    ignored one with a Content-Length and refused the same one chunked)."""
    token = make_token("admin")
    body = b"x" * (LIMIT + 1)
    if framing == "chunked":
        framed = ("Transfer-Encoding: chunked",)
        body = f"{len(body):x}\r\n".encode() + body + b"\r\n0\r\n\r\n"
    else:
        framed = (f"Content-Length: {len(body)}",)
    raw = request(
        "DELETE",
        "/api/v1/tokens/nobody",
        f"Authorization: Bearer {token}",
        "Content-Type: application/octet-stream",
        *framed,
        body=body,
    )
    assert_json_error(exchange(server, raw), 413)


def test_idle_and_slow_header_connections_starve_nothing_and_slow_ones_are_closed(
    server, make_token
):
    """200 connections that send nothing and 200 that trickle a header line a second hold
    none of the 4 threads: /healthz and a BOM answer within 200 ms at p95, and a request
    head not whole within HEAD_SECONDS is closed by the server."""
    token = make_token("register")
    base = f"http://{server[0]}:{server[1]}"
    registration = {"version": "1.0.0", "owner": "payments", "applications": ["shop"]}
    created = requests.post(
        f"{base}/api/v1/components/payment/versions",
        json=registration,
        headers=api_headers(token),
        timeout=30,
    )
    assert created.status_code == 201, created.text
    idle = [socket.create_connection(server) for _ in range(200)]
    slow = [socket.create_connection(server) for _ in range(200)]
    for sock in slow:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
    stop = threading.Event()

    def trickle():
        while not stop.wait(1.0):
            for sock in slow:
                with contextlib.suppress(OSError):
                    sock.sendall(b"X-Slow: 1\r\n")

    trickler = threading.Thread(target=trickle, daemon=True)
    trickler.start()
    try:
        time.sleep(1.5)  # every connection is open and the trickle is under way
        seconds = {"healthz": [], "bom": []}
        for _ in range(20):
            for name, path in (
                ("healthz", "/healthz"),
                ("bom", "/api/v1/applications/shop/versions/1.0.0/bom"),
            ):
                started = time.monotonic()
                answer = requests.get(f"{base}{path}", timeout=15)
                seconds[name].append(time.monotonic() - started)
                assert answer.status_code == 200, (path, answer.text[:200])
        for name, taken in seconds.items():
            p95 = sorted(taken)[int(len(taken) * 0.95) - 1]
            assert p95 < 0.2, (name, sorted(taken))
        deadline = time.monotonic() + HEAD_SECONDS + 5
        open_slow = list(slow)
        while open_slow and time.monotonic() < deadline:
            readable, _, _ = select.select(open_slow, [], [], 0.5)
            for sock in readable:
                with contextlib.suppress(OSError):
                    if sock.recv(1024):
                        continue
                open_slow.remove(sock)
        assert not open_slow, f"{len(open_slow)} slow connections still open"
    finally:
        stop.set()
        trickler.join()
        for sock in idle + slow:
            sock.close()


def test_an_answer_given_without_reading_the_body_says_the_connection_closes(server):
    """The server closes a connection whose body it did not read (draining it would hold a
    thread); the answer must say so, or a client reusing the connection for its next
    request loses that request when the close arrives (the API said 503 while Neo4j was
    down, then the next request on the connection got no answer at all)."""
    body = b'{"version": "1.0.0"}'
    refused = request(
        "POST",
        "/api/v1/components/unread/versions",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        body=body,
    )
    status, headers, _, _ = exchange(server, refused)
    assert status == 401  # no token: refused before the body is read
    assert headers["connection"].lower() == "close"

    read = request("GET", "/healthz")
    status, headers, _, _ = exchange(server, read)
    assert status == 200 and headers["connection"].lower() == "keep-alive"
