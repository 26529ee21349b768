"""The panels' vocabulary: code systems, offices, the tables they read, sentinels."""

from __future__ import annotations

from typing import Literal

import numpy as np

System = Literal["cow", "gw", "iso3"]

#: Code systems the panels can be keyed by.
SYSTEMS: tuple[str, ...] = ("cow", "gw", "iso3")

#: Office categories of the panels, in order.
PANEL_OFFICES: tuple[str, ...] = (
    "head_of_state",
    "head_of_government",
    "foreign_minister",
    "other",
)

#: trips.office → the panel offices a trip counts under.
OFFICE_MAP: dict[str, tuple[str, ...]] = {
    "head_of_state": ("head_of_state",),
    "head_of_government": ("head_of_government",),
    "head_of_state_and_government": ("head_of_state", "head_of_government"),
    "foreign_minister": ("foreign_minister",),
    "president_elect": ("other",),
    "other": ("other",),
}

#: Tables (and columns) the panels are computed from.
INPUT_COLUMNS: dict[str, list[str]] = {  # the panel tables first: older releases lack them
    "country_codes": ["code", "valid_from", "valid_to", "cow_code", "cow_abb", "gw_code", "gw_abb"],
    "system_membership": ["system", "state_code", "abbreviation", "start", "end"],
    "coverage": [
        "source",
        "leader_id",
        "origin_country_code",
        "destination_country_code",
        "offices",
        "covered_from",
        "covered_to",
        "complete",
    ],
    "trips": ["trip_id", "leader_id", "office", "start_date", "end_date", "origin"],
    "stops": ["trip_id", "seq", "country_code", "arrival_date", "departure_date"],
    "leaders": ["leader_id", "country_code"],
}

NO_UNIT = -1  # "no state" in integer unit arrays
MADE = ["trips_made", "leaders_travelling", "days_abroad", "complete_made"]
RECEIVED = ["visits_received", "visiting_leaders", "days_hosting", "complete_received"]
FIRST_DAY = int(np.datetime64("1816-01-01", "D").astype(np.int64))
NO_DAY = np.iinfo(np.int64).min
