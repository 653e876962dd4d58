"""How each report's cost grows with the catalog: the exponent k of time ~ size^k between
the newest results of consecutive sizes (small, medium, large, xlarge) in `results/`.

k near 0: the report does not grow with the catalog (it follows its answer); near 1: it
grows in proportion; above 1: faster than the catalog, a defect to explain. Times are the
raw p50s (the query through the driver), sizes the catalogs' component versions.

    .venv/bin/python benchmarks/growth.py [--results benchmarks/results]
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

ORDER = ("small", "medium", "large", "xlarge")


def newest(results: Path) -> dict[str, dict]:
    """The newest complete run of each size: `<date>-<size>.json`, not the other
    benchmarks' results beside them (`<date>-web-small.json`, `<date>-vulns-large.json`)."""
    runs: dict[str, dict] = {}
    for size in ORDER:
        files = sorted(results.glob(f"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]-{size}.json"))
        if files:
            runs[size] = json.loads(files[-1].read_text()) | {"file": files[-1].name}
    return runs


def exponents(runs: dict[str, dict]) -> list[dict]:
    """Per report and pair of consecutive sizes present: the two p50s and k."""
    sizes = [s for s in ORDER if s in runs]
    rows = []
    for smaller, larger in zip(sizes, sizes[1:], strict=False):
        a, b = runs[smaller], runs[larger]
        n_a, n_b = a["size"]["component_versions"], b["size"]["component_versions"]
        for report, x in b["reports"]["latency"].items():
            y = a["reports"]["latency"].get(report)
            if y is None:
                continue
            t_a, t_b = y["raw"]["p50_ms"], x["raw"]["p50_ms"]
            rows.append({
                "report": report, "from": smaller, "to": larger,
                "p50_ms": [t_a, t_b],
                "k": round(math.log(max(t_b, 0.01) / max(t_a, 0.01)) / math.log(n_b / n_a), 2),
            })
    return rows


def render(rows: list[dict], runs: dict[str, dict]) -> str:
    lines = [
        "## Growth: time ~ size^k (raw p50)",
        "",
        "From the newest run of each size: "
        + ", ".join(f"{s} {runs[s]['file']}" for s in ORDER if s in runs) + ".",
        "",
        "| report | sizes | p50 ms | k |",
        "|---|---|---:|---:|",
    ]
    for row in rows:
        lines.append(f"| {row['report']} | {row['from']} → {row['to']} | "
                     f"{row['p50_ms'][0]:,} → {row['p50_ms'][1]:,} | {row['k']} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=str(Path(__file__).parent / "results"))
    args = parser.parse_args()
    runs = newest(Path(args.results))
    print(render(exponents(runs), runs))


if __name__ == "__main__":
    main()
