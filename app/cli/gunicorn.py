"""Run the Flask app under gunicorn from `mercator serve`."""

from __future__ import annotations

import os

from gunicorn.app.base import BaseApplication

from app.config import Settings


class _Gunicorn(BaseApplication):
    """Gunicorn with our options; each worker builds its own app (and Neo4j driver) after
    the fork, so no connection is ever shared between processes."""

    def __init__(self, settings: Settings, options: dict[str, object]) -> None:
        self.settings = settings
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from app import create_app

        return create_app(self.settings)


def serve_forever(
    settings: Settings, *, bind: str, workers: int, threads: int, timeout: int
) -> None:
    """Serve until gunicorn is stopped; metrics of all its workers add up (multiprocess)."""
    from app.api import largest_body
    from app.http.worker import Worker
    from app.observability import logs, multiproc

    if not os.environ.get(multiproc.ENV):
        multiproc.prepare()
    logs.configure(settings.log_format, settings.log_level)
    _Gunicorn(
        settings,
        {
            "bind": bind,
            "workers": workers,
            "threads": threads,
            # gunicorn's gthread worker, answering in the API's error shape and bounding
            # chunked bodies by the largest body any endpoint takes (app.http.worker).
            "worker_class": Worker.with_body_limit(largest_body(settings)),
            "timeout": timeout,
            "graceful_timeout": 30,
            # Each request is logged once, by the app, with its id (app.observability).
            "accesslog": None,
            "preload_app": False,
            # gunicorn's own lines (booting, worker timeouts) go through the app's log
            # format too.
            "logconfig_dict": {
                "version": 1,
                "disable_existing_loggers": False,
                "loggers": {"gunicorn.error": {"propagate": True, "handlers": []}},
            },
        },
    ).run()


def main(argv: list[str] | None = None) -> None:
    """`python -m app.cli.gunicorn`: the web server alone, settings from the environment.
    `mercator serve` runs it beside its deployment worker, after applying the schema."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m app.cli.gunicorn", description=main.__doc__)
    parser.add_argument("--bind", required=True, help="host:port to listen on")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--timeout", type=int, default=120)
    args = parser.parse_args(argv)
    serve_forever(
        Settings.from_env(),
        bind=args.bind,
        workers=args.workers,
        threads=args.threads,
        timeout=args.timeout,
    )


if __name__ == "__main__":
    main()
