"""The data dictionary: every table and field, generated from the Table Schemas.

:func:`render_dictionary` turns any list of tables with their Table Schemas into one
Markdown document (types, required, constraints, vocabularies, keys, descriptions); it
knows no table by name, so new tables and fields appear as soon as their schema exists.
Two callers: ``docs/data-dictionary.md`` from the project's schemas
(:func:`project_tables`; ``leadertravel dictionary`` rewrites it, and a test fails when it
is stale), and ``data-dictionary.md`` in every release, from the release's manifest
(:func:`manifest_tables`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "TableDoc",
    "manifest_tables",
    "project_tables",
    "render_dictionary",
]


class TableDoc(NamedTuple):
    """One table to document: its name, title, description and Table Schema."""

    name: str
    title: str
    description: str
    schema: Mapping[str, Any]


def _cell(text: object) -> str:
    """Text safe inside a Markdown table cell."""
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def _code(text: object) -> str:
    value = str(text)
    fence = "``" if "`" in value else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{_cell(value)}{pad}{fence}"


def _constraints(field: Mapping[str, Any]) -> str:
    spec = dict(field.get("constraints", {}))
    parts = []
    if spec.pop("unique", False):
        parts.append("unique")
    for key, word in (("minimum", "≥"), ("maximum", "≤")):
        if key in spec:
            parts.append(f"{word} {spec.pop(key)}")
    for key, word in (("minLength", "length ≥"), ("maxLength", "length ≤")):
        if key in spec:
            parts.append(f"{word} {spec.pop(key)}")
    if "pattern" in spec:
        parts.append(f"pattern {_code(spec.pop('pattern'))}")
    if field.get("format") not in (None, "default"):
        parts.append(f"format {field['format']}")
    spec.pop("required", None)
    enum = spec.pop("enum", None)
    parts += [f"{key} {_code(json.dumps(value))}" for key, value in sorted(spec.items())]
    if enum is not None:
        parts.append("one of " + ", ".join(_code(v) for v in enum))
    return "; ".join(parts)


def _references(schema: Mapping[str, Any]) -> dict[str, str]:
    """Field name → the table and field(s) it references (single-field foreign keys)."""
    out: dict[str, str] = {}
    for key in schema.get("foreignKeys", []):
        fields = key["fields"] if isinstance(key["fields"], list) else [key["fields"]]
        ref = key["reference"]
        target = ref["fields"] if isinstance(ref["fields"], list) else [ref["fields"]]
        text = ", ".join(f"{ref.get('resource') or '(this table)'}.{t}" for t in target)
        for name in fields:
            out[name] = f"{out[name]}; {text}" if name in out else text
    return out


def _keys(schema: Mapping[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _table(doc: TableDoc) -> list[str]:
    schema = doc.schema
    lines = [f"## `{doc.name}`", ""]
    if doc.title and doc.title != doc.name:
        lines += [f"**{doc.title}.** {doc.description}".rstrip(), ""]
    elif doc.description:
        lines += [doc.description, ""]
    keys = _keys(schema)
    if keys:
        lines += ["Primary key: " + ", ".join(_code(k) for k in keys) + ".", ""]
    refs = _references(schema)
    lines += [
        "| field | type | required | constraints | references | description |",
        "|---|---|---|---|---|---|",
    ]
    for field in schema.get("fields", []):
        required = "yes" if field.get("constraints", {}).get("required") else ""
        lines.append(
            "| "
            + " | ".join(
                [
                    _code(field["name"]),
                    _cell(field.get("type", "string")),
                    required,
                    _constraints(field),
                    _cell(refs.get(field["name"], "")),
                    _cell(field.get("description", "")),
                ]
            )
            + " |"
        )
    return [*lines, ""]


def render_dictionary(tables: Iterable[TableDoc], *, heading: str) -> str:
    """Render the data dictionary of ``tables`` as Markdown (deterministic).

    Parameters
    ----------
    tables
        The tables to document, in the order given.
    heading
        The document's title line (e.g. ``"leadertravel 0.2.0: data dictionary"``).

    Examples
    --------
    >>> doc = TableDoc("t", "T", "One row is a thing.", {"fields": [
    ...     {"name": "id", "type": "string", "description": "Identifier.",
    ...      "constraints": {"required": True, "unique": True}},
    ...     {"name": "kind", "description": "Kind.", "constraints": {"enum": ["a", "b"]}}],
    ...     "primaryKey": ["id"]})
    >>> print(render_dictionary([doc], heading="Example").splitlines()[-1])
    | `kind` | string |  | one of `a`, `b` |  | Kind. |
    """
    docs = list(tables)
    lines = [
        f"# {heading}",
        "",
        "Generated from the Table Schemas by `leadertravel dictionary`; do not edit by hand.",
        "Types are Table Schema types (`integer` is a 64-bit integer, `number` a finite "
        "float, `date` an ISO date, `datetime` a UTC timestamp). A field that is not "
        "required may be null.",
        "",
        "| table | fields | description |",
        "|---|---:|---|",
    ]
    lines += [
        f"| [`{d.name}`](#{d.name}) | {len(d.schema.get('fields', []))} | "
        f"{_cell(d.description or d.title)} |"
        for d in docs
    ]
    lines.append("")
    for doc in docs:
        lines += _table(doc)
    return "\n".join(lines).rstrip("\n") + "\n"


def _doc(resource: Mapping[str, Any], schema: Mapping[str, Any]) -> TableDoc:
    return TableDoc(
        name=str(resource["name"]),
        title=str(resource.get("title") or schema.get("title") or ""),
        description=str(resource.get("description") or schema.get("description") or ""),
        schema=schema,
    )


def project_tables(root: Path) -> list[TableDoc]:
    """Return the tables of the project checkout ``root``.

    The descriptor's resources in its order, then any other
    ``datapackage/schemas/<table>.schema.json`` (tables made at build time).
    """
    from leadertravel._schema import read_table_schema
    from leadertravel.pipeline.project import DESCRIPTOR

    base = (root / DESCRIPTOR).parent
    descriptor = json.loads((root / DESCRIPTOR).read_text(encoding="utf-8"))
    docs, seen = [], set()
    for resource in descriptor.get("resources", []):
        if isinstance(resource.get("schema"), str):
            schema = read_table_schema(base / resource["schema"])
            seen.add((base / resource["schema"]).resolve())
        else:
            schema = resource.get("schema", {})
        docs.append(_doc(resource, schema))
    for path in sorted((base / "schemas").glob("*.schema.json")):
        if path.resolve() not in seen:
            name = path.name.removesuffix(".schema.json")
            docs.append(_doc({"name": name}, read_table_schema(path)))
    return docs


def manifest_tables(resources: Sequence[Mapping[str, Any]]) -> list[TableDoc]:
    """Return the tables of a release, from its manifest's resources (inline schemas)."""
    return [_doc(resource, resource["schema"]) for resource in resources]
