"""CDEvents in: POST /api/v1/events in structured, binary and batch mode, checked against the
official CDEvents 0.5.1 schemas and conformance examples, and what each event does to the
catalog — a pipeline that only emits CDEvents builds the same inventory and history."""

from __future__ import annotations

import copy
import json

import pytest

from app.admin import database
from app.events import cdevents
from tests.catalog import put_environment, register
from tests.cdevents_fixtures import (
    BATCH,
    STRUCTURED,
    cdevent,
    cloudevent,
    conformance,
    conformance_names,
    deployed,
    digest_of,
    post,
    published,
)
from tests.test_http_basics import assert_error_shape

#: The conformance examples' artifact, environment and service.
MYAPP_DIGEST = "sha256:0b31b1c02ff458ad9b7b81cbdf8f028bd54699fa151f221d1e8de6817db93427"
HANDLED = sorted(name.replace(".", "_") for name in cdevents.HANDLED)


def footprint(raw_cypher) -> dict[str, int]:
    return raw_cypher("RETURN COUNT { MATCH (n) } AS nodes, COUNT { ()-[r]->() } AS edges")[0]


@pytest.fixture
def conformance_world(client):
    """What the conformance examples name: component myapp with the image digest of their
    artifactId, environments test123 (where they deploy) and mySubject123 (the subject of
    the environment examples)."""
    register(client, "myapp", "1.0.0", digest=MYAPP_DIGEST)
    put_environment(client, "test123", stage="test")
    put_environment(client, "mySubject123", stage="test")
    return client


def running(client, environment: str) -> dict[str, str]:
    body = client.get(f"/api/v1/environments/{environment}").get_json()
    return {r["component"]: r["version"] for r in body["running"]}


def history(client, environment: str) -> list[tuple[str, str, str]]:
    """(component, version, by) of each deployment to the environment, oldest first."""
    items = client.get(f"/api/v1/deployments?environment={environment}").get_json()["items"]
    found = []
    for item in reversed(items):
        detail = client.get(f"/api/v1/deployments/{item['id']}").get_json()
        (member,) = detail["components"]
        found.append((member["component"], member["version"], detail["by"]))
    return found


def test_the_handled_types_are_those_the_brief_names():
    assert HANDLED == [
        "artifact_packaged",
        "artifact_published",
        "environment_created",
        "environment_deleted",
        "environment_modified",
        "service_deployed",
        "service_removed",
        "service_rolledback",
        "service_upgraded",
    ]


@pytest.mark.parametrize("name", HANDLED)
def test_every_conformance_example_of_a_handled_type_is_applied(conformance_world, name):
    response = post(conformance_world, conformance(name))
    assert response.status_code == 200, response.get_json()
    outcome = response.get_json()
    assert outcome["ignored"] is False and outcome["duplicate"] is False
    assert outcome["id"] == "271069a8-fc18-44f1-b38f-9d70a1695819"
    if name.startswith("artifact"):
        # pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c
        assert (outcome["component"], outcome["version"]) == ("myapp", "234fd47e07d1004f0aed9c")
        version = conformance_world.get("/api/v1/components/myapp/versions/234fd47e07d1004f0aed9c")
        assert version.status_code == 200
        assert outcome["sbom_uri"] == "https://sbom.repo/myorg/234fd47e07d1004f0aed9c.sbom"
    elif name in ("service_deployed", "service_upgraded", "service_rolledback"):
        assert running(conformance_world, "test123") == {"myapp": "1.0.0"}
        assert history(conformance_world, "test123") == [("myapp", "1.0.0", "/event/source/123")]
    elif name == "service_removed":
        assert outcome["component"] == "mySubject123" and outcome["version"] is None
    else:
        env = conformance_world.get("/api/v1/environments/mySubject123").get_json()
        if name == "environment_deleted":
            assert env["retired_at"].startswith("2023-03-20T14:27:05")
        else:
            assert env["description"] == "testEnv — https://example.org/testEnv"
            assert env["retired_at"] is None


@pytest.mark.parametrize(
    "name", [n for n in conformance_names() if n not in HANDLED], ids=lambda n: n
)
def test_every_other_conformance_example_is_ignored_with_the_reason(client, raw_cypher, name):
    before = footprint(raw_cypher)
    response = post(client, conformance(name))
    assert response.status_code == 202, response.get_json()
    outcome = response.get_json()
    assert outcome["ignored"] is True
    subject_predicate = ".".join(conformance(name)["context"]["type"].split(".")[2:4])
    assert outcome["reason"] == f"Mercator does not act on {subject_predicate} events"
    assert footprint(raw_cypher) == before


def _broken(name: str, change) -> dict:
    event = copy.deepcopy(conformance(name))
    change(event)
    return event


MALFORMED = {
    "no artifactId": (
        "service_deployed",
        lambda e: e["subject"]["content"].pop("artifactId"),
        "data.subject.content",
    ),
    "empty environment id": (
        "service_upgraded",
        lambda e: e["subject"]["content"]["environment"].update(id=""),
        "data.subject.content.environment.id",
    ),
    "timestamp not a time": (
        "artifact_published",
        lambda e: e["context"].update(timestamp="yesterday"),
        "data.context.timestamp",
    ),
    "unknown content field": (
        "environment_created",
        lambda e: e["subject"]["content"].update(stage="prod"),
        "data.subject.content",
    ),
    "packaged without change": (
        "artifact_packaged",
        lambda e: e["subject"]["content"].pop("change"),
        "data.subject.content",
    ),
    "bad link": (
        "service_removed",
        lambda e: e["context"]["links"].append({"linkType": "SIDEWAYS"}),
        "data.context.links.3",
    ),
    "no subject": ("environment_deleted", lambda e: e.pop("subject"), "data"),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_a_malformed_cdevent_is_refused_with_400_naming_where(conformance_world, raw_cypher, case):
    name, change, where = MALFORMED[case]
    before = footprint(raw_cypher)
    error = assert_error_shape(post(conformance_world, _broken(name, change)), 400, "invalid")
    assert "CDEvents 0.5.1 schema" in error["message"]
    assert list(error["details"]) == [where]
    assert footprint(raw_cypher) == before


@pytest.mark.parametrize(
    ("body", "content_type", "where"),
    [
        (b"{not json", STRUCTURED, "envelope"),
        (
            json.dumps({"specversion": "1.0", "id": "1", "type": "t"}).encode(),
            STRUCTURED,
            "envelope",
        ),
        (json.dumps({"data": 1}).encode(), "application/json", "content-type"),
        (b"[]", BATCH, "body"),
        (json.dumps([1]).encode(), BATCH, "events.0"),
    ],
    ids=["not json", "no source", "plain json without ce- headers", "empty batch", "item"],
)
def test_what_is_no_cloudevent_is_400(client, body, content_type, where):
    response = client.post("/api/v1/events", data=body, content_type=content_type)
    error = assert_error_shape(response, 400, "invalid")
    assert where in error["details"]


def test_the_envelope_and_the_cdevent_must_agree_on_the_type(conformance_world):
    event = cloudevent(conformance("service_deployed"))
    event["type"] = "dev.cdevents.service.upgraded.0.3.0"
    response = conformance_world.post(
        "/api/v1/events", data=json.dumps(event), content_type=STRUCTURED
    )
    error = assert_error_shape(response, 400, "invalid")
    assert "data.context.type" in error["details"]


def test_service_removed_takes_out_what_the_service_deployed(conformance_world):
    assert post(conformance_world, conformance("service_deployed")).status_code == 200
    removed = conformance("service_removed")
    removed["context"]["id"] = "another-event"
    outcome = post(conformance_world, removed).get_json()
    assert (outcome["component"], outcome["version"]) == ("myapp", "1.0.0")
    assert running(conformance_world, "test123") == {}
    assert len(history(conformance_world, "test123")) == 1


def test_binary_mode_reads_the_attributes_from_ce_headers(conformance_world):
    event = conformance("service_deployed")
    response = conformance_world.post(
        "/api/v1/events",
        data=json.dumps(event),
        content_type="application/json",
        headers={
            "ce-specversion": "1.0",
            "ce-id": event["context"]["id"],
            "ce-source": event["context"]["source"],
            "ce-type": event["context"]["type"],
        },
    )
    assert response.status_code == 200, response.get_json()
    assert running(conformance_world, "test123") == {"myapp": "1.0.0"}


def test_binary_mode_without_a_required_header_is_400(conformance_world, raw_cypher):
    before = footprint(raw_cypher)
    response = conformance_world.post(
        "/api/v1/events",
        data=json.dumps(conformance("service_deployed")),
        content_type="application/json",
        headers={"ce-specversion": "1.0", "ce-type": "dev.cdevents.service.deployed.0.3.0"},
    )
    error = assert_error_shape(response, 400, "invalid")
    assert "envelope" in error["details"]
    assert footprint(raw_cypher) == before


def test_a_type_of_another_cdevents_version_is_ignored(client):
    event = conformance("service_deployed")
    event["context"]["type"] = "dev.cdevents.service.deployed.0.1.1"
    response = post(client, event)
    assert response.status_code == 202
    assert "not 0.1.1" in response.get_json()["reason"]


def test_a_cloudevent_that_is_no_cdevent_is_ignored(client):
    body = {"specversion": "1.0", "id": "1", "source": "/github", "type": "com.github.push"}
    response = client.post("/api/v1/events", data=json.dumps(body), content_type=STRUCTURED)
    assert response.status_code == 202
    assert response.get_json()["reason"].startswith("'com.github.push' is not a CDEvent type")


def _pipeline() -> list[dict]:
    """A release as a Tekton pipeline emits it: environments appear, payments-api 1.4.2 is
    built and published, deployed to staging then prod; 1.5.0 follows, is upgraded in prod,
    and rolled back to 1.4.2; staging drops the service."""
    old, new = digest_of("payments-api", "1.4.2"), digest_of("payments-api", "1.5.0")
    return [
        cdevent("environment.created", "staging", {"name": "Staging", "uri": "https://k8s/stg"}),
        cdevent("environment.created", "prod", {"name": "Production"}),
        published("payments-api", "1.4.2", old),
        deployed("deployed", "payments", "staging", "payments-api", old),
        deployed("deployed", "payments", "prod", "payments-api", old),
        published("payments-api", "1.5.0", new),
        deployed("upgraded", "payments", "staging", "payments-api", new),
        deployed("upgraded", "payments", "prod", "payments-api", new),
        deployed("rolledback", "payments", "prod", "payments-api", old),
        cdevent("service.removed", "payments", {"environment": {"id": "staging"}}),
    ]


def test_a_pipeline_that_only_emits_cdevents_builds_inventory_and_history(client):
    events = _pipeline()
    response = post(client, *events)
    assert response.status_code == 207, response.get_json()
    actions = [outcome["action"] for outcome in response.get_json()["events"]]
    assert actions == ["created", "created", "registered", "deployed", "deployed",
                       "registered", "upgraded", "upgraded", "rolledback", "removed"]  # fmt: skip
    assert running(client, "prod") == {"payments-api": "1.4.2"}
    assert running(client, "staging") == {}
    source = "/tekton/pipelines/shop-release"
    assert history(client, "prod") == [
        ("payments-api", "1.4.2", source),
        ("payments-api", "1.5.0", source),
        ("payments-api", "1.4.2", source),
    ]
    version = client.get("/api/v1/components/payments-api/versions/1.5.0").get_json()
    assert version["digest"] == digest_of("payments-api", "1.5.0")
    assert version["image"] == "registry.shop.example/shop/payments-api"


#: A release, step by step: (what, environment, version, when).
RELEASE = [
    ("publish", None, "1.4.2", "2026-11-20T10:00:00Z"),
    ("deploy", "staging", "1.4.2", "2026-11-20T10:01:00Z"),
    ("deploy", "prod", "1.4.2", "2026-11-20T10:02:00Z"),
    ("publish", None, "1.5.0", "2026-11-20T10:03:00Z"),
    ("deploy", "staging", "1.5.0", "2026-11-20T10:04:00Z"),
    ("deploy", "prod", "1.5.0", "2026-11-20T10:05:00Z"),
    ("deploy", "prod", "1.4.2", "2026-11-20T10:06:00Z"),  # rolled back
]
IMAGE = "registry.shop.example/shop/payments-api"


def _through_the_api(client) -> None:
    """The release as the docs' curl pipeline sends it: registrations and deployments."""
    for what, environment, version, at in RELEASE:
        if what == "publish":
            body = {"version": version, "digest": digest_of("payments-api", version),
                    "image": IMAGE}  # fmt: skip
            response = client.post("/api/v1/components/payments-api/versions", json=body)
        else:
            response = client.post("/api/v1/deployments", json={
                "environment": environment, "status": "succeeded", "started_at": at,
                "finished_at": at,
                "components": [{"component": "payments-api", "version": version}]})  # fmt: skip
        assert response.status_code == 201, response.get_json()


def _as_cdevents() -> list[dict]:
    """The same release as a pipeline that only emits CDEvents sends it."""
    events, running = [], {}
    for what, environment, version, at in RELEASE:
        digest = digest_of("payments-api", version)
        if what == "publish":
            events.append(published("payments-api", version, digest, timestamp=at))
            continue
        before = running.get(environment)
        kind = "deployed" if before is None else ("upgraded" if before < version else "rolledback")
        running[environment] = version
        events.append(deployed(kind, "payments", environment, "payments-api", digest,
                               timestamp=at))  # fmt: skip
    return events


def _what_users_see(client) -> dict:
    def page(path: str) -> dict:
        response = client.get(path)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    versions = page("/api/v1/components/payments-api/versions")["items"]
    return {
        "versions": [(v["version"], v["digest"], v["image"]) for v in versions],
        "inventory": {
            env: [(r["component"], r["version"], r["since"], r["last_deployed_at"])
                  for r in page(f"/api/v1/environments/{env}/inventory")["running"]]
            for env in ("staging", "prod")
        },  # fmt: skip
        "history": {
            env: [(d["status"], d["finished_at"])
                  for d in page(f"/api/v1/deployments?environment={env}")["items"]]
            for env in ("staging", "prod")
        },  # fmt: skip
        "blast_radius": page("/api/v1/components/payments-api/blast-radius?version=1.4.2"),
        # Deployment ids differ by design: an event's is derived from its key.
        "where": _without("deployment", page("/api/v1/components/payments-api/whereabouts")),
    }


def _without(key: str, value):
    if isinstance(value, dict):
        return {k: _without(key, v) for k, v in value.items() if k != key}
    if isinstance(value, list):
        return [_without(key, v) for v in value]
    return value


def test_a_cdevents_pipeline_leaves_what_the_api_pipeline_leaves(client, graph):
    for environment in ("staging", "prod"):
        put_environment(client, environment, stage=environment)
    _through_the_api(client)
    by_api = _what_users_see(client)

    database.reset(graph)
    for environment in ("staging", "prod"):
        put_environment(client, environment, stage=environment)
    response = post(client, *_as_cdevents())
    assert response.status_code == 207, response.get_json()
    by_events = _what_users_see(client)

    assert by_events == by_api
    assert by_api["inventory"]["prod"][0][:2] == ("payments-api", "1.4.2")
    assert len(by_api["history"]["prod"]) == 3


def test_the_same_events_again_change_nothing(client, raw_cypher):
    events = _pipeline()
    assert post(client, *events).status_code == 207
    before = footprint(raw_cypher)
    again = post(client, *events)
    assert again.status_code == 207
    outcomes = again.get_json()["events"]
    assert all(o["duplicate"] and not o["created"] for o in outcomes)
    assert outcomes[4]["deployment"] == post(client, events[4]).get_json()["deployment"]
    assert footprint(raw_cypher) == before
    assert len(history(client, "prod")) == 3


def test_a_batch_is_all_or_nothing(client, raw_cypher):
    events = _pipeline()
    # the last deploys a digest nobody registered
    events.append(deployed("deployed", "cart", "prod", "cart", digest_of("cart", "9")))
    before = footprint(raw_cypher)
    error = assert_error_shape(post(client, *events), 422, "unprocessable")
    assert "cart" in error["message"]
    assert footprint(raw_cypher) == before


def test_an_unknown_artifact_is_422_naming_it(conformance_world, raw_cypher):
    event = conformance("service_deployed")
    event["subject"]["content"]["artifactId"] = "pkg:oci/myapp@sha256%3A" + "f" * 64
    before = footprint(raw_cypher)
    error = assert_error_shape(post(conformance_world, event), 422, "unprocessable")
    assert "register it first" in error["message"]
    assert error["details"] == {
        "subject.content.artifactId": [event["subject"]["content"]["artifactId"]]
    }
    assert footprint(raw_cypher) == before


def test_an_unknown_environment_is_422_naming_it(conformance_world):
    event = conformance("service_deployed")
    event["subject"]["content"]["environment"]["id"] = "nowhere"
    error = assert_error_shape(post(conformance_world, event), 422, "unprocessable")
    assert error["details"] == {"subject.content.environment.id": ["nowhere"]}


def test_an_artifact_that_is_no_purl_is_422(client):
    event = cdevent("artifact.published", "ghcr.io/acme/api:1.0", {})
    error = assert_error_shape(post(client, event), 422, "unprocessable")
    assert "subject.id" in error["details"]


def test_an_oci_artifact_without_tag_or_version_cannot_be_registered(client):
    event = cdevent("artifact.published", f"pkg:oci/api@{digest_of('api', '1')}", {})
    error = assert_error_shape(post(client, event), 422, "unprocessable")
    assert "tag or version qualifier" in error["message"]


def test_an_artifact_with_another_digest_is_a_conflict(client):
    register(client, "payments-api", "1.4.2", digest=digest_of("payments-api", "1.4.2"))
    event = published("payments-api", "1.4.2", digest_of("payments-api", "other"))
    error = assert_error_shape(post(client, event), 409, "conflict")
    assert "digest" in error["details"]["fields"]


def test_an_artifact_registered_through_the_api_with_more_detail_is_a_no_op(client):
    digest = digest_of("payments-api", "1.4.2")
    register(client, "payments-api", "1.4.2", digest=digest, git_commit="abc1234")
    response = post(client, published("payments-api", "1.4.2", digest))
    assert response.status_code == 200
    assert response.get_json()["created"] is False


def test_a_retired_environment_keeps_its_history_and_takes_no_deployments(client):
    assert post(client, *_pipeline()).status_code == 207
    retire = post(client, cdevent("environment.deleted", "prod", {"name": "Production"}))
    assert retire.status_code == 200
    assert retire.get_json()["stopped"] == 1
    assert running(client, "prod") == {}
    assert len(history(client, "prod")) == 3
    later = deployed(
        "deployed", "payments", "prod", "payments-api", digest_of("payments-api", "1.5.0")
    )
    error = assert_error_shape(post(client, later), 422, "unprocessable")
    assert "retired" in error["message"]
    assert post(client, cdevent("environment.created", "prod", {})).status_code == 200
    assert post(client, later).status_code == 200
    assert running(client, "prod") == {"payments-api": "1.5.0"}


def test_a_request_without_a_token_is_401_before_the_body_is_read(anonymous_client):
    response = anonymous_client.post("/api/v1/events", data=b"{garbage", content_type=STRUCTURED)
    assert_error_shape(response, 401, "unauthorized")


def test_a_token_without_an_event_scope_is_403_before_the_body_is_read(
    anonymous_client, make_token
):
    headers = {"Authorization": f"Bearer {make_token('read')}"}
    response = anonymous_client.post(
        "/api/v1/events", data=b"{garbage", content_type=STRUCTURED, headers=headers
    )
    error = assert_error_shape(response, 403, "forbidden")
    assert error["details"]["required_scope"] == ["register", "deploy", "admin"]


@pytest.mark.parametrize(
    ("name", "scope", "lacking"),
    [
        ("artifact_published", "register", "deploy"),
        ("service_deployed", "deploy", "register"),
        ("environment_created", "admin", "deploy"),
    ],
)
def test_each_event_needs_its_scope(
    conformance_world, anonymous_client, make_token, raw_cypher, name, scope, lacking
):
    headers = {"Authorization": f"Bearer {make_token(lacking, 'read')}"}
    before = footprint(raw_cypher)
    refused = post(anonymous_client, conformance(name), headers=headers)
    assert_error_shape(refused, 403, "forbidden")
    assert refused.get_json()["error"]["details"]["required_scope"] == scope
    assert footprint(raw_cypher) == before
    allowed = post(
        anonymous_client,
        conformance(name),
        headers={"Authorization": f"Bearer {make_token(scope)}"},
    )
    assert allowed.status_code == 200, allowed.get_json()


def test_a_batch_with_one_event_beyond_the_token_writes_nothing(
    conformance_world, anonymous_client, make_token, raw_cypher
):
    headers = {"Authorization": f"Bearer {make_token('deploy')}"}
    before = footprint(raw_cypher)
    response = post(
        anonymous_client,
        conformance("service_deployed"),
        conformance("environment_modified"),
        headers=headers,
    )
    assert_error_shape(response, 403, "forbidden")
    assert footprint(raw_cypher) == before
