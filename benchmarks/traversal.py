"""The blast radius's traversal against its floor: the consumers part of the one statement
(`reports/blast_radius` up to its impact) and a plain breadth-first search in Python over
the same adjacency (NEEDS / ADMITS) held in memory — what no database can beat — on the
same inputs, calls interleaved. Both must find the same consumers at the same distances.

`run.py` calls `measure` as one phase of the whole benchmark.
"""

from __future__ import annotations

import statistics
import time
from collections import defaultdict

import neo4j
from common import log, summary

from app.core import semver
from app.graph import cypher

#: Where the consumers part of the blast radius statement ends.
IMPACT_MARK = "// The impact:"


def consumers_statement() -> str:
    """The blast radius statement up to its impact, returning the consumers: the part a
    breadth-first search in memory is compared with."""
    text = cypher.load("reports/blast_radius")
    return text[: text.index(IMPACT_MARK)] + "RETURN consumer_count, consumers\n"


class Adjacency:
    """NEEDS and ADMITS as Python dicts of integer ids, loaded once."""

    def __init__(self, driver: neo4j.Driver) -> None:
        started = time.perf_counter()
        self.component: dict[int, str] = {}
        self.version_of: dict[tuple[str, str], int] = {}
        self.needers: dict[int, list[int]] = defaultdict(list)  # range -> consumer versions
        self.admitting: dict[int, list[int]] = defaultdict(list)  # version -> ranges
        self.ranges_of: dict[int, list[int]] = defaultdict(list)  # version -> its ranges
        for row in _rows(driver, "MATCH (v:ComponentVersion) "
                                 "RETURN id(v) AS id, v.component AS c, v.version AS v"):
            self.component[row["id"]] = row["c"]
            self.version_of[(row["c"], row["v"])] = row["id"]
        for row in _rows(driver, "MATCH (v:ComponentVersion)-[:NEEDS]->(r:Range) "
                                 "RETURN id(v) AS v, id(r) AS r"):
            self.needers[row["r"]].append(row["v"])
        for row in _rows(driver, "MATCH (r:Range)-[:ADMITS]->(v:ComponentVersion) "
                                 "RETURN id(r) AS r, id(v) AS v"):
            self.admitting[row["v"]].append(row["r"])
        self.load_seconds = round(time.perf_counter() - started, 1)

    def consumers(self, component: str, version: str, depth: int) -> dict[int, tuple[int, int]]:
        """Consumer version -> (distance, the version it was reached from): breadth first
        over Ranges, the changed component's own versions never counting."""
        start = self.version_of[(component, version)]
        seen_ranges = set(self.admitting.get(start, ()))
        frontier = list(seen_ranges)
        found: dict[int, tuple[int, int]] = {}
        parent_of_range = dict.fromkeys(frontier, start)
        for distance in range(1, depth + 1):
            new: list[int] = []
            for r in frontier:
                for c in self.needers.get(r, ()):
                    if c not in found and self.component[c] != component:
                        found[c] = (distance, parent_of_range[r])
                        new.append(c)
            frontier = []
            for c in new:
                for r in self.admitting.get(c, ()):
                    if r not in seen_ranges:
                        seen_ranges.add(r)
                        parent_of_range[r] = c
                        frontier.append(r)
            if not frontier:
                break
        return found


def measure(driver: neo4j.Driver, hubs: list[dict], depth: int = 6, calls: int = 5) -> dict:
    """The hubs' consumers at `depth`, `calls` times each way, after checking both ways
    find the same consumers at the same distances."""
    statement = consumers_statement()
    log("traversal: loading the adjacency into memory")
    adjacency = Adjacency(driver)
    inputs = [hubs[i % len(hubs)] for i in range(calls)]
    in_graph, in_memory, counts = [], [], []
    for hub in inputs:
        params = {"component": hub["component"], "version": hub["version"], "depth": depth,
                  "version_key": semver.version_key(hub["version"]), "offset": 0, "limit": 1000}
        started = time.perf_counter()
        row = driver.execute_query(statement, params, routing_="r").records[0]
        in_graph.append(time.perf_counter() - started)
        started = time.perf_counter()
        found = adjacency.consumers(hub["component"], hub["version"], depth)
        in_memory.append(time.perf_counter() - started)
        counts.append(len(found))
        if row["consumer_count"] != len(found):
            raise RuntimeError(f"{hub}: the statement finds {row['consumer_count']} consumers, "
                               f"the search in memory {len(found)}")
        for consumer in row["consumers"]:
            key = adjacency.version_of[(consumer["component"], consumer["version"])]
            if found[key][0] != consumer["distance"]:
                raise RuntimeError(f"{hub}: {consumer} at another distance in memory")
    return {
        "depth": depth,
        "consumers": [min(counts), max(counts)],
        "statement": summary(in_graph),
        "in_memory": summary(in_memory),
        "adjacency_load_seconds": adjacency.load_seconds,
        "statement_over_floor_p50": round(
            statistics.median(in_graph) / max(statistics.median(in_memory), 1e-6), 1
        ),
    }


def _rows(driver: neo4j.Driver, query: str) -> list[dict]:
    return [record.data() for record in driver.execute_query(query, routing_="r").records]
