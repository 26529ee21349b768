"""The benchmark harness (``benchmarks/harness.py``): verdicts, pairing, the summary.

``make bench`` is judged by these rules, so they are tested like code: a median within
the target is met, within the stated tolerance is "met within tolerance", beyond it
MISSED; one wild run cannot flip the verdict; the rounds rotate which side runs first.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

HARNESS = Path(__file__).resolve().parents[1] / "benchmarks" / "harness.py"


@pytest.fixture(scope="module")
def harness() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_harness", HARNESS)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_harness"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def test_verdicts_on_the_median(harness: ModuleType) -> None:
    figure = harness.Figure
    assert figure("a", [0.9, 1.0, 1.1], target=1.10, tolerance=0.05).verdict() == "met"
    # one disturbed run does not move the median
    assert figure("a", [1.0, 1.05, 9.0], target=1.10, tolerance=0.05).verdict() == "met"
    assert figure("a", [1.14], target=1.10, tolerance=0.05).verdict() == "met within tolerance"
    assert figure("a", [1.16], target=1.10, tolerance=0.05).verdict() == "MISSED"
    assert figure("a", [1.3], target=1.25, tolerance=0.0, at_least=True).verdict() == "met"
    assert figure("a", [1.2], target=1.25, tolerance=0.0, at_least=True).verdict() == "MISSED"
    skipped = figure("a", [30.0], target=20.0, tolerance=1.0, unit="s", skip="no target")
    assert skipped.verdict() == "not judged"
    line = figure("warm", [1.0, 2.0, 3.0], target=1.10, tolerance=0.05).line()
    assert "min 1.00 median 2.00 max 3.00 (n=3)" in line and "≤ 1.10 ± 0.05" in line


def test_rounds_rotate_the_order_and_pair_the_times(harness: ModuleType) -> None:
    calls: list[str] = []
    functions = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    times = harness.rounds(functions, 4, warmup=1)
    assert calls == ["a", "b", "a", "b", "b", "a", "a", "b", "b", "a"]
    assert [len(t) for t in times.values()] == [4, 4]
    ratios = harness.ratios(times, "a", "b")
    assert ratios == [a / b for a, b in zip(times["a"], times["b"], strict=True)]


def test_report_and_summary_round_trip(
    harness: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    results = tmp_path / "figures.jsonl"
    monkeypatch.setenv(harness.RESULTS_ENV, str(results))
    figures = [
        harness.Figure("ok", [1.0], target=1.1, tolerance=0.0),
        harness.Figure("slow", [2.0], target=1.1, tolerance=0.05, unit="s", note="n"),
    ]
    assert harness.report(figures, title="t") == 1
    assert harness.summary(str(results)) == 1
    out = capsys.readouterr().out
    assert "1 met, 0 met within tolerance, 1 MISSED, 0 not judged" in out
    assert out.count("slow") == 2 and "[n]" in out


def test_best_of_runs_forth_and_back_and_keeps_the_fastest(harness: ModuleType) -> None:
    calls: list[str] = []
    slow = iter([0.2, 0.0, 0.0, 0.0])

    def a() -> None:
        calls.append("a")
        harness.time.sleep(next(slow, 0.0))

    times = harness.rounds({"a": a, "b": lambda: calls.append("b")}, 1, warmup=0, best_of=2)
    assert calls == ["a", "b", "b", "a"]
    assert times["a"][0] < 0.1  # the disturbed first run is not the one kept
