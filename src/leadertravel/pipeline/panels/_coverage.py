"""Checks of the curated coverage claims (the ``coverage`` resource of the descriptor)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from leadertravel._panels._arrays import leader_homes, texts
from leadertravel._problems import Problem
from leadertravel.pipeline.panels._inputs import FIRST_DAY, OPEN_DAY, ordinals
from leadertravel.pipeline.problems import Locator


def coverage_problems(
    coverage: pd.DataFrame, leaders: pd.DataFrame, where: Locator
) -> list[Problem]:
    """Periods in order; a claim's leader belongs to its origin country.

    ``where`` names the rows (file and line, or primary key) of ``coverage``.
    """
    home = leader_homes(leaders)
    problems = []
    starts = ordinals(coverage["covered_from"], FIRST_DAY)
    ends = ordinals(coverage["covered_to"], OPEN_DAY)
    leader_ids = texts(coverage["leader_id"])
    origins = texts(coverage["origin_country_code"])
    for position, (start, end, leader, origin) in enumerate(
        zip(starts, ends, leader_ids, origins, strict=True)
    ):
        if end < start:
            problems += where.problems(
                [position],
                field="covered_to",
                rule="coverage-period",
                values=[date.fromordinal(end).isoformat()],
                message="is before covered_from",
            )
        country = home.get(leader or "")
        if origin is not None and country is not None and country != origin:
            problems += where.problems(
                [position],
                field="origin_country_code",
                rule="coverage-leader-country",
                values=[origin],
                message=f"leader {leader} is of {country}; leave it empty or use {country}",
            )
    return problems
