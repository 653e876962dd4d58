"""Causal consistency: every session of one `Graph` starts after the writes it committed.

On a single server a read after a write always sees it, so these tests check the means
that makes it true on a cluster too: one bookmark manager shared by every session, and the
bookmark of each write carried into it.
"""

from __future__ import annotations

import neo4j

from app.graph import Graph
from app.graph.db import connect

TEAM = {"email": None, "chat": None, "pager": None, "updated_by": "tests"}


class _RecordingDriver:
    """The real driver, noting the arguments of every session opened on it (a query run
    with `execute_query` opens one too: its arguments are noted under the session's names)."""

    def __init__(self, driver: neo4j.Driver) -> None:
        self.driver = driver
        self.sessions: list[dict] = []

    def session(self, **config):
        self.sessions.append(config)
        return self.driver.session(**config)

    def execute_query(self, query, parameters=None, **config):
        self.sessions.append({key.rstrip("_"): value for key, value in config.items()})
        return self.driver.execute_query(query, parameters, **config)

    def close(self) -> None:
        self.driver.close()


def test_every_session_of_a_graph_shares_its_bookmark_manager(settings, graph):
    recording = _RecordingDriver(connect(settings))
    own = Graph(recording, settings.neo4j_database, settings.query_timeout)
    try:
        own.ping()
        own.write("catalog/team_upsert", name="payments", **TEAM)
        own.read("catalog/team_get", name="payments")
        own.explain("catalog/team_list")
        own.run_schema("schema/09_schema_meta_unique")
    finally:
        own.close()
    assert len(recording.sessions) == 5
    assert all(s["bookmark_manager"] is own.bookmark_manager for s in recording.sessions)


def test_a_write_s_bookmark_is_carried_to_the_next_session(settings, graph, _driver):
    own = Graph.from_settings(settings)
    try:
        before = own.bookmark_manager.get_bookmarks()
        own.write("catalog/team_upsert", name="payments", **TEAM)
        after_write = own.bookmark_manager.get_bookmarks()
        assert after_write and after_write != before
        # A fresh session of the same graph sees the write...
        assert own.read("catalog/team_get", name="payments")[0]["props"]["name"] == "payments"
        # ...and the next write moves the bookmark on again.
        own.write("catalog/team_upsert", name="checkout", **TEAM)
        assert own.bookmark_manager.get_bookmarks() not in (before, after_write)
        # The bookmark held is a real one: a session of another driver started after it
        # (as a cluster member would wait for it) sees both writes.
        carried = neo4j.Bookmarks.from_raw_values(own.bookmark_manager.get_bookmarks())
        with _driver.session(database=settings.neo4j_database, bookmarks=carried) as session:
            names = session.run("MATCH (t:Team) RETURN t.name AS name ORDER BY name").value()
        assert names == ["checkout", "payments"]
    finally:
        own.close()
