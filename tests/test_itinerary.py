"""``leadertravel itinerary TRIP_ID``: one trip as a timeline, from the checkout or a release."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

from leadertravel._cli import main
from leadertravel._itinerary import render_itinerary
from leadertravel.pipeline.validate import read_curated

HANOI = "kim-jong-un-2019-02-23"
PANMUNJOM_2018 = "kim-jong-un-2018-04-27"


@pytest.fixture(scope="module")
def curated(repo_root: Path) -> dict[str, pd.DataFrame]:
    return read_curated(repo_root).tables


def _of(frame: pd.DataFrame, trip_id: str) -> pd.DataFrame:
    return frame[frame["trip_id"] == trip_id].sort_values("seq")


def _timeline(text: str) -> list[str]:
    """The labels of the timeline lines in the order printed: leg 1, crossing 1, stop 1, …"""
    body = text.split("\nPlaces\n")[0]
    return re.findall(r"^\s+(?:>> )?((?:leg|stop|crossing) \d+)", body, flags=re.M)


def test_cli_prints_the_trip_in_travel_order(
    repo_root: Path, curated: dict[str, pd.DataFrame], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["itinerary", HANOI, "--root", str(repo_root)]) == 0
    out = capsys.readouterr().out
    stops, legs = _of(curated["stops"], HANOI), _of(curated["legs"], HANOI)
    crossings = _of(curated["border_crossings"], HANOI)
    expected: list[str] = []
    for seq, leg_id in zip(legs["seq"], legs["leg_id"], strict=True):
        expected.append(f"leg {seq}")
        on_leg = crossings[crossings["leg_id"] == leg_id]
        expected += [f"crossing {s}" for s in on_leg["seq"]]
        if seq in set(stops["seq"]):
            expected.append(f"stop {seq}")
    assert _timeline(out) == expected
    assert out.startswith(f"{HANOI}  Kim Jong Un, Chairman of the State Affairs Commission")
    # the crossing into Vietnam names its crossing point and the time of arrival is in UTC
    assert "CHN → VNM at Dong Dang-Pingxiang rail border crossing on 2019-02-26 by rail" in out
    assert "2019-02-26T01:15Z" in out
    for vehicle in legs["vehicle"].dropna():
        assert vehicle in out


def test_every_source_cited_for_the_trip_is_listed_once(
    curated: dict[str, pd.DataFrame],
) -> None:
    text = render_itinerary(curated, HANOI)
    ids = {HANOI}
    for table, key in (
        ("stops", "stop_id"),
        ("legs", "leg_id"),
        ("border_crossings", "crossing_id"),
    ):
        ids |= set(_of(curated[table], HANOI)[key])
    cited = curated["citations"]
    wanted = set(cited.loc[cited["record_id"].isin(ids), "source_id"])
    listed = re.findall(r"\{([a-z0-9-]+)\}", text.split("\nSources\n")[1])
    assert len(listed) == len(set(listed))
    assert wanted <= set(listed)
    sources = curated["sources"].set_index("source_id")
    for source_id in wanted:
        assert str(sources.loc[source_id, "publisher"]) in text


def test_flags_and_unknowns_are_visible(curated: dict[str, pd.DataFrame]) -> None:
    text = render_itinerary(curated, PANMUNJOM_2018)
    inferred = _of(curated["legs"], PANMUNJOM_2018)
    inferred = inferred[inferred["mode_inferred"]]
    assert len(inferred) == 1
    (line,) = [ln for ln in text.splitlines() if ln.startswith(f"  leg {inferred['seq'].iloc[0]} ")]
    assert "road (mode inferred)" in line and "[low]" in line
    # a leg home whose end inside North Korea is not known
    vladivostok = render_itinerary(curated, "kim-jong-un-2019-04-24")
    assert "Khasan (RUS) → somewhere (PRK)" in vladivostok
    assert "crossing 2: RUS → PRK at Korea-Russia Friendship Bridge (Tumangang-Khasan) on ?" in (
        vladivostok
    )


def test_unknown_trip_is_one_line_with_a_suggestion(
    repo_root: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["itinerary", "kim-jong-un-2019-04-25", "--root", str(repo_root)]) == 1
    assert capsys.readouterr().out == ""
    (message,) = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert message.startswith("error: no trip 'kim-jong-un-2019-04-25' in the curated data")
    assert "did you mean kim-jong-un-2019-04-24" in message


def test_a_checkout_without_a_data_package_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    assert main(["itinerary", HANOI, "--root", str(tmp_path)]) == 1
    assert capsys.readouterr().out == ""
    (message,) = [r.getMessage() for r in caplog.records if r.levelname == "ERROR"]
    assert message.startswith("error: ") and "datapackage.json" in message


def test_release_mode_reads_the_trip_through_the_loader(
    repo_root: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import leadertravel as lt

    sys.path.insert(0, str(repo_root / "benchmarks"))
    try:
        from synthetic import build_synthetic_release
    finally:
        sys.path.remove(str(repo_root / "benchmarks"))
    for var in ("LEADERTRAVEL_SOURCE", "LEADERTRAVEL_OFFLINE"):
        monkeypatch.delenv(var, raising=False)
    releases = tmp_path / "releases"
    build_synthetic_release(releases, 60, seed=3)
    options = {"source": str(releases), "cache_dir": str(tmp_path / "cache")}
    stops = lt.load("stops", **options)
    trip_id = str(stops["trip_id"].value_counts().index[0])  # a trip with the most stops
    argv = ["itinerary", trip_id, "--release", "latest", "--source", str(releases)]
    assert main([*argv, "--cache-dir", options["cache_dir"]]) == 0
    out = capsys.readouterr().out
    legs = lt.load("legs", filters=[("trip_id", "==", trip_id)], **options)
    n_stops = int((stops["trip_id"] == trip_id).sum())
    timeline = _timeline(out)
    assert [t for t in timeline if t.startswith("stop")] == [
        f"stop {i + 1}" for i in range(n_stops)
    ]
    assert [t for t in timeline if t.startswith("leg")] == [
        f"leg {i + 1}" for i in range(len(legs))
    ]
    assert main([*argv[:1], "no-such-trip", *argv[2:], "--cache-dir", options["cache_dir"]]) == 1
