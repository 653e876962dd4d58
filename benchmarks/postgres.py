"""The alternative users have today: the same catalog in PostgreSQL, the same BOM and blast
radius answers computed with recursive SQL.

`Cluster` runs Debian's PostgreSQL (found under /usr/lib/postgresql/*/bin; installed by
scripts/ensure-postgresql) as a private cluster on loopback: its own data and socket folder,
trust authentication, C collation (so text sorts by code point, exactly as Neo4j compares
strings — the version keys depend on it). `load` copies the generated catalog in with COPY
(version keys and range intervals computed by the same functions Mercator stores them
with), the SBOM packages as the graph holds them, then indexes and ANALYZE.

The queries answer what Mercator's reports answer, and `canonical_*` reduce both sides to
sets, so the benchmark can insist they agree before it compares times.
"""

from __future__ import annotations

import glob
import os
import shutil
import stat
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import neo4j
import psycopg

from app.catalog.registration import Registration
from app.core import semver

SCHEMA = """
CREATE TABLE team (name text PRIMARY KEY, email text, chat text, pager text);
CREATE TABLE component (name text PRIMARY KEY, kind text, owner text, latest_version text);
CREATE TABLE component_version (
  id integer PRIMARY KEY, component text NOT NULL, version text NOT NULL,
  version_key text, image text, digest text, git_repository text, git_commit text,
  attributes jsonb NOT NULL);
CREATE TABLE depends_on (
  id integer PRIMARY KEY, consumer integer NOT NULL, component text NOT NULL, range text);
CREATE TABLE range_interval (
  depends_on integer NOT NULL, low text NOT NULL, low_inclusive boolean NOT NULL,
  high text NOT NULL, high_inclusive boolean NOT NULL);
CREATE TABLE application (name text PRIMARY KEY, owner text, latest_version text);
CREATE TABLE application_version (
  id integer PRIMARY KEY, application text NOT NULL, version text NOT NULL);
CREATE TABLE includes (application_version integer NOT NULL, component_version integer NOT NULL);
CREATE TABLE environment (name text PRIMARY KEY, stage text);
CREATE TABLE deployment (
  id text PRIMARY KEY, environment text NOT NULL, application_version integer NOT NULL,
  status text NOT NULL, finished_at timestamptz);
CREATE TABLE runs (environment text NOT NULL, component_version integer NOT NULL);
CREATE TABLE package (
  purl text PRIMARY KEY, name text, version text, ecosystem text, licenses text[]);
CREATE TABLE contains (component_version integer NOT NULL, package text NOT NULL, scope text);
"""

#: After the COPY: keys, and an index for every join the reports make.
INDEXES = """
ALTER TABLE component_version ADD UNIQUE (component, version);
ALTER TABLE application_version ADD UNIQUE (application, version);
ALTER TABLE includes ADD PRIMARY KEY (application_version, component_version);
ALTER TABLE runs ADD PRIMARY KEY (environment, component_version);
ALTER TABLE contains ADD PRIMARY KEY (component_version, package);
CREATE INDEX depends_on_component ON depends_on (component, consumer);
CREATE INDEX depends_on_consumer ON depends_on (consumer);
CREATE INDEX range_interval_depends_on ON range_interval (depends_on);
CREATE INDEX includes_component_version ON includes (component_version, application_version);
CREATE INDEX runs_component_version ON runs (component_version);
CREATE INDEX contains_package ON contains (package);
CREATE INDEX deployment_succeeded ON deployment (application_version, environment, finished_at)
  WHERE status = 'succeeded';
ANALYZE;
"""

BOM_APPLICATION_VERSION = """
WITH av AS (SELECT id, application, version FROM application_version
            WHERE application = %(application)s AND version = %(version)s),
members AS (SELECT cv.* FROM av JOIN includes i ON i.application_version = av.id
            JOIN component_version cv ON cv.id = i.component_version)
SELECT av.application, av.version,
  (SELECT coalesce(json_agg(json_build_object(
            'component', c.name, 'version', m.version, 'kind', c.kind, 'owner', c.owner,
            'image', m.image, 'digest', m.digest, 'git_repository', m.git_repository,
            'git_commit', m.git_commit, 'attributes', m.attributes) ORDER BY c.name), '[]')
     FROM members m JOIN component c ON c.name = m.component) AS components,
  (SELECT coalesce(json_agg(json_build_object(
            'component', x.component, 'kind', x.kind, 'owner', x.owner,
            'required_by', x.required_by) ORDER BY x.component), '[]')
     FROM (SELECT d.component, dc.kind, dc.owner,
                  json_agg(json_build_object('component', m.component, 'version', m.version,
                                             'range', d.range) ORDER BY m.component)
                    AS required_by
             FROM members m JOIN depends_on d ON d.consumer = m.id
             JOIN component dc ON dc.name = d.component
            WHERE NOT EXISTS (SELECT 1 FROM members o WHERE o.component = d.component)
            GROUP BY d.component, dc.kind, dc.owner) x) AS external_dependencies,
  (SELECT coalesce(json_agg(json_build_object(
            'purl', x.purl, 'name', x.name, 'version', x.version, 'ecosystem', x.ecosystem,
            'licenses', x.licenses, 'brought_by', x.brought_by) ORDER BY x.purl), '[]')
     FROM (SELECT p.purl, p.name, p.version, p.ecosystem, p.licenses,
                  json_agg(json_build_object('component', m.component, 'version', m.version,
                                             'scope', ct.scope) ORDER BY m.component)
                    AS brought_by
             FROM members m JOIN contains ct ON ct.component_version = m.id
             JOIN package p ON p.purl = ct.package
            GROUP BY p.purl) x) AS packages
FROM av
"""

BOM_COMPONENT_VERSION = """
SELECT c.name AS component, cv.version, c.kind, c.owner, cv.image, cv.digest,
       cv.git_repository, cv.git_commit, cv.attributes,
  (SELECT coalesce(json_agg(json_build_object('component', d.component, 'range', d.range,
                                              'kind', dc.kind, 'owner', dc.owner)
                            ORDER BY d.component), '[]')
     FROM depends_on d JOIN component dc ON dc.name = d.component
    WHERE d.consumer = cv.id) AS dependencies,
  (SELECT coalesce(json_agg(json_build_object('purl', p.purl, 'name', p.name,
                                              'version', p.version, 'ecosystem', p.ecosystem,
                                              'licenses', p.licenses, 'scope', ct.scope)
                            ORDER BY p.purl), '[]')
     FROM contains ct JOIN package p ON p.purl = ct.package
    WHERE ct.component_version = cv.id) AS packages
FROM component_version cv JOIN component c ON c.name = cv.component
WHERE cv.component = %(component)s AND cv.version = %(version)s
"""

#: Whether dependency `d` admits the version whose key is `{key}`: no range, or a key inside
#: one of its intervals (a version without a key satisfies no range) — Mercator's rule.
_ADMITS = """(d.range IS NULL OR EXISTS (
    SELECT 1 FROM range_interval r WHERE r.depends_on = d.id
       AND ({key} > r.low OR (r.low_inclusive AND {key} = r.low))
       AND ({key} < r.high OR (r.high_inclusive AND {key} = r.high))))"""

#: Consumers of a component version, transitively up to a depth, each at its shortest
#: distance; consumers that are versions of the component itself are not counted (as in
#: Mercator). UNION (not ALL) keeps each (version, distance) once, so cycles end.
BLAST_RADIUS_CONSUMERS = f"""
WITH RECURSIVE walk(id, component, key, distance) AS (
    SELECT cv.id, cv.component, cv.version_key, 1
      FROM depends_on d JOIN component_version cv ON cv.id = d.consumer
     WHERE d.component = %(component)s AND cv.component <> %(component)s
       AND {_ADMITS.format(key="%(key)s::text")}
  UNION
    SELECT cv.id, cv.component, cv.version_key, w.distance + 1
      FROM walk w JOIN depends_on d ON d.component = w.component
      JOIN component_version cv ON cv.id = d.consumer
     WHERE w.distance < %(depth)s AND cv.component <> %(component)s
       AND {_ADMITS.format(key="w.key")}
)
SELECT cv.id, cv.component, cv.version, cv.version_key AS key, min(w.distance) AS distance,
       cv.version = c.latest_version AS latest
  FROM walk w JOIN component_version cv ON cv.id = w.id
  JOIN component c ON c.name = cv.component
 GROUP BY cv.id, c.latest_version
"""

IMPACT_APPLICATIONS = """
WITH including AS (
  SELECT DISTINCT av.id, av.application, av.version
    FROM unnest(%(ids)s::integer[]) AS affected(id)
    JOIN includes i ON i.component_version = affected.id
    JOIN application_version av ON av.id = i.application_version),
deployed_now AS (
  SELECT DISTINCT ON (av.application, d.environment) av.application, d.environment, av.version
    FROM (SELECT DISTINCT application FROM including) apps
    JOIN application_version av ON av.application = apps.application
    JOIN deployment d ON d.application_version = av.id AND d.status = 'succeeded'
   ORDER BY av.application, d.environment, d.finished_at DESC),
deployed AS (
  SELECT application, version, array_agg(environment) AS environments
    FROM deployed_now GROUP BY application, version)
SELECT i.application, i.version, i.version = a.latest_version AS latest,
       coalesce(dp.environments, '{}') AS deployed_in
  FROM including i JOIN application a ON a.name = i.application
  LEFT JOIN deployed dp ON dp.application = i.application AND dp.version = i.version
 WHERE i.version = a.latest_version OR dp.environments IS NOT NULL
"""

IMPACT_ENVIRONMENTS = """
SELECT e.name AS environment, e.stage, cv.component, cv.version
  FROM unnest(%(ids)s::integer[]) AS affected(id)
  JOIN runs r ON r.component_version = affected.id
  JOIN environment e ON e.name = r.environment
  JOIN component_version cv ON cv.id = r.component_version
"""

IMPACT_TEAMS = """
SELECT t.name AS team, t.email, t.chat, t.pager, array_agg(DISTINCT o.owned) AS owns
  FROM (SELECT c.owner, c.name AS owned FROM component c
         WHERE c.name IN (SELECT cv.component
                            FROM unnest(%(ids)s::integer[]) AS affected(id)
                            JOIN component_version cv ON cv.id = affected.id)
        UNION
        SELECT a.owner, a.name FROM application a WHERE a.name = ANY(%(applications)s)) o
  JOIN team t ON t.name = o.owner
 GROUP BY t.name
"""


def bin_dir() -> Path:
    """Debian's PostgreSQL programs (the newest major version installed)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if not found:
        raise RuntimeError("PostgreSQL is not installed: run scripts/ensure-postgresql")
    return Path(found[-1]).parent


def _major(path: str) -> int:
    return int(Path(path).parent.parent.name)


class Cluster:
    """A private PostgreSQL cluster in `home` listening on 127.0.0.1:`port`.

    Without a `home`, the cluster lives in a fresh temporary folder outside the checkout,
    which `remove` deletes. PostgreSQL refuses to run as root, so under root it runs as
    `postgres`, who owns that folder; a checkout in a folder others cannot enter (a
    `mktemp -d` folder, a clone under /root) would be out of its reach."""

    USER = "mercator"
    RUN_AS = "postgres"

    def __init__(self, home: Path | None, port: int) -> None:
        self.temporary = home is None
        if home is None:
            home = Path(tempfile.mkdtemp(prefix="mercator-postgres-", dir=tempfile.gettempdir()))
        self.home, self.port = home, port
        self.bin = bin_dir()
        self.data, self.sockets = home / "data", home / "run"

    def start(self) -> None:
        """A fresh cluster (any previous one in `home` is removed)."""
        self.stop()
        shutil.rmtree(self.home, ignore_errors=True)
        self.sockets.mkdir(parents=True)
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            self._reachable()
            shutil.chown(self.home, self.RUN_AS)
            shutil.chown(self.sockets, self.RUN_AS)
        self._run("initdb", "-D", str(self.data), "-U", self.USER, "--auth=trust",
                  "--locale=C", "--encoding=UTF8")
        options = (
            f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1 "
            "-c shared_buffers=1GB -c work_mem=64MB -c maintenance_work_mem=512MB "
            "-c max_wal_size=4GB -c effective_cache_size=4GB"
        )
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.home / "postgres.log"),
                  "-o", options, "-w", "-t", "120", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def remove(self) -> None:
        """Stop the cluster, and delete its folder if it is a temporary one."""
        self.stop()
        if self.temporary:
            shutil.rmtree(self.home, ignore_errors=True)

    def _reachable(self) -> None:
        """Fail clearly, not with initdb's "could not change directory", when the user
        PostgreSQL runs as cannot enter a folder above `home`."""
        for parent in self.home.resolve().parents:
            mode = parent.stat().st_mode
            if not mode & stat.S_IXOTH and parent.owner() != self.RUN_AS:
                raise RuntimeError(
                    f"PostgreSQL runs as {self.RUN_AS}, who cannot enter {parent}: choose a "
                    "home it can reach, or none for a temporary folder"
                )

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=self.USER, dbname="postgres", autocommit=True
        )

    def version(self) -> str:
        with self.connect() as conn:
            return conn.execute("SHOW server_version").fetchone()[0]

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin / program), *args]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"{program} failed: {done.stderr or done.stdout}")


def load(conn: psycopg.Connection, document: dict[str, Any], driver: neo4j.Driver) -> dict:
    """The catalog into the schema with COPY, then keys, indexes and statistics. Returns
    seconds and rows per table."""
    started = time.perf_counter()
    conn.execute(SCHEMA)
    tables = _tables(document, driver)
    read = time.perf_counter() - started
    started = time.perf_counter()
    rows = {}
    with conn.cursor() as cur:
        for table, (columns, records) in tables.items():
            with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for record in records:
                    copy.write_row(record)
            rows[table] = len(records)
    copied = time.perf_counter() - started
    started = time.perf_counter()
    conn.execute(INDEXES)
    return {
        "prepare_seconds": round(read, 1),
        "copy_seconds": round(copied, 1),
        "index_seconds": round(time.perf_counter() - started, 1),
        "rows": rows,
    }


def _tables(document: dict[str, Any], driver: neo4j.Driver) -> dict[str, tuple[list, list]]:
    import json

    latest = {v["component"]: v["version"] for v in document["component_versions"]}
    app_latest = {v["application"]: v["version"] for v in document["application_versions"]}
    cv_id: dict[tuple[str, str], int] = {}
    versions, depends, intervals = [], [], []
    for record in document["component_versions"]:
        key = (record["component"], record["version"])
        cv_id[key] = len(cv_id) + 1
        versions.append((cv_id[key], *key, semver.version_key(record["version"]),
                         record["image"], record["digest"], record["git_repository"],
                         record["git_commit"], json.dumps(_attributes(record))))
        for dependency in record["dependencies"]:
            depends.append((len(depends) + 1, cv_id[key], dependency["component"],
                            dependency["range"]))
            if dependency["range"] is not None:
                for interval in semver.Range.parse(dependency["range"]).intervals:
                    intervals.append((len(depends), interval.low, interval.low_inclusive,
                                      interval.high, interval.high_inclusive))
    av_id: dict[tuple[str, str], int] = {}
    app_versions, includes = [], []
    for record in document["application_versions"]:
        key = (record["application"], record["version"])
        av_id[key] = len(av_id) + 1
        app_versions.append((av_id[key], *key))
        includes.extend(
            (av_id[key], cv_id[(m["component"], m["version"])]) for m in record["components"]
        )
    packages, contains = _packages(driver, cv_id)
    return {
        "team": (["name", "email", "chat", "pager"],
                 [(t["name"], t["email"], t["chat"], t["pager"]) for t in document["teams"]]),
        "component": (["name", "kind", "owner", "latest_version"],
                      [(c["name"], c["kind"], c["owner"], latest.get(c["name"]))
                       for c in document["components"]]),
        "component_version": (["id", "component", "version", "version_key", "image", "digest",
                               "git_repository", "git_commit", "attributes"], versions),
        "depends_on": (["id", "consumer", "component", "range"], depends),
        "range_interval": (["depends_on", "low", "low_inclusive", "high", "high_inclusive"],
                           intervals),
        "application": (["name", "owner", "latest_version"],
                        [(a["name"], a["owner"], app_latest.get(a["name"]))
                         for a in document["applications"]]),
        "application_version": (["id", "application", "version"], app_versions),
        "includes": (["application_version", "component_version"], includes),
        "environment": (["name", "stage"],
                        [(e["name"], e["stage"]) for e in document["environments"]]),
        "deployment": (["id", "environment", "application_version", "status", "finished_at"],
                       [(d["id"], d["environment"],
                         av_id[(d["application"]["application"], d["application"]["version"])],
                         d["status"], d["finished_at"]) for d in document["deployments"]]),
        "runs": (["environment", "component_version"],
                 [(r["environment"], cv_id[(r["component"], r["version"])])
                  for r in document["runs"]]),
        "package": (["purl", "name", "version", "ecosystem", "licenses"], packages),
        "contains": (["component_version", "package", "scope"], contains),
    }


def _attributes(record: dict[str, Any]) -> dict[str, Any]:
    """The attributes as Mercator stores them (its own normalisation of the record)."""
    props = Registration(record["component"], record["version"],
                         attributes=record["attributes"] or {}).properties()
    return {k[len("attr."):]: v for k, v in props.items() if k.startswith("attr.")}


def _packages(driver: neo4j.Driver, cv_id: dict[tuple[str, str], int]) -> tuple[list, list]:
    """The SBOM packages attached in the graph (the benchmark generates them there)."""
    packages = [
        tuple(r.values())
        for r in driver.execute_query(
            "MATCH (p:Package) RETURN p.purl, p.name, p.version, p.ecosystem, p.licenses"
        ).records
    ]
    contains = [
        (cv_id[(r["c"], r["v"])], r["purl"], r["scope"])
        for r in driver.execute_query(
            "MATCH (cv:ComponentVersion)-[x:CONTAINS]->(p:Package) "
            "RETURN cv.component AS c, cv.version AS v, p.purl AS purl, x.scope AS scope"
        ).records
    ]
    return packages, contains


# -- the reports in SQL ----------------------------------------------------------------
def bom_application_version(conn: psycopg.Connection, application: str, version: str) -> dict:
    return _one(conn, BOM_APPLICATION_VERSION, application=application, version=version)


def bom_component_version(conn: psycopg.Connection, component: str, version: str) -> dict:
    return _one(conn, BOM_COMPONENT_VERSION, component=component, version=version)


def blast_radius(
    conn: psycopg.Connection,
    component: str,
    version: str,
    depth: int,
    limit: int,
    application_limit: int,
) -> dict:
    """Consumers (nearest first, by component, newest first; the first `limit`), and the
    application versions (by application and version, as Neo4j orders strings; the first
    `application_limit`, all counted), environments and teams the affected versions
    reach."""
    with conn.transaction(), conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        start = cur.execute(
            "SELECT id FROM component_version WHERE component = %s AND version = %s",
            (component, version),
        ).fetchone()
        consumers = cur.execute(
            BLAST_RADIUS_CONSUMERS,
            {"component": component, "key": semver.version_key(version), "depth": depth},
        ).fetchall()
        consumers.sort(key=lambda c: c["key"] or "", reverse=True)
        consumers.sort(key=lambda c: (c["distance"], c["component"]))
        ids = [start["id"], *(c["id"] for c in consumers)]
        applications = cur.execute(IMPACT_APPLICATIONS, {"ids": ids}).fetchall()
        applications.sort(key=lambda a: (a["application"], a["version"]))
        environments = cur.execute(IMPACT_ENVIRONMENTS, {"ids": ids}).fetchall()
        teams = cur.execute(
            IMPACT_TEAMS, {"ids": ids, "applications": [a["application"] for a in applications]}
        ).fetchall()
    return {
        "component": component,
        "consumers": consumers[:limit],
        "consumer_count": len(consumers),
        "application_count": len(applications),
        "applications": applications[:application_limit],
        "environments": environments,
        "teams": teams,
    }


def _one(conn: psycopg.Connection, query: str, **params: Any) -> dict:
    with conn.cursor(row_factory=psycopg.rows.dict_row) as cur:
        return cur.execute(query, params).fetchone()


# -- both sides as sets ------------------------------------------------------------------
def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return frozenset((k, _frozen(v)) for k, v in value.items())
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


def _attrs(value: Any) -> frozenset:
    """Attributes as Mercator's service returns them (an object) or as stored here (jsonb)."""
    return frozenset(dict(value).items())


def canonical_bom_application(answer: dict) -> dict:
    return {
        "components": {
            (c["component"], c["version"], c["kind"], c["owner"], c["image"], c["digest"],
             c["git_repository"], c["git_commit"], _attrs(c["attributes"]))
            for c in answer["components"]
        },
        "external": {
            (x["component"], x["kind"], x["owner"],
             frozenset((r["component"], r["version"], r["range"]) for r in x["required_by"]))
            for x in answer["external_dependencies"]
        },
        "packages": {
            (p["purl"], p["name"], p["version"], p["ecosystem"], _frozen(p["licenses"]),
             frozenset((b["component"], b["version"], b["scope"]) for b in p["brought_by"]))
            for p in answer["packages"]
        },
    }


def canonical_bom_component(answer: dict) -> dict:
    return {
        "version": (answer["component"], answer["version"], answer["kind"], answer["owner"],
                    answer["image"], answer["digest"], answer["git_repository"],
                    answer["git_commit"], _attrs(answer["attributes"])),
        "dependencies": {
            (d["component"], d["range"], d["kind"], d["owner"]) for d in answer["dependencies"]
        },
        "packages": {
            (p["purl"], p["name"], p["version"], p["ecosystem"], _frozen(p["licenses"]),
             p["scope"])
            for p in answer["packages"]
        },
    }


def canonical_blast_radius(answer: dict) -> dict:
    return {
        "consumer_count": answer["consumer_count"],
        "application_count": answer["application_count"],
        "consumers": [
            (c["component"], c["version"], c["distance"], c["latest"])
            for c in answer["consumers"]
        ],
        "applications": {
            (a["application"], a["version"], a["latest"], frozenset(a["deployed_in"]))
            for a in answer["applications"]
        },
        "environments": summarised_places(
            answer["environments"], answer["component"], answer["consumers"]
        ),
        "teams": {
            (t["team"], t["email"], t["chat"], t["pager"], frozenset(t["owns"]))
            for t in answer["teams"]
        },
    }


def summarised_places(
    environments: list[dict], component: str, consumers: list[dict]
) -> set[tuple]:
    """Per environment: stage, how many affected versions run there, and those of them the
    answer lists — the changed component's version, then the consumers in their order — at
    most 50: Mercator's summary; PostgreSQL's rows (one per version) summarised alike."""
    if environments and "component" in environments[0]:
        order = {(c["component"], c["version"]): i for i, c in enumerate(consumers)}
        rows: dict[tuple[str, str | None], list[tuple[str, str]]] = {}
        for e in environments:
            rows.setdefault((e["environment"], e["stage"]), []).append(
                (e["component"], e["version"])
            )
        return {
            (name, stage, len(found),
             tuple(sorted((v for v in found if v[0] == component or v in order),
                          key=lambda v: -1 if v[0] == component else order[v])[:50]))
            for (name, stage), found in rows.items()
        }
    return {
        (e["environment"], e["stage"], e["affected"],
         tuple((r["component"], r["version"]) for r in e["running"]))
        for e in environments
    }
