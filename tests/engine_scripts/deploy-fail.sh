#!/bin/sh
# A command engine that fails half way, as a rollout that does not become ready.
echo "applying manifests"
echo "error: deployment/payment did not become ready" >&2
exit 3
