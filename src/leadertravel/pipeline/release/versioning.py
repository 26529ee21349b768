"""Semantic versioning for data: which version bump a change requires.

Follows the Frictionless "data package version" recipe, as the project reads it:

=====  ======================================================================
MAJOR  a table removed; a field removed, renamed or retyped (enum ↔ plain text
       included); a constraint tightened (``required``/``unique`` added, an enum
       value removed, a pattern changed, a minimum raised, a maximum lowered …);
       the primary key changed; a foreign key added
MINOR  a table or field added; a constraint loosened; an enum value added;
       rows added
PATCH  values corrected, rows removed, descriptions changed
=====  ======================================================================
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from leadertravel._errors import VersionBumpError
from leadertravel._format import version_key

__all__ = [
    "LEVELS",
    "SchemaChange",
    "bump_of",
    "check_bump",
    "parse_version",
    "required_level",
    "schema_changes",
]

#: Bump levels, weakest first.
LEVELS = ("patch", "minor", "major")
#: Table Schema's defaults of a field's ``type`` and ``format`` when they are left out.
_DEFAULTS = {"type": "string", "format": "default"}

TableSchema = Mapping[str, Any]


@dataclass(frozen=True, order=True)
class SchemaChange:
    """One difference between two versions' Table Schemas.

    Attributes
    ----------
    table
        Table the change is in.
    field
        Field concerned, or ``None`` for a table-level change.
    level
        ``"major"``, ``"minor"`` or ``"patch"``: the bump it requires.
    text
        The change in words, for the changelog.
    """

    table: str
    field: str | None
    level: str
    text: str


def parse_version(version: str) -> tuple[int, int, int]:
    r"""Parse ``MAJOR.MINOR.PATCH``; nothing else is a release version.

    Examples
    --------
    >>> parse_version("1.10.0")
    (1, 10, 0)
    >>> parse_version("1.0.0\n")
    Traceback (most recent call last):
    ...
    leadertravel._errors.VersionBumpError: version '1.0.0\n' is not MAJOR.MINOR.PATCH ...
    >>> parse_version("1.0")
    Traceback (most recent call last):
    ...
    leadertravel._errors.VersionBumpError: version '1.0' is not MAJOR.MINOR.PATCH ...
    """
    try:
        return version_key(version)
    except ValueError as err:
        msg = (
            f"version {version!r} is not MAJOR.MINOR.PATCH (three numbers without leading "
            "zeros, e.g. 1.2.0); pre-release tags are not used for data releases"
        )
        raise VersionBumpError(msg) from err


def bump_of(previous: str, version: str) -> str | None:
    """Return the level by which ``version`` bumps ``previous`` (``None`` if not newer).

    Examples
    --------
    >>> bump_of("0.1.0", "0.2.0"), bump_of("0.1.0", "0.1.1"), bump_of("1.2.3", "2.0.0")
    ('minor', 'patch', 'major')
    >>> bump_of("0.2.0", "0.1.9") is None
    True
    """
    old, new = parse_version(previous), parse_version(version)
    if new <= old:
        return None
    if new[0] > old[0]:
        return "major"
    return "minor" if new[1] > old[1] else "patch"


def _constraint_changes(
    table: str, name: str, old: Mapping[str, Any], new: Mapping[str, Any]
) -> list[SchemaChange]:
    out: list[SchemaChange] = []

    def add(level: str, text: str) -> None:
        out.append(SchemaChange(table, name, level, f"`{table}.{name}`: {text}"))

    for flag in ("required", "unique"):
        was, now = bool(old.get(flag, False)), bool(new.get(flag, False))
        if was != now:
            add("major" if now else "minor", f"{flag} {'added' if now else 'dropped'}")
    old_enum, new_enum = old.get("enum"), new.get("enum")
    if old_enum is not None and new_enum is not None:
        removed = [v for v in old_enum if v not in new_enum]
        added = [v for v in new_enum if v not in old_enum]
        if removed:
            add("major", f"enum value(s) removed: {', '.join(map(str, removed))}")
        if added:
            add("minor", f"enum value(s) added: {', '.join(map(str, added))}")
        if not removed and not added and list(old_enum) != list(new_enum):
            add("patch", "enum values reordered")
    elif old_enum != new_enum:
        add("major", "enum added" if new_enum is not None else "enum dropped (type changes)")
    for key, raises_floor in (
        ("minimum", True),
        ("maximum", False),
        ("minLength", True),
        ("maxLength", False),
    ):
        low, high = old.get(key), new.get(key)
        if low == high:
            continue
        if high is None:
            add("minor", f"{key} {low} dropped")
        elif low is None:
            add("major", f"{key} {high} added")
        elif high > low if raises_floor else high < low:
            add("major", f"{key} tightened from {low} to {high}")
        else:
            add("minor", f"{key} loosened from {low} to {high}")
    if old.get("pattern") != new.get("pattern"):
        level = "minor" if new.get("pattern") is None else "major"
        add(level, f"pattern changed from {old.get('pattern')!r} to {new.get('pattern')!r}")
    return out


def _field_changes(table: str, old: TableSchema, new: TableSchema) -> list[SchemaChange]:
    out: list[SchemaChange] = []
    old_fields = {f["name"]: f for f in old["fields"]}
    new_fields = {f["name"]: f for f in new["fields"]}
    for name in old_fields.keys() - new_fields.keys():
        out.append(SchemaChange(table, name, "major", f"`{table}.{name}`: field removed"))
    for name in new_fields.keys() - old_fields.keys():
        out.append(SchemaChange(table, name, "minor", f"`{table}.{name}`: field added"))
    for name in old_fields.keys() & new_fields.keys():
        a, b = old_fields[name], new_fields[name]
        for key, default in _DEFAULTS.items():
            was, now = a.get(key, default), b.get(key, default)
            if was != now:
                text = f"{key} changed from {was} to {now}"
                out.append(SchemaChange(table, name, "major", f"`{table}.{name}`: {text}"))
        out += _constraint_changes(table, name, a.get("constraints", {}), b.get("constraints", {}))
        if a.get("description") != b.get("description"):
            out.append(SchemaChange(table, name, "patch", f"`{table}.{name}`: description changed"))
    common = [n for n in old_fields if n in new_fields]
    if common != [n for n in new_fields if n in old_fields]:
        out.append(SchemaChange(table, None, "minor", f"`{table}`: fields reordered"))
    return out


def _keys(schema: TableSchema) -> tuple[list[str], list[Any]]:
    return list(schema.get("primaryKey") or []), list(schema.get("foreignKeys") or [])


def schema_changes(
    old: Mapping[str, TableSchema], new: Mapping[str, TableSchema]
) -> list[SchemaChange]:
    """List every schema difference between two releases, with the bump each requires.

    Examples
    --------
    >>> a = {"t": {"fields": [{"name": "x", "type": "integer"}]}}
    >>> b = {"t": {"fields": [{"name": "x", "type": "number"}, {"name": "y"}]}}
    >>> [(c.level, c.text) for c in schema_changes(a, b)]
    [('major', '`t.x`: type changed from integer to number'), ('minor', '`t.y`: field added')]

    A left-out ``type`` is Table Schema's default, ``"string"``; a dropped bound loosens:

    >>> e = {"t": {"fields": [{"name": "x", "type": "integer", "constraints": {"minimum": 1}}]}}
    >>> f = {"t": {"fields": [{"name": "x", "type": "integer"}]}}
    >>> [(c.level, c.text) for c in schema_changes(e, f)]
    [('minor', '`t.x`: minimum 1 dropped')]
    >>> schema_changes({"t": {"fields": [{"name": "y"}]}},
    ...                {"t": {"fields": [{"name": "y", "type": "string"}]}})
    []
    """
    out: list[SchemaChange] = []
    for table in sorted(old.keys() - new.keys()):
        out.append(SchemaChange(table, None, "major", f"`{table}`: table removed"))
    for table in sorted(new.keys() - old.keys()):
        out.append(SchemaChange(table, None, "minor", f"`{table}`: table added"))
    for table in sorted(old.keys() & new.keys()):
        out += _field_changes(table, old[table], new[table])
        (old_pk, old_fk), (new_pk, new_fk) = _keys(old[table]), _keys(new[table])
        if old_pk != new_pk:
            text = f"`{table}`: primary key changed from {old_pk} to {new_pk}"
            out.append(SchemaChange(table, None, "major", text))
        for fk in new_fk:
            if fk not in old_fk:
                text = f"`{table}`: foreign key added on {fk['fields']}"
                out.append(SchemaChange(table, None, "major", text))
        for fk in old_fk:
            if fk not in new_fk:
                text = f"`{table}`: foreign key dropped on {fk['fields']}"
                out.append(SchemaChange(table, None, "minor", text))
    return sorted(out, key=lambda c: (c.table, c.field or "", c.text))


def required_level(changes: Iterable[SchemaChange], *, rows_added: bool) -> str:
    """Return the weakest bump that covers the schema changes and data changes.

    Examples
    --------
    >>> required_level([], rows_added=False), required_level([], rows_added=True)
    ('patch', 'minor')
    """
    levels = [LEVELS.index(c.level) for c in changes]
    if rows_added:
        levels.append(LEVELS.index("minor"))
    return LEVELS[max(levels, default=0)]


def check_bump(previous: str, version: str, required: str, reasons: Iterable[str]) -> str:
    """Refuse a version that is not newer than ``previous`` or understates ``required``.

    Returns the bump level of ``version``.

    Raises
    ------
    VersionBumpError
        Naming the versions, the required level, why, and the smallest acceptable version.
    """
    level = bump_of(previous, version)
    major, minor, patch = parse_version(previous)
    smallest = {
        "major": f"{major + 1}.0.0",
        "minor": f"{major}.{minor + 1}.0",
        "patch": f"{major}.{minor}.{patch + 1}",
    }[required]
    if level is None:
        msg = (
            f"version {version} is not newer than the latest release {previous}; "
            f"use {smallest} or later"
        )
        raise VersionBumpError(msg)
    if LEVELS.index(level) < LEVELS.index(required):
        why = "; ".join(list(reasons)[:10])
        msg = (
            f"version {version} is a {level} bump over {previous}, but the changes require "
            f"a {required} bump ({why}); use {smallest} or later"
        )
        raise VersionBumpError(msg)
    return level
