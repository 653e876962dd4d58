"""Errors as pages for people: the API's error handlers (app/api/errors.py) hand every
non-API request to `render_error`, so a browser sees a page with the same status, never a
traceback or a JSON body."""

from __future__ import annotations

from flask import Flask, render_template

from app.http.context import ERROR_PAGE_KEY

#: What a person can do about each status.
ADVICE = {
    400: "Check what you typed; the message above says which part is wrong.",
    404: "It may have been named differently: try the search box.",
    405: "This page is only for reading.",
    503: "The catalog's database does not answer. Try again in a few seconds.",
    500: "Something went wrong on our side; it has been logged.",
}


def render_error(status: int, code: str, message: str) -> str:
    return render_template(
        "error.html",
        status=status,
        code=code,
        message=message,
        advice=ADVICE.get(status, ADVICE[500] if status >= 500 else ADVICE[400]),
    )


def register(app: Flask) -> None:
    app.extensions[ERROR_PAGE_KEY] = render_error
