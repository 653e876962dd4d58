"""CDEvents in: what pipelines (Tekton, Jenkins, Spinnaker, Keptn) emit, applied to the catalog."""

from __future__ import annotations

import marshmallow as ma
from flask import jsonify, request
from flask_smorest import Blueprint
from marshmallow import fields

from app.api.auth import actor, requires
from app.api.fields import Str
from app.events import cdevents, intake
from app.http.context import graph


# -- schemas ---------------------------------------------------------------------------
class EventOutcome(ma.Schema):
    id = Str(metadata={"description": "The CDEvent's context.id (the CloudEvent's id if ignored)"})
    source = Str(metadata={"description": "Its context.source; with id, the idempotency key"})
    type = Str()
    ignored = fields.Boolean(metadata={"description": "Mercator does not act on this event"})
    reason = Str(allow_none=True, metadata={"description": "Why it was ignored"})
    duplicate = fields.Boolean(
        metadata={"description": "Received before: nothing changed, the first effect is shown"}
    )
    action = Str(
        metadata={
            "description": "registered, deployed, upgraded, rolledback, removed, created, "
            "modified or retired; observed (or seen): a waiting gitops deployment "
            "(`deployment`) is confirmed by it (or by it and others still to come)"
        }
    )
    created = fields.Boolean(metadata={"description": "It created something new"})
    component = Str()
    version = Str(allow_none=True)
    digest = Str()
    image = Str()
    sbom_uri = Str(allow_none=True)
    deployment = Str(
        metadata={"description": "The deployment recorded (observed, seen: the one confirmed)"}
    )
    environment = Str()
    stopped = fields.Integer(metadata={"description": "Retired: components that ran there"})


class EventBatchOutcome(ma.Schema):
    events = fields.List(fields.Nested(EventOutcome))


#: The bodies of the three modes, named so that clients get one type for each; their
#: content is checked by the endpoint against the official CloudEvents and CDEvents rules.
SCHEMAS = {
    "CloudEvent": {
        "type": "object",
        "description": "structured mode: a CloudEvent 1.0 (specversion, id, source, type) "
        "whose data is the CDEvent",
        "additionalProperties": True,
    },
    "CdEvent": {
        "type": "object",
        "description": "binary mode: the CDEvent 0.5.1 (context, subject), with ce-id, "
        "ce-source, ce-type, ce-specversion headers",
        "additionalProperties": True,
    },
}
_MODES = {
    cdevents.STRUCTURED: {"schema": {"$ref": "#/components/schemas/CloudEvent"}},
    cdevents.BATCH: {
        "schema": {"type": "array", "items": {"$ref": "#/components/schemas/CloudEvent"}}
    },
    "application/json": {"schema": {"$ref": "#/components/schemas/CdEvent"}},
}

blp = Blueprint("events", __name__, url_prefix="/api/v1/events", description="CDEvents in")


@blp.route("", methods=["POST"])
@requires(*cdevents.EVENT_SCOPES)
@blp.doc(requestBody={"required": True, "content": _MODES})
@blp.response(200, EventOutcome, description="Applied, or received before (duplicate)")
@blp.alt_response(202, schema=EventOutcome, description="Ignored: Mercator does not act on it")
@blp.alt_response(
    207, schema=EventBatchOutcome, description="A batch: each event's outcome, in order"
)
@blp.alt_response(400, schema="Error", description="Not a CloudEvent, or a malformed CDEvent")
@blp.alt_response(409, schema="Error", description="It contradicts an immutable version")
@blp.alt_response(422, schema="Error", description="It names an unknown artifact or environment")
def receive():
    """Receive CDEvents 0.5.1 as CloudEvents: structured, binary or batch mode.

    artifact.packaged / published register the component version the purl names (scope
    register); service.deployed / upgraded / rolledback record a succeeded deployment of
    the version whose digest or purl matches artifactId, service.removed takes the
    component out of the environment (deploy); environment.created / modified / deleted
    create, update and retire environments (admin). Other events are answered 202 with
    `ignored: true`. The event's source and id are its idempotency key: sent again, it
    changes nothing. A batch is applied in one transaction, all or nothing.
    """
    events = cdevents.read(request.headers, request.get_data())
    outcomes = intake.receive(graph(), events, actor=actor())
    if request.mimetype == cdevents.BATCH:
        response = jsonify({"events": EventOutcome(many=True).dump(outcomes)})
        response.status_code = 207
        return response
    (outcome,) = outcomes
    return outcome, 202 if outcome["ignored"] else 200
