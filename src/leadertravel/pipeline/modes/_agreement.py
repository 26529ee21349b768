"""How often the rules agree with legs whose mode is known another way."""

from __future__ import annotations

from typing import Any

import pandas as pd

from leadertravel.pipeline.modes._infer import first_match
from leadertravel.pipeline.modes._match import match_rules
from leadertravel.pipeline.modes._rules import ModeRules


def _compare(
    truth: pd.Series, predicted: pd.Series, rule_ids: pd.Series, leg_ids: pd.Series
) -> dict[str, Any]:
    fired = predicted.notna() & (predicted != "unknown") & truth.notna()
    agree = fired & (predicted == truth)
    per_rule: dict[str, dict[str, int]] = {}
    for rule, n in rule_ids[fired].value_counts(sort=False).sort_index().items():
        ok = int((agree & (rule_ids == rule)).sum())
        per_rule[str(rule)] = {"fired": int(n), "agree": ok}
    wrong = fired & ~agree
    return {
        "legs": int(truth.notna().sum()),
        "fired": int(fired.sum()),
        "agree": int(agree.sum()),
        "by_rule": per_rule,
        "disagreements": [
            {"leg_id": str(leg), "rule": str(rule), "predicted": str(p), "attested": str(t)}
            for leg, rule, p, t in zip(
                leg_ids[wrong], rule_ids[wrong], predicted[wrong], truth[wrong], strict=True
            )
        ],
    }


def mode_agreement(tables: dict[str, pd.DataFrame], rules: ModeRules) -> dict[str, Any]:
    """Check the rules against legs whose mode is known another way.

    * ``curated`` — every curated leg with a known mode, against the first rule of all
      that matches it (as if its mode were unknown);
    * ``remark_attested`` — every leg a ``remark`` or ``place`` rule covers, its mode
      taken from that rule, against the first ``era`` rule (dates and geography only)
      that matches it.

    Returns
    -------
    dict
        For each check: legs checked, legs a rule fired on, agreements, per-rule counts
        and the list of disagreements (leg, rule, predicted, attested). JSON-serialisable.
    """
    legs = tables["legs"].reset_index(drop=True)
    matches = match_rules(tables, rules)
    every = list(rules.rules)
    era = [r for r in every if r.kind == "era"]
    attest = [r for r in every if r.kind != "era"]
    leg_ids = legs["leg_id"].astype("string")
    mode = legs["transport_mode"].astype("string")
    curated = (legs["origin"].astype("string") == "curated") & (mode != "unknown")
    rule_ids, predicted = first_match(matches, every)
    report = {"curated": _compare(mode.where(curated), predicted.where(curated), rule_ids, leg_ids)}
    attest_ids, attested = first_match(matches, attest)
    attested = attested.where(
        (legs["origin"].astype("string") != "curated") & (attested != "unknown")
    )
    era_ids, era_modes = first_match(matches, era)
    report["remark_attested"] = _compare(
        attested, era_modes.where(attested.notna()), era_ids, leg_ids
    )
    report["remark_attested"]["by_attesting_rule"] = {
        str(k): int(v) for k, v in attest_ids[attested.notna()].value_counts().sort_index().items()
    }
    return report
