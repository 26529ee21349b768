"""Set the mode of imported legs from the first rule that matches."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd

from leadertravel.pipeline.modes._match import match_rules
from leadertravel.pipeline.modes._rules import ModeRule, ModeRules, read_mode_rules

log = logging.getLogger("leadertravel.pipeline")


def first_match(matches: pd.DataFrame, rules: list[ModeRule]) -> tuple[pd.Series, pd.Series]:
    """Return the first matching rule of ``rules`` for each leg and its mode (NA if none).

    The first matching rule of a leg is the first true column of its row among the rules'
    columns (``argmax`` of the boolean matrix), where the row has any.
    """
    ids = np.full(len(matches), None, dtype=object)
    modes = np.full(len(matches), None, dtype=object)
    if rules:
        hits = matches[[r.rule for r in rules]].to_numpy(dtype=bool)
        found = hits.any(axis=1)
        first = hits.argmax(axis=1)[found]
        ids[found] = np.array([r.rule for r in rules], dtype=object)[first]
        modes[found] = np.array([r.mode for r in rules], dtype=object)[first]
    return (
        pd.Series(pd.array(ids, dtype="string"), index=matches.index),
        pd.Series(pd.array(modes, dtype="string"), index=matches.index),
    )


def infer_modes(tables: dict[str, pd.DataFrame], rules: ModeRules) -> dict[str, pd.DataFrame]:
    """Set the mode of every non-curated leg a rule covers; return the new legs and crossings.

    Only legs whose ``origin`` is not ``curated`` and whose ``transport_mode`` is
    ``unknown`` change: ``transport_mode`` takes the first matching rule's mode,
    ``mode_inferred`` becomes true and ``mode_rule`` names the rule. Every other leg keeps
    its values (``mode_rule`` stays null where it was). An inferred, non-curated border
    crossing whose mode is unknown takes its leg's new mode.

    Parameters
    ----------
    tables
        At least ``legs``, ``stops``, ``trips``, ``places`` and ``border_crossings``.
    rules
        From :func:`read_mode_rules`.

    Returns
    -------
    dict
        ``{"legs": …, "border_crossings": …}``, same rows, columns and dtypes as given.
    """
    legs = tables["legs"].reset_index(drop=True).copy()
    if "mode_rule" not in legs:
        legs["mode_rule"] = pd.Series(pd.NA, index=legs.index, dtype="string")
    rule_ids, modes = first_match(match_rules(tables, rules), list(rules.rules))
    open_ = (legs["origin"].astype("string") != "curated") & (
        legs["transport_mode"].astype("string") == "unknown"
    )
    change = (open_ & modes.notna() & (modes != "unknown")).to_numpy()
    legs.loc[change, "transport_mode"] = modes[change].to_numpy()
    legs.loc[change, "mode_inferred"] = True
    legs.loc[change, "mode_rule"] = rule_ids[change].to_numpy()
    crossings = tables["border_crossings"].reset_index(drop=True).copy()
    leg_mode = legs.loc[change].set_index("leg_id")["transport_mode"].astype("string")
    new = crossings["leg_id"].astype("string").map(leg_mode)
    take = (
        new.notna()
        & crossings["inferred"].astype("boolean").fillna(False)
        & (crossings["origin"].astype("string") != "curated")
        & (crossings["transport_mode"].astype("string") == "unknown")
    ).to_numpy()
    crossings.loc[take, "transport_mode"] = new[take].to_numpy()
    return {"legs": legs, "border_crossings": crossings}


def apply_mode_rules(root: Path, tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Read the rules under ``root`` and return :func:`infer_modes` of ``tables``.

    This is the one call the release builder makes once every importer's tables are merged
    with the curated ones.
    """
    out = infer_modes(tables, read_mode_rules(root))
    by_rule = out["legs"]["mode_rule"].value_counts()
    log.info(
        "transport modes inferred for %d imported legs (%s)",
        int(by_rule.sum()),
        ", ".join(f"{rule} {n}" for rule, n in by_rule.sort_index().items()),
    )
    return out
