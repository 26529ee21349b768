"""The release root's download page: complete, static, self-contained, and it renders in a
real headless browser served from a loopback HTTP server."""

from __future__ import annotations

import base64
import contextlib
import io
import json
import os
import select
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from leadertravel._cli import main
from leadertravel._format import BYTES_KEY, PAGE
from leadertravel.pipeline.release.builder import write_release
from leadertravel.pipeline.release.site import render_page

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Page(HTMLParser):
    """Collect links, resource URLs, element ids, tags and text of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sources: list[str] = []
        self.ids: set[str] = set()
        self.tags: set[str] = set()
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        for key in ("src", "srcset", "poster", "data"):
            if values.get(key):
                self.sources.append(str(values[key]))
        if tag == "link" and values.get("href"):
            self.sources.append(str(values["href"]))
        self.sources += [str(v) for k, v in attrs if k.startswith("on") and v]  # handlers

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory, tiny: Any, synthetic: Any) -> Path:
    """A release root with two versions, 0.1.0 and 0.1.1, built by the builder."""
    root = tmp_path_factory.mktemp("site") / "releases"
    write_release(tiny, releases=root)
    package = {**tiny.package, "version": "0.1.1", "created": "2026-11-30T00:00:00Z"}
    write_release(synthetic.SyntheticInputs(package, tiny.schemas, tiny.tables), releases=root)
    return root


def test_the_page_lists_every_version_table_and_file(root: Path) -> None:
    html = (root / PAGE).read_text(encoding="utf-8")
    assert html == render_page(root)  # rewritten by the second build, up to date
    page = _parse(html)
    text = " ".join(page.text)
    assert text.index("0.1.1") < text.index("0.1.0")  # newest first
    assert "2026-11-30" in text and "2026-11-23" in text
    for version in ("0.1.0", "0.1.1"):
        manifest = json.loads((root / version / "datapackage.json").read_text())
        for resource in manifest["resources"]:
            assert f"{version}/{resource['path']}" in page.links
            assert resource["hash"].removeprefix("sha256:") in text
            assert f"{resource['rows']:,}" in text
            assert resource[BYTES_KEY] > 0
        for name in ("CHANGELOG.md", "CITATION.cff", "SHA256SUMS", "data-dictionary.md"):
            assert f"{version}/{name}" in page.links
        assert f"{version}/datapackage.json" in page.links
    assert "Changelog" in text and "How to cite" in text and "cff-version: 1.2.0" in text


def test_the_page_is_static_and_self_contained(root: Path) -> None:
    page = _parse((root / PAGE).read_text(encoding="utf-8"))
    assert "script" not in page.tags and "iframe" not in page.tags
    for url in page.links + page.sources:
        parsed = urllib.parse.urlsplit(url)
        assert url.startswith("data:") or not (parsed.scheme or parsed.netloc), url
        assert ".." not in parsed.path.split("/"), url
    for link in page.links:
        if link.startswith("#"):
            assert link[1:] in page.ids, link
        else:
            assert (root / urllib.parse.urlsplit(link).path).is_file(), link


def test_page_command_rewrites_the_page(root: Path, tmp_path: Path) -> None:
    copy = tmp_path / "releases"
    shutil.copytree(root, copy)
    (copy / PAGE).unlink()
    assert main(["page", "--releases", str(copy)]) == 0
    assert (copy / PAGE).read_text(encoding="utf-8") == render_page(copy)
    assert main(["page", "--releases", str(tmp_path / "nothing")]) == 1


@pytest.fixture
def served(root: Path, serve_folder: Callable[[Path], Any]) -> tuple[str, list[str]]:
    """The release root on a loopback server: its base URL and the requests it got."""
    folder = serve_folder(root)
    return f"{folder.url}/", folder.seen


class _Browser:
    """Headless chromium driven over the DevTools protocol on a pipe (no extra package).

    Records every request the page makes (``Network.requestWillBeSent``) — the browser's
    own background traffic (update and time checks) is not the page's and is not counted —
    and takes a screenshot.
    """

    def __init__(self, profile: Path, proxy: str) -> None:
        assert CHROMIUM is not None
        to_browser, self._write = os.pipe()
        self._read, from_browser = os.pipe()
        command = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-extensions",
            "--hide-scrollbars",
            f"--user-data-dir={profile}",
            # every request, loopback too, goes to the test's server, which refuses any
            # other host: nothing the browser does can leave the machine
            f"--proxy-server=http://{proxy}",
            "--proxy-bypass-list=<-loopback>",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        # the DevTools pipe is fds 3 (commands in) and 4 (answers out) of the browser
        launcher = "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4)"
        launcher += "; os.execv(sys.argv[3], sys.argv[3:])"
        self._proc = subprocess.Popen(
            [sys.executable, "-c", launcher, str(to_browser), str(from_browser), *command],
            pass_fds=(to_browser, from_browser),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser)
        os.close(from_browser)
        self._buffer = b""
        self._next = 0
        self.events: list[dict[str, Any]] = []

    def send(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next += 1
        message: dict[str, Any] = {"id": self._next, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self._write, json.dumps(message).encode() + b"\0")
        reply = self._until(lambda m: m.get("id") == self._next)
        assert "error" not in reply, (method, reply)
        return dict(reply.get("result", {}))

    def _until(self, wanted: Any, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                message = json.loads(raw)
                if "method" in message:
                    self.events.append(message)
                if wanted(message):
                    return dict(message)
            left = deadline - time.monotonic()
            assert left > 0, "the browser did not answer in time"
            ready, _, _ = select.select([self._read], [], [], left)
            if ready:
                chunk = os.read(self._read, 1 << 20)
                assert chunk, "the browser exited"
                self._buffer += chunk

    def wait_for(self, method: str) -> dict[str, Any]:
        for event in self.events:
            if event["method"] == method:
                return event
        return self._until(lambda m: m.get("method") == method)

    def close(self) -> None:
        with contextlib.suppress(OSError):
            os.write(self._write, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait(timeout=10)
        os.close(self._write)
        os.close(self._read)


@pytest.mark.skipif(CHROMIUM is None, reason="needs Debian's chromium (.ci/run installs it)")
def test_the_page_renders_in_a_browser_and_requests_only_the_release_root(
    served: tuple[str, list[str]], tmp_path: Path
) -> None:
    from PIL import Image

    base, seen = served
    browser = _Browser(tmp_path / "profile", base.removeprefix("http://").rstrip("/"))
    try:
        target = browser.send("Target.createTarget", url="about:blank")["targetId"]
        session = browser.send("Target.attachToTarget", targetId=target, flatten=True)
        sid = session["sessionId"]
        browser.send("Network.enable", sid)
        browser.send("Page.enable", sid)
        browser.send(
            "Emulation.setDeviceMetricsOverride",
            sid,
            width=1280,
            height=1400,
            deviceScaleFactor=1,
            mobile=False,
        )
        browser.send("Page.navigate", sid, url=f"{base}{PAGE}")
        browser.wait_for("Page.loadEventFired")
        shot = base64.b64decode(browser.send("Page.captureScreenshot", sid, format="png")["data"])
    finally:
        browser.close()
    requested = [
        e["params"]["request"]["url"]
        for e in browser.events
        if e["method"] == "Network.requestWillBeSent" and e.get("sessionId") == sid
    ]
    assert requested == [f"{base}{PAGE}"], requested  # the page loads nothing else
    assert f"GET {base}{PAGE}" in seen  # and it came from the loopback server
    image = Image.open(io.BytesIO(shot)).convert("L")
    assert image.size == (1280, 1400)
    histogram = image.histogram()
    dark = sum(histogram[:128])  # text, rules, table borders
    assert dark > 0.01 * image.size[0] * image.size[1], "the screenshot is (nearly) blank"
    assert histogram[255] > 0.3 * image.size[0] * image.size[1]  # a white page, not a void


def test_every_link_resolves_over_http(root: Path, served: tuple[str, list[str]]) -> None:
    base, seen = served
    page = _parse((root / PAGE).read_text(encoding="utf-8"))
    files = [link for link in page.links if not link.startswith("#")]
    assert len(files) > 20
    for link in files:
        with urllib.request.urlopen(urllib.parse.urljoin(base + PAGE, link), timeout=10) as r:
            assert r.status == 200, link
            expected = (root / urllib.parse.urlsplit(link).path).read_bytes()
            assert r.read() == expected, link
    assert all(line.startswith("GET /") for line in seen)  # plain requests to the root
