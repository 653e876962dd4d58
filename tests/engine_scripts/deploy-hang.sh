#!/bin/sh
# A command engine that never ends (and starts a child), to be stopped by timeout or cancel.
echo "waiting for rollout"
sleep 300 &
echo "child $!"
wait
