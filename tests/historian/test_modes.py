"""Transport modes of imported legs: the rules in data/modes/ on the real data and on toys."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from leadertravel import DataValidationError
from leadertravel.pipeline.importers.historian import HistorianImport
from leadertravel.pipeline.modes import infer_modes, mode_agreement, read_mode_rules
from leadertravel.pipeline.modes._infer import first_match
from leadertravel.pipeline.modes._match import (
    _remarks_read,
    _source_remarks,
    _stop_ends,
    _Texts,
    match_rules,
)
from leadertravel.pipeline.typed import typed_frame
from leadertravel.pipeline.validate import read_curated

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("legs", "stops", "trips", "places", "border_crossings")


@pytest.fixture(scope="session")
def merged(historian: HistorianImport) -> dict[str, pd.DataFrame]:
    """Curated and imported tables merged as the release builder merges them."""
    curated = read_curated(ROOT)
    out = {}
    for name in TABLES:
        imported = typed_frame(historian.tables[name], curated.schemas[name])
        both = pd.concat([curated.tables[name].reset_index(drop=True), imported])
        out[name] = both.drop_duplicates(ignore_index=True)
    return out


@pytest.fixture(scope="session")
def inferred(merged: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    return {**merged, **infer_modes(merged, read_mode_rules(ROOT))}


def _leg(tables: dict[str, pd.DataFrame], leg_id: str) -> pd.Series:
    legs = tables["legs"]
    return legs.loc[legs["leg_id"] == leg_id].iloc[0]


def test_counts_per_mode_and_rule(inferred: dict[str, pd.DataFrame]) -> None:
    legs = inferred["legs"]
    imported = legs[legs["origin"] != "curated"]
    counts = imported.groupby(
        [imported["transport_mode"].astype(str), imported["mode_rule"].fillna("-")]
    ).size()
    assert counts.to_dict() == {
        ("air", "air-base-stop"): 54,
        # 1,957 before remark-by-sea-before-this-trip kept Eisenhower's legs from home to
        # Tunis (1959) and Taipei (1960) unknown: sea voyages split by the grouping rule.
        ("air", "air-ocean-jet-age"): 1955,
        ("air", "remark-overflew"): 1,
        ("air", "remark-refuelling-stop"): 4,
        ("sea", "remark-disembarked"): 4,
        ("sea", "sea-ocean-before-air-passengers"): 14,
        ("sea", "sea-ocean-before-airliners"): 7,
        ("unknown", "-"): 4369,
    }
    assert len(imported) == 6408
    # Flag and rule go together on imported legs; nothing else is flagged.
    assert (imported["mode_inferred"] == imported["mode_rule"].notna()).all()
    assert ((imported["transport_mode"] == "unknown") == imported["mode_rule"].isna()).all()
    # All legs of the release: 6,503 (95 curated), of which 4,371 stay unknown (2 curated).
    assert len(legs) == 6503 and int((legs["transport_mode"] == "unknown").sum()) == 4371


def test_remarks_searched_once_per_text_as_leg_by_leg(merged: dict[str, pd.DataFrame]) -> None:
    """The fast path of the remark rules (one search per distinct text) is the plain one."""
    legs = merged["legs"].reset_index(drop=True)
    sides = _remarks_read(_stop_ends(merged, legs, previous_trip=True))
    texts = _Texts(sides)
    hits = 0
    for rule in read_mode_rules(ROOT).rules:
        if rule.stop_remarks is None:
            continue
        for side, text in sides.items():
            plain = [rule.stop_remarks.search(x) is not None for x in text.fillna("")]
            assert texts.search(side, rule.stop_remarks).tolist() == plain, (rule.rule, side)
            hits += sum(plain)
    assert hits == 52  # legs whose stop remarks some remark rule finds, summed over sides


def test_source_remarks_are_the_pandas_string_methods_answer(
    merged: dict[str, pd.DataFrame],
) -> None:
    """``_source_remarks`` (one Python pass) gives what the pandas string methods it
    replaced give (commit 10496cf), on every real stop's remarks and on odd ones."""
    odd = [None, pd.NA, "", " [importer] Placed.", "[importer] x", "a [importer] b [importer] c",
           "\tBy sea.\u00a0 [importer]", "By rail [importer]", "  ", "Flew [importe]"]  # fmt: skip
    remarks = pd.concat([merged["stops"]["remarks"], pd.Series(odd, dtype="string")])
    text = remarks.astype("string").fillna("")
    plain = text.str.split(" [importer]", n=1, regex=False).str[0].str.strip()
    ours = _source_remarks(remarks)
    assert ours.tolist() == plain.tolist()
    assert {type(t) for t in ours} == {str}
    assert (ours != remarks.fillna("").to_numpy()).sum() > 1000  # notes cut off, real ones


def test_first_match_is_the_first_rule_tried_in_order(merged: dict[str, pd.DataFrame]) -> None:
    """first_match (argmax over the rule columns) answers as trying the rules in turn."""
    rules = list(read_mode_rules(ROOT).rules)
    matches = match_rules(merged, rules=read_mode_rules(ROOT))
    for subset in (rules, rules[3:9], rules[::-1], []):
        plain_ids = pd.Series(pd.NA, index=matches.index, dtype="string")
        plain_modes = pd.Series(pd.NA, index=matches.index, dtype="string")
        for rule in reversed(subset):
            plain_ids[matches[rule.rule].to_numpy()] = rule.rule
            plain_modes[matches[rule.rule].to_numpy()] = rule.mode
        ids, modes = first_match(matches, subset)
        pd.testing.assert_series_equal(ids, plain_ids)
        pd.testing.assert_series_equal(modes, plain_modes)
    assert int(first_match(matches, rules)[0].notna().sum()) == 2055  # legs some rule matches


def test_curated_legs_are_never_changed(
    merged: dict[str, pd.DataFrame], inferred: dict[str, pd.DataFrame]
) -> None:
    before = merged["legs"][merged["legs"]["origin"] == "curated"]
    after = inferred["legs"][inferred["legs"]["origin"] == "curated"]
    pd.testing.assert_frame_equal(before, after)
    assert after["mode_rule"].isna().all()
    xb = merged["border_crossings"]
    xa = inferred["border_crossings"]
    pd.testing.assert_frame_equal(xb[xb["origin"] == "curated"], xa[xa["origin"] == "curated"])


def test_inferred_crossings_take_their_legs_mode(inferred: dict[str, pd.DataFrame]) -> None:
    crossings = inferred["border_crossings"]
    imported = crossings[crossings["origin"] != "curated"]
    modes = inferred["legs"].set_index("leg_id")["transport_mode"].astype(str)
    assert (imported["transport_mode"].astype(str) == imported["leg_id"].map(modes)).all()
    assert imported["transport_mode"].astype(str).value_counts().to_dict() == {
        "unknown": 3658,  # the two legs from home to Tunis and Taipei have one crossing each
        "air": 2009,
        "sea": 25,
    }


@pytest.mark.parametrize(
    ("leg_id", "mode", "rule"),
    [
        # Wilson sails for the Paris Peace Conference, December 1918.
        ("wilson-woodrow-1918-12-14-l01", "sea", "sea-ocean-before-air-passengers"),
        # Stimson to the London Naval Conference, 1930: only airships flew passengers then.
        ("stimson-henry-lewis-1930-01-25-l01", "sea", "sea-ocean-before-airliners"),
        # Truman "disembarked" at Antwerp on the way to Potsdam …
        ("truman-harry-s-1945-07-15-l01", "sea", "remark-disembarked"),
        # … and the same record's second place, Brussels, is not reached by sea.
        ("truman-harry-s-1945-07-15-l02", "unknown", None),
        # Obama through Ramstein on the way to India, 2015.
        ("obama-barack-2015-01-24-l02", "air", "air-base-stop"),
        # Hillary Clinton's refuelling stop at Sal, 2012, both ways.
        ("clinton-hillary-rodham-2012-01-15-l01", "air", "remark-refuelling-stop"),
        ("clinton-hillary-rodham-2012-01-15-l02", "air", "remark-refuelling-stop"),
        # Colby's 1920 "refuelling stop" at Barbados was a battleship's: not read as a flight.
        ("colby-bainbridge-1920-12-10-l01", "unknown", None),
        # Eisenhower sailed on from Athens to Tunis; the importer's leg home stays unknown …
        ("eisenhower-dwight-d-1959-12-04-l10", "unknown", None),
        # … and so does its leg from home to Tunis, where the grouping rule started the
        # next trip (no flight from Washington took place); the same for Manila → Taipei.
        ("eisenhower-dwight-d-1959-12-17-l01", "unknown", None),
        ("eisenhower-dwight-d-1960-06-14-l02", "unknown", None),
        ("eisenhower-dwight-d-1960-06-18-l01", "unknown", None),
        # The next trip of a traveller whose last stop says nothing of a sea voyage keeps
        # its jet-age flight (Eisenhower to Rome, the trip before Athens).
        ("eisenhower-dwight-d-1959-12-04-l01", "air", "air-ocean-jet-age"),
        # A jet-age flight across the Pacific.
        ("obama-barack-2016-05-22-l01", "air", "air-base-stop"),
        ("biden-joseph-r-2021-06-09-l01", "air", "air-ocean-jet-age"),
        # Inside Europe no rule is reliable (train, car, plane …).
        ("biden-joseph-r-2021-06-09-l02", "unknown", None),
        # Between 1935 and the jet age ocean crossings stay unknown (Truman flew to Rio in
        # 1947 and sailed home).
        ("acheson-dean-gooderham-1949-05-20-l01", "unknown", None),
    ],
)
def test_known_legs(
    inferred: dict[str, pd.DataFrame], leg_id: str, mode: str, rule: str | None
) -> None:
    leg = _leg(inferred, leg_id)
    assert leg["transport_mode"] == mode
    assert (None if pd.isna(leg["mode_rule"]) else leg["mode_rule"]) == rule
    assert bool(leg["mode_inferred"]) is (rule is not None)


def test_agreement_with_curated_and_remark_attested_legs(
    merged: dict[str, pd.DataFrame],
) -> None:
    report = mode_agreement(merged, read_mode_rules(ROOT))
    curated = report["curated"]
    # 93 curated legs with a known mode (95 less the 2 unknown); the Mudanjiang legs of
    # August 2010 meet no rule
    assert (curated["legs"], curated["fired"], curated["agree"]) == (93, 12, 12)
    assert curated["by_rule"] == {
        "rail-station-arrival": {"fired": 6, "agree": 6},
        "remark-landed": {"fired": 2, "agree": 2},
        "remark-train-arrived": {"fired": 1, "agree": 1},
        "remark-train-left": {"fired": 3, "agree": 3},
    }
    assert curated["disagreements"] == []
    attested = report["remark_attested"]
    assert (attested["legs"], attested["fired"], attested["agree"]) == (63, 26, 26)
    assert attested["by_attesting_rule"] == {
        "air-base-stop": 54,
        "remark-disembarked": 4,
        "remark-overflew": 1,
        "remark-refuelling-stop": 4,
    }
    assert attested["disagreements"] == []


def _toy(home_place: str | None, origin: str = "history-state-visits") -> dict[str, pd.DataFrame]:
    """A French leader's 1970 visit to Washington, home place given or not."""
    trip = "toy-leader-1970-05-01"
    places = pd.DataFrame(
        {
            "place_id": ["usa-washington", "fra-paris"],
            "kind": ["city", "city"],
            "country_code": ["USA", "FRA"],
        }
    )
    legs = pd.DataFrame(
        {
            "leg_id": [f"{trip}-l01", f"{trip}-l02"],
            "trip_id": [trip, trip],
            "seq": [1, 2],
            "from_place_id": [home_place, "usa-washington"],
            "to_place_id": ["usa-washington", home_place],
            "from_country_code": ["FRA", "USA"],
            "to_country_code": ["USA", "FRA"],
            "transport_mode": ["unknown", "unknown"],
            "distance_km": [None, None],
            "mode_inferred": [False, False],
            "mode_rule": pd.Series([None, None], dtype="string"),
            "origin": [origin, origin],
        }
    )
    stops = pd.DataFrame(
        {
            "trip_id": [trip],
            "seq": [1],
            "place_id": ["usa-washington"],
            "remarks": ["Official visit. [importer] a note that says it landed"],
        }
    )
    trips = pd.DataFrame(
        {
            "trip_id": [trip],
            "leader_id": ["toy-leader"],
            "start_date": pd.to_datetime(["1970-05-01"]),
            "end_date": pd.to_datetime(["1970-05-03"]),
        }
    )
    crossings = pd.DataFrame(
        {
            "leg_id": [f"{trip}-l01", f"{trip}-l02"],
            "transport_mode": ["unknown", "unknown"],
            "inferred": [True, True],
            "origin": [origin, origin],
        }
    )
    return {
        "legs": legs,
        "stops": stops,
        "trips": trips,
        "places": places,
        "border_crossings": crossings,
    }


@pytest.mark.parametrize("home_place", [None, "fra-paris"])
def test_rules_are_generic_over_the_importer_and_home(home_place: str | None) -> None:
    out = infer_modes(_toy(home_place), read_mode_rules(ROOT))
    # France's home end counts as Europe even without a place (its distant territories
    # are not where its leader lives); the importer's note mentioning 'landed' is not read.
    assert list(out["legs"]["mode_rule"]) == ["air-ocean-jet-age", "air-ocean-jet-age"]
    assert list(out["border_crossings"]["transport_mode"]) == ["air", "air"]


def test_a_stop_filed_under_a_sovereign_without_a_place_is_not_across_an_ocean() -> None:
    toy = _toy("fra-paris")
    # Make Washington the home and the unplaced French stop the visit: it could be Martinique.
    toy["legs"]["from_place_id"] = ["usa-washington", None]
    toy["legs"]["to_place_id"] = [None, "usa-washington"]
    toy["legs"]["from_country_code"] = ["USA", "FRA"]
    toy["legs"]["to_country_code"] = ["FRA", "USA"]
    toy["stops"]["place_id"] = [None]
    legs = infer_modes(toy, read_mode_rules(ROOT))["legs"]
    # Home (Washington) → an unplaced stop in France: France's territories include the
    # Americas, so no ocean is certain; nothing is inferred.
    assert legs["transport_mode"].tolist() == ["unknown", "unknown"]


@pytest.mark.parametrize(("gap_days", "first_leg"), [(2, "unknown"), (4, "unknown"), (5, "air")])
def test_a_voyage_split_into_two_trips_keeps_the_next_trips_first_leg_unknown(
    gap_days: int, first_leg: str
) -> None:
    """A toy of Eisenhower's December 1959 records: the first trip ends at Athens, whose
    remarks say he went on by sea; the next trip starts at Tunis ``gap_days`` later."""
    first, second = _toy("fra-paris"), _toy("fra-paris")
    first["stops"]["remarks"] = ["Official visit. Traveled by sea from Athens to Tunis."]
    start = pd.Timestamp("1970-05-03") + pd.Timedelta(days=gap_days)
    trip = f"toy-leader-{start.date()}"
    second["trips"]["trip_id"] = [trip]
    second["trips"]["start_date"] = [start]
    second["trips"]["end_date"] = [start + pd.Timedelta(days=1)]
    second["stops"]["trip_id"] = [trip]
    second["stops"]["remarks"] = ["Met with the President."]
    for name in ("legs", "border_crossings"):
        second[name]["leg_id"] = [f"{trip}-l01", f"{trip}-l02"]
    second["legs"]["trip_id"] = [trip, trip]
    toy = {k: pd.concat([first[k], second[k]], ignore_index=True) for k in first}
    toy["places"] = first["places"]
    legs = infer_modes(toy, read_mode_rules(ROOT))["legs"].set_index("leg_id")
    # The first trip's leg home is kept unknown by remark-by-sea-from-then-home …
    assert legs.loc["toy-leader-1970-05-01-l02", "transport_mode"] == "unknown"
    assert legs.loc["toy-leader-1970-05-01-l01", "transport_mode"] == "air"
    # … and the next trip's leg from home, within four days, by remark-by-sea-before-this-trip.
    assert legs.loc[f"{trip}-l01", "transport_mode"] == first_leg
    assert legs.loc[f"{trip}-l02", "transport_mode"] == "air"  # its way home is not the voyage


def test_curated_origin_is_left_alone() -> None:
    out = infer_modes(_toy("fra-paris", origin="curated"), read_mode_rules(ROOT))
    assert out["legs"]["transport_mode"].tolist() == ["unknown", "unknown"]
    assert out["legs"]["mode_rule"].isna().all()


def _scratch(tmp_path: Path) -> Path:
    for rel in ("data/modes", "data/reference", "datapackage/schemas"):
        shutil.copytree(ROOT / rel, tmp_path / rel)
    return tmp_path


def test_bad_rule_rows_are_reported_one_line_each(tmp_path: Path) -> None:
    root = _scratch(tmp_path)
    path = root / "data" / "modes" / "rules.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("Bad Id,boat,leg,,,far,lake,maybe,1959-02-30,1950-01-01,,")
    lines.append("remark-x,air,arriving,(unclosed,hangar,,,,,,,basis")
    lines.append("era-without-end,air,both,,,,ocean,,,,,basis")
    lines.append("gap-without-previous,unknown,departing,by sea,,,,,,,4,basis")
    lines.append("previous-without-gap,unknown,previous-trip,by sea,,,,,,,,basis")
    lines.append("previous-bad-gap,unknown,previous-trip,by sea,,,,,,,four,basis")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        read_mode_rules(root)
    found = {(p.row, p.field, p.rule) for p in err.value.problems}
    n = len(lines)
    assert found == {
        (n - 5, "rule", "pattern"),
        (n - 5, "mode", "enum"),
        (n - 5, "min_km", "number"),
        (n - 5, "crossing", "enum"),
        (n - 5, "between_stops", "boolean"),
        (n - 5, "from_date", "date"),
        (n - 5, "basis", "required"),
        (n - 4, "stop_remarks", "regex"),
        (n - 4, "stop_place_kind", "enum"),
        (n - 3, "legs", "legs-condition"),
        (n - 2, "max_gap_days", "gap-condition"),
        (n - 1, "max_gap_days", "gap-condition"),
        (n, "max_gap_days", "integer"),
    }
    assert str(err.value.problems[0]).startswith("data/modes/rules.csv:")


def test_every_country_needs_a_region(tmp_path: Path) -> None:
    root = _scratch(tmp_path)
    path = root / "data" / "modes" / "world_regions.csv"
    kept = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith("FRA,")]
    kept.append("ZZZ,atlantis,,")
    path.write_text("\n".join(kept) + "\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        read_mode_rules(root)
    assert {(p.field, p.rule, p.value) for p in err.value.problems} == {
        ("region", "enum", "atlantis"),
        ("code", "missing-region", "FRA"),
    }
