"""The download page of a release root: a static ``index.html``, no JavaScript.

:func:`render_page` reads a release root (``index.json`` and every listed version's
``datapackage.json``, ``CHANGELOG.md`` and ``CITATION.cff``) and renders one HTML page:
the latest version first, every version with its release date, its tables with rows,
sizes, sha256 and links, its changelog, and how to cite it. Every link is relative and
inside the release root, the styles are inline and nothing is fetched from elsewhere, so
the page works from any host, a file system, or offline. :func:`write_page` replaces
``<root>/index.html`` atomically; builds and publications call it after each index update.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from leadertravel._format import (
    BYTES_KEY,
    CHANGELOG,
    CITATION,
    INDEX,
    MANIFEST,
    PAGE,
    SUMS,
    TABLE_SUFFIX,
)
from leadertravel._fsutil import write_atomic
from leadertravel._index import parse_index
from leadertravel._manifest import parse_datapackage

__all__ = ["render_page", "write_page"]

_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
margin:0 auto;max-width:72rem;padding:1.5rem;color:#1b1f24;background:#fff;line-height:1.45}
h1{font-size:1.9rem;margin:.2rem 0 .4rem}h2{margin-top:2.2rem;border-bottom:2px solid #d0d7de}
h3{margin-top:1.4rem}table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#eef2f6}td.n{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
code,pre{font-family:"DejaVu Sans Mono",Menlo,Consolas,monospace;font-size:.85rem}
td code{word-break:break-all;color:#57606a}pre{background:#f6f8fa;border:1px solid #d0d7de;
padding:.8rem;overflow-x:auto;white-space:pre-wrap}.latest{background:#1f6feb;color:#fff;
border-radius:.6rem;padding:.05rem .5rem;font-size:.8rem;margin-left:.5rem}
.lead{font-size:1.05rem;color:#424a53}nav a{margin-right:1rem}
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _size(n: int) -> str:
    """Human-readable size.

    Examples
    --------
    >>> _size(512), _size(2048), _size(3 * 1024**2)
    ('512 B', '2.0 KiB', '3.0 MiB')
    """
    if n < 1024:
        return f"{n} B"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB"):
        value /= 1024
        if value < 1024 or unit == "GiB":
            break
    return f"{value:.1f} {unit}"


def _link(href: str, text: str) -> str:
    return f'<a href="{_e(href)}">{_e(text)}</a>'


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


def _citation_line(manifest: Mapping[str, Any], released: str) -> str:
    people = manifest.get("contributors") or [{"title": "leadertravel maintainers"}]
    authors = ", ".join(str(p.get("title") or p.get("name")) for p in people)
    title = manifest.get("title") or manifest.get("name", "leadertravel")
    return f"{authors} ({released[:4]}). {title}, version {manifest['version']} [data set]."


def _version_section(root: Path, version: str, released: str, *, latest: bool) -> list[str]:
    directory = root / version
    where = str(directory / MANIFEST)
    manifest = parse_datapackage(
        (directory / MANIFEST).read_bytes(), where=where, version=version
    ).descriptor
    badge = '<span class="latest">latest</span>' if latest else ""
    out = [
        f'<section id="v{_e(version)}">',
        f"<h2>{_e(version)}{badge}</h2>",
        f"<p>Released {_e(released)}. {_e(manifest.get('description', ''))}</p>",
    ]
    files = sorted(p.name for p in directory.iterdir() if p.is_file())
    extras = [f for f in files if not f.endswith(TABLE_SUFFIX)]
    out.append(
        "<p>Files: " + " · ".join(_link(f"{version}/{name}", name) for name in extras) + "</p>"
    )
    out += [
        "<table>",
        "<thead><tr><th>table</th><th>rows</th><th>size</th><th>sha256</th></tr></thead>",
        "<tbody>",
    ]
    for resource in manifest.get("resources", []):
        digest = str(resource.get("hash", "")).removeprefix("sha256:")
        title = resource.get("description") or resource.get("title") or ""
        href = f"{version}/{resource['path']}"
        out.append(
            "<tr>"
            f"<td>{_link(href, resource['name'])}"
            f"<br><small>{_e(title)}</small></td>"
            f'<td class="n">{int(resource.get("rows") or 0):,}</td>'
            f'<td class="n">{_size(int(resource.get(BYTES_KEY) or 0))}</td>'
            f"<td><code>{_e(digest)}</code></td>"
            "</tr>"
        )
    out += ["</tbody>", "</table>"]
    changelog = _read(directory / CHANGELOG)
    if changelog is not None:
        out += ["<h3>Changelog</h3>", f"<pre>{_e(changelog.rstrip())}</pre>"]
    out += ["<h3>How to cite</h3>", f"<p>{_e(_citation_line(manifest, released))}</p>"]
    citation = _read(directory / CITATION)
    if citation is not None:
        out += [
            f"<p>{_link(f'{version}/{CITATION}', CITATION)} (Citation File Format):</p>",
            f"<pre>{_e(citation.rstrip())}</pre>",
        ]
    out.append("</section>")
    return out


def render_page(root: Path) -> str:
    """Render the download page of release root ``root`` (deterministic).

    Parameters
    ----------
    root
        A release root holding ``index.json`` and the versions it lists.

    Returns
    -------
    str
        The HTML document.

    Raises
    ------
    ManifestError
        ``index.json`` is missing entries or invalid (as the loader would refuse it).
    """
    index = parse_index((root / INDEX).read_bytes(), where=str(root / INDEX))
    name = index.name
    latest = index.latest
    body = [
        f"<h1>{_e(name)} releases</h1>",
        '<p class="lead">Leaders\' foreign travel as typed, versioned, hash-verified tables '
        "(Parquet, with a Frictionless data package descriptor per version).</p>",
        "<nav>",
        _link(INDEX, INDEX),
        *(_link(f"#v{v.version}", v.version) for v in index.versions),
        "</nav>",
        "<h2>Get it</h2>",
        "<table><thead><tr><th>version</th><th>released</th><th>descriptor</th>"
        "<th>checksums</th></tr></thead><tbody>",
    ]
    for entry in index.versions:
        mark = " (latest)" if entry.version == latest else ""
        body.append(
            f"<tr><td>{_link(f'#v{entry.version}', entry.version)}{_e(mark)}</td>"
            f"<td>{_e(entry.released)}</td>"
            f"<td>{_link(entry.path, MANIFEST)}</td>"
            f"<td>{_link(f'{entry.version}/{SUMS}', SUMS)}</td></tr>"
        )
    body += [
        "</tbody></table>",
        "<p>In Python: <code>pip install leadertravel</code>, then "
        f"<code>leadertravel.load(&quot;trips&quot;, version=&quot;{_e(latest)}&quot;)</code>. "
        "Any Parquet reader opens the files (DuckDB, Polars, Spark, R's arrow); "
        "<code>frictionless validate &lt;version&gt;/datapackage.json</code> validates a "
        "download and <code>sha256sum -c SHA256SUMS</code> (inside a version folder) checks "
        "its files.</p>",
    ]
    for entry in index.versions:
        is_latest = entry.version == latest
        body += _version_section(root, entry.version, entry.released, latest=is_latest)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{_e(name)} releases</title>",
            '<link rel="icon" href="data:,">',
            f"<style>{_STYLE.strip()}</style>",
            "</head>",
            "<body>",
            *body,
            "</body>",
            "</html>",
            "",
        ]
    )


def write_page(root: Path) -> Path:
    """Write ``<root>/index.html`` atomically (temporary file, fsync, rename); return it."""
    target = root / PAGE
    write_atomic(target, render_page(root).encode("utf-8"), public=True, sync_dir=True)
    return target
