"""Who may call what: bearer tokens, scopes, and how the OpenAPI document says so.

Every write view carries ``@requires("<scope>")`` right under its ``@blp.route``: the
token is checked from the headers alone, before the body is even read (an anonymous
caller's body is never parsed, and 401/403 come before 413, 415 and 400), the view reads
the caller with
`actor()`, and the operation is documented with ``security: [bearerAuth]`` and its 401
and 403 answers. Reads are open unless `Settings.reads_need_token`; then every GET under
/api/v1 (but the OpenAPI document and its docs page) needs a valid token, any scope.

Tokens arrive only in the Authorization header (never in a URL, where access logs would
keep them) and are never logged or echoed in an error.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Flask, g, request
from flask_smorest import Blueprint

from app.access import tokens
from app.access.scopes import SCOPE_MEANING, Actor
from app.config import Settings
from app.http.context import graph, settings
from app.observability import logs

SECURITY_SCHEME = "bearerAuth"
_ACTOR_KEY = "mercator_actor"
_ERROR_REF = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}


def presented_token() -> str | None:
    """The token of `Authorization: Bearer <token>`, or None when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


def authenticated() -> Actor:
    """The caller of this request (checked once per request, then remembered)."""
    actor = g.get(_ACTOR_KEY)
    if actor is None:
        actor = tokens.authenticate(graph(), presented_token())
        setattr(g, _ACTOR_KEY, actor)
        logs.bind(token=actor.name)  # the token's name, never the token
    return actor


def actor() -> Actor:
    """The caller of a view decorated with `requires`."""
    return g.get(_ACTOR_KEY)


def requires(*scopes: str) -> Callable:
    """Decorator: the view needs a valid token holding `scope` (admin holds every scope);
    given several, one of them (the view then checks which its body needs)."""
    unknown = [scope for scope in scopes if scope not in SCOPE_MEANING]
    if not scopes or unknown:
        raise ValueError(f"unknown scopes {unknown!r}")
    named = " or ".join(repr(scope) for scope in scopes)

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def guarded(*args: Any, **kwargs: Any):
            authenticated().require_any(scopes)
            return view(*args, **kwargs)

        guarded.required_scope = scopes[0] if len(scopes) == 1 else scopes
        return Blueprint.doc(
            security=[{SECURITY_SCHEME: []}],
            responses={
                "401": {
                    "description": "No token, or a malformed, unknown, expired or revoked one",
                    "content": _ERROR_REF,
                },
                "403": {
                    "description": f"The token lacks the {named} scope, or the component "
                    "is outside its limits",
                    "content": _ERROR_REF,
                },
            },
        )(guarded)

    return decorator


def document_closed_reads(config: Settings) -> dict[str, Any]:
    """OpenAPI options: when reads need a token, every operation does (a document-wide
    `security`; writes name theirs with their scope anyway)."""
    return {"security": [{SECURITY_SCHEME: []}]} if config.reads_need_token else {}


def register(app: Flask, api, prefix: str) -> None:
    """Document the bearer scheme; close reads when the settings say so."""
    api.spec.components.security_scheme(
        SECURITY_SCHEME,
        {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (mrc_...) from `mercator token create`. Scopes: "
            + "; ".join(f"{name}: {meaning}" for name, meaning in SCOPE_MEANING.items()),
        },
    )
    open_paths = (f"{prefix}/openapi.json", f"{prefix}/docs")

    @app.before_request
    def writes_need_token_before_their_body():
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        scope = getattr(view, "required_scope", None)
        if scope is not None:
            authenticated().require_any(scope if isinstance(scope, tuple) else (scope,))

    @app.before_request
    def reads_need_token():
        if not settings().reads_need_token or request.method not in {"GET", "HEAD"}:
            return
        if request.path.startswith(prefix) and not request.path.startswith(open_paths):
            authenticated()
