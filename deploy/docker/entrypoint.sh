#!/bin/sh
# The image's entrypoint. No argument, or `serve`: the API with gunicorn on 0.0.0.0
# (port, processes and threads from MERCATOR_PORT, MERCATOR_WEB_WORKERS and
# MERCATOR_WEB_THREADS, read by `mercator serve` itself). Anything else is a mercator
# command (`worker`, `db init`, `token create ...`), run as it is. `exec` makes mercator
# process 1, so the orchestrator's SIGTERM reaches it.
set -eu

if [ "$#" -eq 0 ] || [ "$1" = serve ]; then
  [ "$#" -gt 0 ] && shift
  exec mercator serve --host 0.0.0.0 "$@"
fi
exec mercator "$@"
