"""The interactive map as a person sees it: rendered by headless Chromium, offline.

The page is served from a loopback HTTP server that records every request; Chromium
writes a net log of every URL it requests. The page's Content-Security-Policy is removed
for the browser run, so "no request" is a property of the page's content, not of the
policy blocking it; a control page that does reference files proves the checks can fail.
DNS is mapped to nothing, so Chromium's own background requests never leave the machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

import leadertravel as lt
from leadertravel._plot._style import mode_style

SEED_TRIP = "kim-jong-un-2023-09-10"
WINDOW = (1400, 1000)

pytestmark = pytest.mark.slow


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return found


def _page_requests(netlog: Path, origin: str) -> list[str]:
    """URLs requested on behalf of pages from ``origin`` (Chromium's own requests excluded)."""
    log = json.loads(netlog.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] == start and params.get("network_isolation_key", "").startswith(origin):
            urls.append(params["url"])
    return urls


def _screenshot(url: str, out: Path, work: Path) -> list[str]:
    """Screenshot ``url`` into ``out``; return the URLs its page requested."""
    netlog = work / "netlog.json"
    command = [
        _chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-default-apps",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={work / 'profile'}", f"--log-net-log={netlog}",
        f"--window-size={WINDOW[0]},{WINDOW[1]}", f"--screenshot={out}", url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0 and out.is_file(), done.stderr[-2000:]
    return _page_requests(netlog, "http://127.0.0.1")


def _without_csp(page: str) -> str:
    stripped, n = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", page)
    assert n == 1
    return stripped


def test_page_is_self_contained(release: dict[str, Any]) -> None:
    page = lt.trip_html(SEED_TRIP, **release)
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    # the only URL is the SVG namespace (an identifier, never fetched)
    urls = set(re.findall(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}[^\s\"'<>)]*", page))
    assert urls == {"http://www.w3.org/2000/svg"}
    assert not re.search(r"<(script|img|iframe|link)[^>]+(src|href)=\"(?!data:)", page)
    assert "url(" not in page and "@import" not in page


def test_browser_renders_the_route_without_network(
    release: dict[str, Any], tmp_path: Path, serve_folder: Callable[[Path], Any]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    page = lt.trip_html(SEED_TRIP, output=site / "csp.html", **release)
    (site / "map.html").write_text(_without_csp(page), encoding="utf-8")
    shot = tmp_path / "map.png"
    served = serve_folder(site)
    page_urls = _screenshot(f"{served.url}/map.html", shot, tmp_path / "chrome")
    assert served.seen == ["GET /map.html"]
    assert page_urls == [f"{served.url}/map.html"]

    image = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    assert image.shape == (WINDOW[1], WINDOW[0], 3)
    rail = np.array([int(mode_style("rail").color[i : i + 2], 16) for i in (1, 3, 5)])
    ys, xs = np.nonzero(np.abs(image - rail).sum(axis=2) < 60)
    assert len(xs) > 1500  # the rail route: Pyongyang – Khasan – Vostochny – … – Pyongyang
    assert xs.max() - xs.min() > 250 and ys.max() - ys.min() > 350
    # where the route is, the map is drawn (land and sea colours, markers), not blank
    box = image[ys.min() : ys.max(), xs.min() : xs.max()]
    assert (np.abs(box - 255).sum(axis=2) > 30).mean() > 0.9
    assert len(np.unique(box.reshape(-1, 3) // 16, axis=0)) > 8
    dark = (box.sum(axis=2) < 120).sum()  # stop markers and labels
    assert dark > 500


def test_the_network_check_catches_requests(
    tmp_path: Path, serve_folder: Callable[[Path], Any]
) -> None:
    site = tmp_path / "site"
    site.mkdir()
    (site / "dot.png").write_bytes(b"")
    (site / "control.html").write_text(
        '<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body>'
        '<img src="dot.png"><script src="https://cdn.invalid/lib.js"></script></body></html>',
        encoding="utf-8",
    )
    served = serve_folder(site)
    page_urls = _screenshot(f"{served.url}/control.html", tmp_path / "c.png", tmp_path / "chrome")
    assert served.seen == ["GET /control.html", "GET /dot.png"]
    assert f"{served.url}/dot.png" in page_urls and "https://cdn.invalid/lib.js" in page_urls
