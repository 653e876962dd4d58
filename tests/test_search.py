"""The search over every kind of thing, as the API and the CLI (local and remote) answer it."""

from __future__ import annotations

import json

from app.admin import demo
from app.cli.catalogs import LocalCatalog
from tests.test_cli_catalog import mercator  # noqa: F401  (the CLI fixture, local and remote)
from tests.test_http_basics import assert_error_shape


def test_api_search_finds_each_kind_shortest_names_first(client, graph):
    demo.load(LocalCatalog(graph))
    body = client.get("/api/v1/search?q=pay").get_json()
    assert [hit["name"] for hit in body["results"]["component"]] == ["payment"]
    assert body["results"]["component"][0]["detail"] == "service 1.5.1"
    assert [hit["name"] for hit in body["results"]["team"]] == ["payments"]
    assert body["total"] == 2
    logs = client.get("/api/v1/search?q=log4j&limit=1").get_json()["results"]["package"]
    assert logs == [
        {
            "name": "log4j-api",
            "key": "pkg:maven/org.apache.logging.log4j/log4j-api@2.14.1",
            "detail": "2.14.1",
        }
    ]
    names = [h["name"] for h in client.get("/api/v1/search?q=c").get_json()["results"]["component"]]
    assert names == sorted(names, key=lambda n: (len(n), n))


def test_api_search_refuses_an_empty_or_missing_text(client):
    assert_error_shape(client.get("/api/v1/search"), 400, "invalid")
    assert_error_shape(client.get("/api/v1/search?q=%20"), 400, "invalid")
    assert_error_shape(client.get("/api/v1/search?q=a&limit=0"), 400, "invalid")


def test_cli_search_as_table_and_json(mercator, graph):  # noqa: F811
    demo.load(LocalCatalog(graph))
    table = mercator("search", "check").stdout
    assert "component" in table and "checkout" in table
    found = json.loads(mercator("search", "prod", "-o", "json").stdout)
    assert [hit["name"] for hit in found["results"]["environment"]] == ["prod"]
    assert "(none)" in mercator("search", "zzz-nothing").stdout
