"""The state-system inputs: the pinned COW and G&W membership lists and the curated crosswalk."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from leadertravel._errors import DataValidationError, SourceInputError
from leadertravel._panels._arrays import texts
from leadertravel._problems import Problem
from leadertravel._schema import read_table_schema
from leadertravel.pipeline.curated import read_csv
from leadertravel.pipeline.typed import BadValueError, typed_frame

#: The curated crosswalk, relative to the project root.
CROSSWALK = "data/reference/state_system_crosswalk.csv"
#: The directory of the state-system lists, in or beside the sources.
DIRECTORY = "state-system"
LISTS = {"cow": ("cowstates.csv", "cowcode", "cowc"), "gw": ("gwstates.csv", "gwcode", "gwc")}
FIRST_DAY = date(1816, 1, 1).toordinal()
OPEN_DAY = date(9999, 12, 31).toordinal()


def ordinals(values: pd.Series, missing: int) -> list[int]:
    """Dates as proleptic Gregorian ordinals (``missing`` for nulls)."""
    stamps: list[Any] = list(pd.to_datetime(values))
    return [missing if pd.isna(v) else int(v.toordinal()) for v in stamps]


def find_state_system(sources: Path | None) -> Path | None:
    """Return the state-system directory for a source snapshot, or ``None``.

    It is looked for inside ``sources`` (a directory of all sources) and beside it (the
    Office of the Historian snapshot ``…/sources/history-state-travels``).

    Examples
    --------
    >>> find_state_system(None) is None
    True
    """
    if sources is None:
        return None
    for candidate in (sources / DIRECTORY, sources.parent / DIRECTORY):
        if candidate.is_dir():
            return candidate
    return None


def read_membership(directory: Path, schema: Mapping[str, Any]) -> pd.DataFrame:
    """Read both membership lists into the typed rows of the ``system_membership`` table.

    Parameters
    ----------
    directory
        The state-system directory (``cowstates.csv``, ``gwstates.csv``).
    schema
        Table Schema of ``system_membership``.

    Raises
    ------
    SourceInputError
        When a list is missing a column or holds a value that does not parse (naming the
        file, row and value).
    """
    frames = []
    for system, (name, code, abb) in LISTS.items():
        path = directory / name
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
        wanted = [code, abb, "country_name", "start", "end", "microstate"]
        missing = [c for c in wanted if c not in raw.columns]
        if missing:
            msg = f"{path}: missing column(s) {missing}; expected {wanted} (see its SOURCE.md)"
            raise SourceInputError(msg)
        frame = pd.DataFrame(
            {
                "system": system,
                "state_code": raw[code],
                "abbreviation": raw[abb],
                "name": raw["country_name"],
                "start": raw["start"],
                "end": raw["end"].where(raw["end"] != "9999-12-31", ""),
                "microstate": raw["microstate"],
            }
        )
        frame.index = pd.RangeIndex(2, 2 + len(frame))  # file rows, for messages
        try:
            frames.append(typed_frame(frame, schema).reset_index(drop=True))
        except BadValueError as err:
            msg = f"{path}:{err.row}: {err}; the pinned list should not change (see its pins)"
            raise SourceInputError(msg) from err
    return pd.concat(frames, ignore_index=True)


def read_crosswalk(root: Path) -> pd.DataFrame:
    """Read and check ``data/reference/state_system_crosswalk.csv`` against its schema.

    Returns
    -------
    pandas.DataFrame
        Typed rows, indexed by CSV row number (header = row 1).

    Raises
    ------
    DataValidationError
        One problem per line (file, row, field, rule, value) for what the file's Table
        Schema refuses.
    """
    from leadertravel.pipeline.validate import validate_tables

    schema = read_table_schema(root / "data" / "reference" / "state_system_crosswalk.schema.json")
    text = read_csv(root / CROSSWALK, file=CROSSWALK, table="state_system_crosswalk")
    problems = list(text.problems)
    if text.table is not None and not problems:
        checked = validate_tables(
            {"state_system_crosswalk": text.table},
            {"state_system_crosswalk": schema},
            locations={"state_system_crosswalk": text.location},
            rules=False,
        )
        problems += checked.problems
    if problems:
        raise DataValidationError(problems, context=CROSSWALK)
    frame = checked.frames["state_system_crosswalk"]
    frame.index = pd.RangeIndex(2, 2 + len(frame))
    return frame


def problem(row: int | None, field: str | None, rule: str, value: Any, message: str) -> Problem:
    return Problem(CROSSWALK, row, field, rule, None if value is None else str(value), message)


def check_crosswalk(
    crosswalk: pd.DataFrame, countries: pd.DataFrame, membership: pd.DataFrame
) -> list[Problem]:
    """Codes known, state codes in their lists, periods of one code disjoint and ordered."""
    problems = []
    rows = [int(r) for r in crosswalk.index]  # CSV row numbers (read_csv_typed)
    codes = texts(crosswalk["code"])
    known = set(countries["code"].astype(str))
    for row, code in zip(rows, codes, strict=True):
        if code not in known:
            problems.append(problem(row, "code", "foreign-key", code, "not a code of countries"))
    for system in LISTS:
        listed = {int(v) for v in membership.loc[membership["system"] == system, "state_code"]}
        column = f"{system}_code"
        for row, value in zip(rows, texts(crosswalk[column]), strict=True):
            if value is not None and int(value) not in listed:
                problems.append(
                    problem(
                        row,
                        column,
                        "state-code",
                        value,
                        f"no state with this code in the {system} list; use one of its codes",
                    )
                )
    starts = ordinals(crosswalk["valid_from"], FIRST_DAY)
    ends = ordinals(crosswalk["valid_to"], OPEN_DAY)
    seen: dict[str, list[tuple[int, int, int]]] = {}
    for row, code, start, end in zip(rows, codes, starts, ends, strict=True):
        if end < start:
            problems.append(
                problem(row, "valid_to", "period", date.fromordinal(end), "ends before valid_from")
            )
        for _, other_start, other_end in seen.get(str(code), []):
            if start <= other_end and other_start <= end:
                problems.append(
                    problem(
                        row,
                        "valid_from",
                        "period-overlap",
                        code,
                        "overlaps an earlier period of the same code; make the periods disjoint",
                    )
                )
        seen.setdefault(str(code), []).append((row, start, end))
    return problems
