#!/bin/sh
# A command engine that takes $SLEEP_SECONDS (default 300) in a child process and first
# writes "its-pid child-pid" to $PID_FILE, so a test can check that nothing of it is left.
echo "rolling out $1"
sleep "${SLEEP_SECONDS:-300}" &
echo "$$ $!" > "$PID_FILE.tmp" && mv "$PID_FILE.tmp" "$PID_FILE"
wait
echo "rolled out $1"
