"""Cold loads over a simulated real network: each figure a ratio to a baseline in the same run.

A loopback HTTP server sleeps ``--rtt`` milliseconds (default 25) for every new
connection and for every request, as a static host 25 ms away would cost. Measured,
alternating the two sides, medians of ``--repeat`` paired runs:

1. cold ``lt.load_all(version=V)`` ÷ a plain kept-alive download of the same files
   (index, manifest and every table) with 4 threads, each reusing one connection
   (target ≤ 1.5, issue 16 item 1);
2. cold ``lt.load("trips", version=V)`` ÷ the same plain download of just that file.

    python benchmarks/bench_latency.py [--stops 2000] [--rtt 25] [--repeat 7]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import http.client
import http.server
import json
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import leadertravel as lt  # noqa: E402
from harness import Figure, paired, report  # noqa: E402

TARGETS = {"load_all": 1.5, "load": 1.5}
TOLERANCE = 0.05  # stated next to each target: medians of paired runs still move this much


def latency_handler(root: Path, rtt: float) -> type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a static host offers

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(root), **kwargs)

        def setup(self) -> None:
            time.sleep(rtt)  # the TCP handshake of a new connection
            super().setup()

        def send_head(self) -> Any:
            time.sleep(rtt)  # the request's round trip
            return super().send_head()

        def log_message(self, format: str, *args: Any) -> None:
            return None

    return Handler


def serve(root: Path, rtt: float) -> tuple[http.server.ThreadingHTTPServer, int]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), latency_handler(root, rtt))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, args=(0.01,), daemon=True).start()
    return httpd, int(httpd.server_address[1])


def plain_download(port: int, names: list[str], target: Path, threads: int) -> None:
    """The baseline: index and manifest, then the tables on ``threads`` kept-alive connections."""
    local = threading.local()

    def get(name: str) -> None:
        conn = getattr(local, "conn", None)
        if conn is None:
            conn = local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/" + name)
        data = conn.getresponse().read()
        out = target / name.replace("/", "_")
        out.write_bytes(data)

    head, tables = names[:2], names[2:]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for name in head:
        conn.request("GET", "/" + name)
        (target / name.replace("/", "_")).write_bytes(conn.getresponse().read())
    conn.close()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(get, tables))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--stops", type=int, default=5000)
    parser.add_argument("--rtt", type=float, default=25.0, help="milliseconds")
    parser.add_argument("--repeat", type=int, default=None, help="pairs (default 9, quick 5)")
    parser.add_argument("--quick", action="store_true", help="fewer pairs")
    args, _ = parser.parse_known_args()
    repeat = args.repeat or (5 if args.quick else 9)
    work = Path(tempfile.mkdtemp(prefix="lt-bench-latency-"))
    try:
        from synthetic import build_synthetic_release

        releases = work / "releases"
        build_synthetic_release(releases, args.stops, rules=False)
        index = json.loads((releases / "index.json").read_text(encoding="utf-8"))
        version = index["latest"]
        manifest = json.loads((releases / version / "datapackage.json").read_text("utf-8"))
        tables = [f"{version}/{r['path']}" for r in manifest["resources"]]
        names = ["index.json", f"{version}/datapackage.json", *tables]
        httpd, port = serve(releases, args.rtt / 1000)
        url = f"http://127.0.0.1:{port}/"
        counter = iter(range(100_000))

        def fresh() -> Path:
            path = work / f"run-{next(counter)}"
            path.mkdir()
            return path

        results = {
            "load_all": paired(
                lambda: lt.load_all(version=version, source=url, cache_dir=fresh(), progress=False),
                lambda: plain_download(port, names, fresh(), 4),
                repeat,
            ),
            "load": paired(
                lambda: lt.load("trips", version=version, source=url, cache_dir=fresh()),
                lambda: plain_download(port, [*names[:2], f"{version}/trips.parquet"], fresh(), 1),
                repeat,
            ),
        }
        httpd.shutdown()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(tables)} tables, {args.rtt:g} ms per connection and per request")
    figures = [
        Figure(
            f"cold {key} (rtt {args.rtt:g} ms) ÷ kept-alive plain download",
            ratios,
            TARGETS[key],
            TOLERANCE,
            group="loader",
        )
        for key, ratios in results.items()
    ]
    return (
        1 if report(figures, title="cold loads over a simulated network (issue 16 item 1)") else 0
    )


if __name__ == "__main__":
    raise SystemExit(main())
