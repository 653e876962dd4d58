"""The markdown page of one run (`results/<date>-<size>.md`), from its JSON."""

from __future__ import annotations

from typing import Any


def render(r: dict[str, Any]) -> str:
    machine, versions, run = r["machine"], r["versions"], r["run"]
    load = run["load_average_1m"]
    size = r["size"]
    lines = [
        f"# Mercator benchmark: {r['size_name']} ({run['started']})",
        "",
        f"Machine: {machine['cores']} cores ({machine['cpu']}), {machine['memory_gib']} GiB, "
        f"{machine['system']}. Load average (1 min) over the run: min {load['min']}, "
        f"mean {load['mean']}, max {load['max']} — with {machine['cores']} cores, a load "
        "above that means other work competed for the CPU, and times are noisy.",
        "",
        f"Versions: Mercator {versions['mercator']}, Neo4j {versions['neo4j']} (driver "
        f"{versions['neo4j_driver']}), PostgreSQL {versions['postgresql']} (psycopg "
        f"{versions['psycopg']}), Python {versions['python']}. Whole run: {run['seconds']} s.",
        "",
        f"Catalog: {size['components']:,} components, {size['component_versions']:,} component "
        f"versions, {size['applications']:,} applications x {size['versions_per_application']} "
        f"versions, {size['environments']} environments, {size['deployments']:,} deployments, "
        f"{r['sbom']['contains_edges']:,} CONTAINS edges; "
        f"{r['import']['relationships']:,} relationships after the import.",
        "",
        "## Import against the UNWIND floor",
        "",
        "| writer | seconds | component versions/s | edges/s |",
        "|---|---:|---:|---:|",
    ]
    for name, key in (("Mercator import (checks, then batches)", "import"),
                      ("hand-batched UNWIND floor", "floor")):
        x = r[key]
        lines.append(f"| {name} | {x['seconds']} | {x['component_versions_per_second']:,} | "
                     f"{x['edges_per_second']:,} |")
    ratio = r["floor"]["seconds"] and r["import"]["seconds"] / r["floor"]["seconds"]
    per_kind = ", ".join(
        f"{k} {v['per_second']:,}" for k, v in r["import"].get("per_kind", {}).items()
    )
    lines += [
        "",
        f"Mercator's import takes {ratio:.1f}x the floor's time."
        + (f" Per kind (records/s): {per_kind}." if per_kind else "")
        + (f" ({r['import']['note']})" if "note" in r["import"] else ""),
        "",
        "## Reports: API against raw (ms)",
        "",
        "API: HTTP through gunicorn (2 workers x 4 threads); raw: the report's Cypher through "
        "the driver (blast radii: the service in-process, several queries). Ratio of p50s is "
        "Mercator's own overhead.",
        "",
        "| report | API p50 / p95 / p99 | raw p50 / p95 / p99 | API/raw | calls |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, x in r["reports"]["latency"].items():
        lines.append(f"| {name} | {_ms(x['api'])} | {_ms(x['raw'])} | {x['ratio_p50']} | "
                     f"{x['api']['calls']} |")
    comparison = r["postgres"]["comparison"]
    lines += [
        "",
        "## Neo4j against PostgreSQL (ms)",
        "",
        "Same catalog, same inputs, calls interleaved. Neo4j: Mercator's Cypher (blast radii: "
        "the service, breadth first); PostgreSQL: one SQL statement per BOM, recursive SQL "
        "and three impact statements per blast radius. Answers were compared as sets before "
        f"timing: **answers matched: {comparison['answers_matched']}**. PostgreSQL load: "
        f"COPY {r['postgres']['load']['copy_seconds']} s, indexes "
        f"{r['postgres']['load']['index_seconds']} s.",
        "",
        "| report | Neo4j p50 / p95 / p99 | PostgreSQL p50 / p95 / p99 | Neo4j/PG | checked |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, x in comparison["reports"].items():
        lines.append(f"| {name} | {_ms(x['neo4j'])} | {_ms(x['postgres'])} | "
                     f"{x['neo4j_over_postgres_p50']} | {x['answers_checked']} |")
    s, reg, mem = r["sbom"], r["registration"], r["reports"]["memory"]
    if "traversal" in r:
        t = r["traversal"]
        lines += [
            "",
            "## The blast radius's traversal against the floor (ms)",
            "",
            f"The hubs' consumers ({t['consumers'][0]:,} to {t['consumers'][1]:,}) at depth "
            f"{t['depth']}: the consumers part "
            "of the one statement, and a breadth-first search in Python over the same "
            "NEEDS / ADMITS adjacency held in memory (loaded in "
            f"{t['adjacency_load_seconds']} s, not timed), the floor; both found the same "
            "consumers at the same distances.",
            "",
            "| traversal | p50 / p95 / p99 | over the floor |",
            "|---|---:|---:|",
            f"| statement | {_ms(t['statement'])} | {t['statement_over_floor_p50']} |",
            f"| in memory | {_ms(t['in_memory'])} | 1 |",
        ]
    lines += [
        "",
        "## SBOMs",
        "",
        _sboms(s),
        "",
        "## Registration (HTTP, gunicorn, each derives application versions)",
        "",
        "| clients | p50 / p95 / p99 ms | registrations/s |",
        "|---:|---:|---:|",
        f"| 1 | {_ms(reg['single_client'])} | {reg['single_client']['per_second']} |",
        f"| {reg['concurrent']['clients']} | {_ms(reg['concurrent'])} | "
        f"{reg['concurrent']['per_second']} |",
        "",
        "## Peak memory during the reports",
        "",
        f"API: gunicorn master {mem['api_master_peak_mib']} MiB, workers "
        f"{', '.join(str(w) for w in mem['api_workers_peak_mib'])} MiB (VmHWM); all API "
        f"processes together at most {mem['api_sampled_peak_rss_total_mib']} MiB (sampled "
        f"RSS). Neo4j: {mem['neo4j_peak_mib']} MiB (VmHWM; sampled RSS "
        f"{mem['neo4j_sampled_peak_rss_mib']} MiB; over the whole run "
        f"{mem['neo4j_whole_run_peak_rss_mib']} MiB). High-water marks reset before the "
        f"reports: {mem['high_water_mark_reset_before_reports']}.",
        "",
    ]
    return "\n".join(lines)


def _sboms(s: dict[str, Any]) -> str:
    if "attach_big_seconds" not in s:
        return f"{s['contains_edges']:,} CONTAINS edges. {s.get('note', '')}"
    return (
        f"One {s['attach_big_packages']:,}-package CycloneDX SBOM attached in "
        f"{s['attach_big_seconds']} s; {s['bulk_attaches']:,} SBOMs of "
        f"{s['bulk_packages_per_version']} packages in {s['bulk_seconds']} s "
        f"({s['contains_edges_per_second']:,} CONTAINS edges/s). Package blast radius "
        f"(in-process): by purl {_ms(s['package_blast_radius_by_purl'])} ms, by name and range "
        f"{_ms(s['package_blast_radius_by_name_range'])} ms (p50 / p95 / p99)."
    )


def _ms(x: dict[str, float]) -> str:
    return f"{x['p50_ms']:,} / {x['p95_ms']:,} / {x['p99_ms']:,}"
