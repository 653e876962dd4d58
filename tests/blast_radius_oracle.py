"""The blast radius as Mercator computed it before the one-statement query: breadth first
in Python, one query per hop, each re-testing the DEPENDS_ON ranges, then one impact query.

Kept only as the oracle of tests/test_blast_radius_equivalence.py: the statement in
cypher/reports/blast_radius.cypher must give the same answers.
"""

from __future__ import annotations

from typing import Any

from app.core import semver
from app.graph.db import Tx, _plain

STEP = """// Purpose: one step of a blast radius: the component versions that depend directly on the
//          affected versions in $frontier — a consumer whose DEPENDS_ON range excludes all
//          of a component's affected versions is not affected. The service repeats it,
//          breadth first, up to the requested depth (so each consumer is found at its
//          shortest distance and the work stays linear in what is affected); pasted in
//          Neo4j Browser it answers "who depends directly on these versions".
// Parameters: $frontier (list of {component, any: true when any change of it counts,
//             versions: [{version, key}] — the affected versions and their version_key})
// Returns: via_component, via_version (the affected version the consumer admits, null for
//          `any`), component, version, key (the consumer's version_key), latest
// :param {frontier: [{component: 'payment', any: true, versions: []}]}
UNWIND $frontier AS affected
MATCH (:Component {name: affected.component})<-[d:DEPENDS_ON]-(consumer:ComponentVersion)
// A range is kept on DEPENDS_ON as intervals of version keys (range_low/high[_inclusive]);
// a version key sorts like its version, so admission is a string comparison.
WITH affected, consumer,
     CASE WHEN affected.any THEN [null]
          WHEN d.range_low IS NULL THEN [v IN affected.versions | v.version]
          ELSE [v IN affected.versions WHERE v.key IS NOT NULL AND any(
                  i IN range(0, size(d.range_low) - 1) WHERE
                    (v.key > d.range_low[i]
                      OR (d.range_low_inclusive[i] AND v.key = d.range_low[i]))
                    AND (v.key < d.range_high[i]
                      OR (d.range_high_inclusive[i] AND v.key = d.range_high[i])))
                | v.version]
     END AS admitted
WHERE size(admitted) > 0
RETURN affected.component AS via_component, admitted[0] AS via_version,
       consumer.component AS component, consumer.version AS version,
       consumer.version_key AS key,
       consumer.version = [(consumer)<-[:HAS_VERSION]-(c:Component) | c.latest_version][0]
         AS latest
"""

IMPACT = """// Purpose: what a set of affected component versions reaches beyond its consumers: the
//          application versions that include one of them (each application's latest, and
//          every version deployed now — where the latest succeeded deployment of that
//          application to an environment was of it), the environments where one runs now,
//          and the teams that own the affected components and applications, with contacts.
// Parameters: $affected (list of {component, version}; a null version stands for every
//             version of that component)
// Returns: applications ([{application, version, latest, deployed_in}]),
//          environments ([{environment, stage, component, version}]),
//          teams ([{team, email, chat, pager, owns}])
// A named version is one seek of the (component, version) key — not a walk over all of its
// component's versions, which a hub's thousands of affected versions would multiply.
CALL () {
  UNWIND $affected AS a
  MATCH (cv:ComponentVersion {component: a.component, version: a.version})
  RETURN collect(cv) AS named
}
CALL () {
  UNWIND [a IN $affected WHERE a.version IS NULL | a.component] AS name
  MATCH (:Component {name: name})-[:HAS_VERSION]->(cv:ComponentVersion)
  RETURN collect(cv) AS every
}
WITH named + every AS versions
CALL (versions) {
  OPTIONAL CALL (versions) {
    UNWIND versions AS cv
    MATCH (cv)<-[:INCLUDES]-(av:ApplicationVersion)
    WITH DISTINCT av
    MATCH (app:Application {name: av.application})
    RETURN app, collect(av) AS including
  }
  // Per application (once, however many of its versions are affected): the version each
  // environment got from its latest succeeded deployment of that application.
  CALL (app) {
    MATCH (app)-[:HAS_VERSION]->(x:ApplicationVersion)<-[:OF]-(dep:Deployment)-[:TO]->
          (e:Environment)
    WHERE dep.status = 'succeeded'
    WITH e, x, dep ORDER BY dep.finished_at DESC
    WITH e, head(collect(x)) AS current
    RETURN collect({environment: e.name, version: current.version}) AS deployedNow
  }
  UNWIND coalesce(including, []) AS av
  WITH app, av, [d IN deployedNow WHERE d.version = av.version | d.environment] AS deployedIn
  WHERE av.version = app.latest_version OR size(deployedIn) > 0
  RETURN collect({application: app.name, version: av.version,
                  latest: av.version = app.latest_version, deployed_in: deployedIn})
           AS applications
}
CALL (versions) {
  UNWIND versions AS cv
  MATCH (e:Environment)-[:RUNS]->(cv)
  RETURN collect({environment: e.name, stage: e.stage, component: cv.component,
                  version: cv.version}) AS environments
}
CALL (versions) {
  UNWIND versions AS cv
  WITH DISTINCT cv.component AS name
  MATCH (:Component {name: name})-[:OWNED_BY]->(t:Team)
  RETURN collect({team: t, owned: name}) AS componentOwners
}
CALL (applications) {
  UNWIND applications AS a
  WITH DISTINCT a.application AS name
  MATCH (:Application {name: name})-[:OWNED_BY]->(t:Team)
  RETURN collect({team: t, owned: name}) AS applicationOwners
}
CALL (componentOwners, applicationOwners) {
  UNWIND componentOwners + applicationOwners AS owner
  WITH owner.team AS t, collect(DISTINCT owner.owned) AS owns
  RETURN collect({team: t.name, email: t.email, chat: t.chat, pager: t.pager, owns: owns})
           AS teams
}
RETURN applications, environments, teams
"""


def _run(tx: Tx, query: str, **params: Any) -> list[dict[str, Any]]:
    return [{k: _plain(v) for k, v in record.items()} for record in tx._tx.run(query, params)]


def blast_radius(
    graph, component: str, version: str | None, depth: int, limit: int
) -> dict[str, Any]:
    """The old service's answer (same shape as `app.reports.reports.blast_radius`)."""
    return graph.read_tx(lambda tx: _blast_radius(tx, component, version, depth, limit))


def _blast_radius(
    tx: Tx, component: str, version: str | None, depth: int, limit: int
) -> dict[str, Any]:
    """Breadth first, one `blast_radius_step` query per hop: every consumer is found at its
    shortest distance, each version once (so cycles end), and the work grows with what is
    affected rather than with every path through the graph."""
    consumers: dict[tuple[str, str], dict[str, Any]] = {}
    frontier = [
        {
            "component": component,
            "any": version is None,
            "versions": []
            if version is None
            else [{"version": version, "key": semver.version_key(version)}],
        }
    ]
    for distance in range(1, depth + 1):
        reached: dict[str, list[dict[str, Any]]] = {}
        rows = _run(tx, STEP, frontier=frontier)
        for row in sorted(
            rows,
            key=lambda r: (r["component"], r["version"], r["via_component"], str(r["via_version"])),
        ):
            key = (row["component"], row["version"])
            if row["component"] == component or key in consumers:
                continue
            via = (
                [component]
                if row["via_component"] == component
                else consumers[(row["via_component"], row["via_version"])]["path"]
            )
            consumers[key] = {
                "component": row["component"],
                "version": row["version"],
                "distance": distance,
                "latest": row["latest"],
                "path": [*via, f"{row['component']}@{row['version']}"],
                "key": row["key"],
            }
            reached.setdefault(row["component"], []).append(
                {"version": row["version"], "key": row["key"]}
            )
        if not reached:
            break
        frontier = [
            {"component": name, "any": False, "versions": versions}
            for name, versions in reached.items()
        ]
    # Nearest first, by component, newest version first (two stable sorts).
    ordered = sorted(consumers.values(), key=lambda c: c["key"] or "", reverse=True)
    ordered.sort(key=lambda c: (c["distance"], c["component"]))
    affected = [{"component": component, "version": version}] + [
        {"component": c["component"], "version": c["version"]} for c in ordered
    ]
    impact = impact_of(tx, affected)
    return {
        "component": component,
        "version": version,
        "depth": depth,
        "consumers": [{k: v for k, v in c.items() if k != "key"} for c in ordered[:limit]],
        "consumer_count": len(ordered),
        "truncated": len(ordered) > limit,
        **impact,
    }


def impact_of(tx: Tx, affected: list[dict[str, Any]]) -> dict[str, Any]:
    """What affected component versions reach: the application versions including them
    (latest, or deployed now), the environments running them, the teams to notify."""
    impact = _run(tx, IMPACT, affected=affected)[0]
    impact["applications"].sort(key=lambda a: (a["application"], a["version"]))
    for application in impact["applications"]:
        application["deployed_in"].sort()
    impact["environments"].sort(key=lambda e: (e["environment"], e["component"]))
    impact["teams"].sort(key=lambda t: t["team"])
    for team in impact["teams"]:
        team["owns"].sort()
    return impact
