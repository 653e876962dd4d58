"""Peak memory of one API worker while large request bodies arrive, with and without a token.

Starts a Neo4j of its own (`--home`, default `.mercator/bench-body-neo4j`, ports
17893/17679, 1 GB heap) and `mercator serve` with one gunicorn worker, then sends
`--concurrent` bodies at once to `PUT .../sbom` (the endpoint with the largest limit,
50 MiB) in each scenario and reads the worker's high-water mark (`VmHWM`, reset before each):

- `anonymous`: a `[{},{},...]` body of `--mib` MiB and no token: refused with 401 from the
  headers, the body never read;
- `authenticated-junk`: the same body with an admin token: read and parsed, refused with
  400 (not an SBOM), the case that made a worker reach 1.3 GB;
- `authenticated-sbom`: a valid CycloneDX SBOM of `--packages` packages (by default the
  most an SBOM may list, `MAX_PACKAGES`, which binds before the 50 MiB body limit: about
  24 MiB) with an admin token: read, parsed and written (one 201, the others 200: the same
  SBOM again). These are the worker's first SBOMs: the peak includes compiling the
  CycloneDX schema, about 220 MiB once per worker;
- `authenticated-sbom-warm`: the same to another version of the component, once the
  worker has compiled the schema: what each further upload costs.

Prints JSON: per scenario the statuses, the body size, the worker's peak RSS and its growth
over the bodies in flight (the goal: below 4x), and the load average as it started and ended.

    .venv/bin/python benchmarks/body_memory.py [--mib 49] [--concurrent 3] [--packages 100000]
        [--scenarios anonymous,authenticated-junk,authenticated-sbom,authenticated-sbom-warm]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from common import Api, log  # noqa: E402
from memory import children, mib, reset_peak, status_kb  # noqa: E402
from sbom import document  # noqa: E402

from app.config import LocalServerSettings, Settings  # noqa: E402
from app.graph.local_neo4j import LocalServer  # noqa: E402
from app.sbom.document import MAX_PACKAGES  # noqa: E402

CDX = "application/vnd.cyclonedx+json"


def gunicorn_worker(serve: int) -> int:
    """The one gunicorn worker under `mercator serve` (serve -> gunicorn master -> worker)."""
    for child in children(serve):
        if b"app.cli.gunicorn" in Path(f"/proc/{child}/cmdline").read_bytes():
            (worker,) = children(child)
            return worker
    raise RuntimeError("no gunicorn under mercator serve")


def junk(size: int) -> bytes:
    """`[{},{},...]`: the smallest JSON items, the most Python objects per byte."""
    return b"[" + b",".join([b"{}"] * (size // 3)) + b"]"


def scenario(
    api: Api, worker: int, bodies: list[tuple[bytes, str]], token: bool, version: str = "1.0.0"
) -> dict:
    headers = dict(api.headers) if token else {}
    url = f"{api.base}/components/bench-body/versions/{version}/sbom"
    load_before = os.getloadavg()[0]
    baseline = status_kb(worker, "VmRSS")
    reset = reset_peak([worker])

    def send(body_and_type: tuple[bytes, str]) -> int:
        body, content_type = body_and_type
        answer = requests.put(
            url, data=body, headers={**headers, "Content-Type": content_type}, timeout=600
        )
        return answer.status_code

    started = time.monotonic()
    with ThreadPoolExecutor(len(bodies)) as pool:
        statuses = list(pool.map(send, bodies))
    in_flight = sum(len(body) for body, _ in bodies)
    peak = status_kb(worker, "VmHWM")
    return {
        "statuses": statuses,
        "seconds": round(time.monotonic() - started, 2),
        "body_mib_each": round(len(bodies[0][0]) / 2**20, 1),
        "worker_rss_before_mib": mib(baseline),
        "worker_peak_rss_mib": mib(peak),
        # What the bodies cost the worker, per byte of them in flight.
        "growth_over_bodies_in_flight": round((peak - baseline) * 1024 / in_flight, 2),
        "peak_reset_before": reset,
        "load_average_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=float, default=49.0, help="size of the junk bodies")
    parser.add_argument("--concurrent", type=int, default=3)
    parser.add_argument("--packages", type=int, default=MAX_PACKAGES, help="packages of the SBOM")
    parser.add_argument(
        "--scenarios",
        default="anonymous,authenticated-junk,authenticated-sbom,authenticated-sbom-warm",
        help="which scenarios to run, in order, comma-separated",
    )
    parser.add_argument("--home", type=Path, default=REPO / ".mercator" / "bench-body-neo4j")
    parser.add_argument("--bolt-port", type=int, default=17893)
    parser.add_argument("--http-port", type=int, default=17679)
    args = parser.parse_args()
    settings = Settings(
        neo4j_uri=f"bolt://127.0.0.1:{args.bolt_port}",
        neo4j_password="mercator-bench-password",
        local=LocalServerSettings(
            home=args.home,
            bolt_port=args.bolt_port,
            http_port=args.http_port,
            heap="1g",
            pagecache="512m",
        ),
    )
    server = LocalServer(settings, echo=log)
    server.start()
    try:
        with Api(settings, workers=1, threads=4) as api:
            http = api.session()
            for version in ("1.0.0", "1.0.1"):
                http.post(f"{api.base}/components/bench-body/versions", json={"version": version})
            worker = gunicorn_worker(api.process.pid)
            wanted = args.scenarios.split(",")
            body = junk(int(args.mib * 2**20))
            sbom = document(list(range(args.packages)))
            results = {}
            for name, bodies, token, version in (
                ("anonymous", [(body, CDX)] * args.concurrent, False, "1.0.0"),
                ("authenticated-junk", [(body, CDX)] * args.concurrent, True, "1.0.0"),
                ("authenticated-sbom", [(sbom, CDX)] * args.concurrent, True, "1.0.0"),
                ("authenticated-sbom-warm", [(sbom, CDX)] * args.concurrent, True, "1.0.1"),
            ):
                if name not in wanted:
                    continue
                log(f"{name}: {args.concurrent} bodies at once")
                results[name] = scenario(api, worker, bodies, token, version)
                log(f"{name}: {json.dumps(results[name])}")  # at once: a run may be cut short
            print(json.dumps(results, indent=2))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
