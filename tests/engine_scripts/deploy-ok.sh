#!/bin/sh
# A command engine that succeeds: shows what it was given, as a real deploy script would.
echo "deploying $MERCATOR_APPLICATION $MERCATOR_VERSION to $MERCATOR_ENVIRONMENT ($MERCATOR_DEPLOYMENT_ID)"
echo "components: $MERCATOR_COMPONENTS"
echo "argument: $1"
echo "token: $DEPLOY_TOKEN"
echo "region: $REGION"
echo "neo4j password: ${MERCATOR_NEO4J_PASSWORD:-unset}"
python3 -c 'import json, os; d = json.load(open(os.environ["MERCATOR_DEPLOYMENT_FILE"])); print("file:", d["id"], [(c["component"], c["version"], c["image"]) for c in d["components"]])'
echo "done"
