"""Checks of the curated coverage claims (``data/reference/coverage.csv``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from leadertravel._panels._arrays import texts
from leadertravel._problems import Problem
from leadertravel.pipeline.panels._inputs import FIRST_DAY, OPEN_DAY, ordinals


def coverage_problems(coverage: pd.DataFrame, leaders: pd.DataFrame) -> list[Problem]:
    """Periods in order; a claim's leader belongs to its origin country."""
    file = "data/reference/coverage.csv"
    home = dict(
        zip(leaders["leader_id"].astype(str), leaders["country_code"].astype(str), strict=True)
    )
    problems = []
    starts = ordinals(coverage["covered_from"], FIRST_DAY)
    ends = ordinals(coverage["covered_to"], OPEN_DAY)
    leader_ids = texts(coverage["leader_id"])
    origins = texts(coverage["origin_country_code"])
    for position, (start, end, leader, origin) in enumerate(
        zip(starts, ends, leader_ids, origins, strict=True)
    ):
        row = position + 2  # assembled in CSV order
        if end < start:
            problems.append(
                Problem(
                    file,
                    row,
                    "covered_to",
                    "coverage-period",
                    date.fromordinal(end).isoformat(),
                    "is before covered_from",
                )
            )
        country = home.get(leader or "")
        if origin is not None and country is not None and country != origin:
            problems.append(
                Problem(
                    file,
                    row,
                    "origin_country_code",
                    "coverage-leader-country",
                    origin,
                    f"leader {leader} is of {country}; leave it empty or use {country}",
                )
            )
    return problems
