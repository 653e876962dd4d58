"""A name in a URL path that holds a `/` (sent as `%2F`) is refused, naming the parameter.

The WSGI server decodes `%2F` before routing, so `components/acc-slash%2F/versions`
would reach the router as `components/acc-slash//versions` and be redirected (308) to
`components/acc-slash/versions`, and `environments/prod%2Fengine` would route to the
engine of `prod`: a client would write under another name than it sent. No name may hold
a `/` (`naming.name_problem`), so such a request is a 400 before routing counts.
"""

from __future__ import annotations

from urllib.parse import unquote

from flask import Flask, request
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from app.api import errors

_PLACEHOLDER = "mercator-slash-placeholder"
PROBLEM = "must not contain '/' (a name holds only letters, digits and . _ -)"


def register(app: Flask, prefix: str) -> None:
    @app.before_request
    def refuse_names_with_slashes():
        raw = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or ""
        path = raw.split("?", 1)[0]
        if "%2f" not in path.lower() or not request.path.startswith(prefix):
            return None
        segments = path.split("/")
        spoilt = ["%2f" in segment.lower() for segment in segments]
        rewritten = "/".join(
            _PLACEHOLDER if bad else unquote(segment)
            for segment, bad in zip(segments, spoilt, strict=True)
        )
        names = ["path"]
        try:
            adapter = app.url_map.bind_to_environ(request.environ)
            _, arguments = adapter.match(rewritten, method=request.method)
            names = [k for k, v in arguments.items() if v == _PLACEHOLDER] or names
        except (HTTPException, RequestRedirect):
            pass
        return errors.error_response(
            400,
            "invalid",
            f"{', '.join(names)} {PROBLEM}",
            {name: [PROBLEM] for name in names},
        )
