"""Write a release table as CSV, Excel or Stata, typed, with the schema's descriptions.

For people who do not read Parquet. Each format keeps what it can of the Table Schema:

======  =====================================================================================
csv     ISO dates, UTC datetimes with ``Z``, ``true``/``false``, empty cells for nulls; the
        Table Schema is written beside it (``<name>.schema.json``), so
        ``frictionless validate`` reads the file typed
xlsx    typed cells (numbers, booleans, dates, UTC datetimes), each header cell commented
        with the field's description, and a ``fields`` sheet: field, type, required,
        vocabulary, description (needs ``openpyxl``: ``pip install 'leadertravel[export]'``)
dta     Stata 14+ (format 118, Unicode): variable labels from the field descriptions and a
        data label from the table's (Stata allows 80 characters; longer ones are cut at a
        word and end in "…"), enums as labelled integers in schema order, dates as Stata
        dates (``%td``), datetimes as UTC Stata datetimes (``%tc``)
======  =====================================================================================

Every file is written to a temporary file beside the target and renamed into place.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from leadertravel._fsutil import write_atomic_with

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["FORMATS", "STATA_LABEL", "export_frame", "stata_label"]

#: Formats :func:`export_frame` writes, by their file extension.
FORMATS = ("csv", "xlsx", "dta")
#: Longest variable or data label Stata stores.
STATA_LABEL = 80
#: Most rows an Excel sheet holds, below the header.
_XLSX_ROWS = 1_048_575


def stata_label(text: str, limit: int = STATA_LABEL) -> str:
    """Cut ``text`` to at most ``limit`` characters at a word, ending in "…" if cut.

    Examples
    --------
    >>> stata_label("Geodesic distance between the two places, in kilometres.", 30)
    'Geodesic distance between the…'
    >>> stata_label("Short.")
    'Short.'
    """
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:  # do not end inside a word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:") + "…"


def _fields(schema: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(f["name"]): f for f in schema.get("fields", [])}


def _utc_naive(frame: pd.DataFrame) -> pd.DataFrame:
    """Datetimes as naive UTC (formats without time zones); other columns unchanged."""
    import pandas as pd

    out = frame.copy()
    for column in out.columns:
        if isinstance(out[column].dtype, pd.DatetimeTZDtype):
            out[column] = out[column].dt.tz_convert("UTC").dt.tz_localize(None)
    return out


def _write_csv(frame: pd.DataFrame, path: Path, schema: Mapping[str, Any]) -> None:
    import pandas as pd

    out = frame.copy()
    for name, field in _fields(schema).items():
        column = out[name]
        kind = field.get("type", "string")
        if kind == "date":
            out[name] = column.dt.strftime("%Y-%m-%d")
        elif kind == "datetime":
            out[name] = column.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").str.replace(
                ".000000Z", "Z", regex=False
            )
        elif kind == "boolean":
            out[name] = column.map({True: "true", False: "false"}).astype("string")
        elif isinstance(column.dtype, pd.CategoricalDtype):
            out[name] = column.astype("string")
    out.to_csv(path, index=False, lineterminator="\n", na_rep="")


def _write_xlsx(frame: pd.DataFrame, path: Path, schema: Mapping[str, Any], title: str) -> None:
    import pandas as pd
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.utils import get_column_letter

    if len(frame) > _XLSX_ROWS:
        msg = (
            f"{len(frame):,} rows do not fit in an Excel sheet ({_XLSX_ROWS:,} at most); "
            "export csv or dta instead"
        )
        raise ValueError(msg)
    fields = _fields(schema)
    data = _utc_naive(frame)
    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    sheet.append(list(data.columns))
    formats: dict[str, str] = {}
    for index, name in enumerate(data.columns, start=1):
        cell = sheet.cell(row=1, column=index)
        description = str(fields[name].get("description", ""))
        cell.comment = Comment(f"{fields[name].get('type', 'string')}: {description}", title)
        kind = fields[name].get("type", "string")
        if kind == "date":
            formats[name] = "yyyy-mm-dd"
        elif kind == "datetime":
            formats[name] = "yyyy-mm-dd hh:mm:ss"
    columns = [data[c].astype(object).where(data[c].notna(), None) for c in data.columns]
    for row in zip(*columns, strict=True):
        sheet.append([v.to_pydatetime() if isinstance(v, pd.Timestamp) else v for v in row])
    for index, name in enumerate(data.columns, start=1):
        if name in formats:
            letter = get_column_letter(index)
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = formats[name]
            sheet.column_dimensions[letter].width = 20
    sheet.freeze_panes = "A2"
    about = book.create_sheet("fields")
    about.append(["field", "type", "required", "vocabulary", "description"])
    for name, field in fields.items():
        constraints = field.get("constraints", {})
        about.append(
            [
                name,
                str(field.get("type", "string")),
                bool(constraints.get("required", False)),
                ", ".join(map(str, constraints.get("enum", []))),
                str(field.get("description", "")),
            ]
        )
    about.freeze_panes = "A2"
    book.save(path)


def _write_dta(frame: pd.DataFrame, path: Path, schema: Mapping[str, Any], title: str) -> None:
    import pandas as pd

    fields = _fields(schema)
    data = _utc_naive(frame)
    for name in data.columns:  # Stata has no null string: its missing string is ""
        if isinstance(data[name].dtype, pd.StringDtype):
            data[name] = data[name].fillna("").astype(object)
    dates = {
        name: "td" if field.get("type") == "date" else "tc"
        for name, field in fields.items()
        if field.get("type") in ("date", "datetime")
    }
    labels = {name: stata_label(str(f.get("description", ""))) for name, f in fields.items()}
    data.to_stata(
        path,
        write_index=False,
        version=118,
        convert_dates=dates,  # type: ignore[arg-type]
        variable_labels=labels,
        data_label=stata_label(title),
    )


def export_frame(
    frame: pd.DataFrame,
    path: Path,
    *,
    schema: Mapping[str, Any],
    fmt: str,
    title: str = "",
) -> list[Path]:
    """Write ``frame`` (a typed table as `leadertravel.load` gives it) to ``path``.

    Parameters
    ----------
    frame
        The table, with the columns of ``schema``.
    path
        The file to write (replaced if it exists).
    schema
        The table's Table Schema (from the release manifest).
    fmt
        ``"csv"``, ``"xlsx"`` or ``"dta"``.
    title
        The table's description: the Excel comments' author line, Stata's data label.

    Returns
    -------
    list of Path
        The files written: ``path``, and for CSV its Table Schema beside it.

    Raises
    ------
    ValueError
        An unknown format, or more rows than an Excel sheet holds.
    ImportError
        ``xlsx`` without ``openpyxl`` installed.
    """
    writers: dict[str, Callable[[pd.DataFrame, Path], None]] = {
        "csv": lambda f, p: _write_csv(f, p, schema),
        "xlsx": lambda f, p: _write_xlsx(f, p, schema, title),
        "dta": lambda f, p: _write_dta(f, p, schema, title),
    }
    if fmt not in writers:
        msg = f"format {fmt!r} is not one of {', '.join(FORMATS)}"
        raise ValueError(msg)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = [write_atomic_with(path, lambda tmp: writers[fmt](frame, tmp), public=True)]
    if fmt == "csv":
        sidecar = path.with_name(f"{path.stem}.schema.json")
        # without foreign keys: they name other tables, which are not in this export
        alone = {k: v for k, v in schema.items() if k != "foreignKeys"}
        text = json.dumps(alone, indent=2, ensure_ascii=False) + "\n"
        written.append(
            write_atomic_with(
                sidecar, lambda tmp: tmp.write_text(text, encoding="utf-8"), public=True
            )
        )
    return written
