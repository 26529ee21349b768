"""Shared by the benchmark scripts: paired measurements, figures with targets, verdicts.

A `Figure` is one measured quantity and its target: a ratio (ours ÷ a baseline measured
in the same run, pair by pair, the two sides alternating which runs first, so a drift of
the shared machine hits both alike) or an absolute value (seconds, GB). It prints min /
median / max over its runs, the target with its tolerance next to it, and a verdict on
the median, which one disturbed run cannot move:

``met``
    the median is within the target;
``met within tolerance``
    the median misses the target by no more than the stated tolerance (the spread of
    medians on this machine when nothing changed);
``MISSED``
    beyond that;
``not judged``
    a reason is printed instead (e.g. wall time while the machine is overloaded).

Scripts build figures and call `report`; ``run.py`` (``make bench``) sets
``LEADERTRAVEL_BENCH_RESULTS`` to a file where `report` also appends each figure as a
JSON line, and prints every script's figures in one table at the end. Any script can take
part: nothing here knows which figures exist.

    >>> f = Figure("warm load ÷ read", [1.02, 0.98, 1.31], target=1.10, tolerance=0.03)
    >>> f.verdict()
    'met'
    >>> Figure("x", [1.12], target=1.10, tolerance=0.03).verdict()
    'met within tolerance'
    >>> Figure("speed-up", [1.2], target=1.25, tolerance=0.0, at_least=True).verdict()
    'MISSED'
"""

from __future__ import annotations

import json
import os
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Figure", "load_note", "paired", "ratios", "report", "rounds", "summary"]

RESULTS_ENV = "LEADERTRAVEL_BENCH_RESULTS"
MET, WITHIN, MISSED, NOT_JUDGED = "met", "met within tolerance", "MISSED", "not judged"
RATIO = "\N{MULTIPLICATION SIGN}"


@dataclass
class Figure:
    """One benchmark figure: its runs, its target and how its verdict is reached.

    ``values`` are ratios (``unit=RATIO``) or absolute values in ``unit``; ``at_least``
    makes the target a minimum; ``skip`` (a reason) leaves the figure unjudged.
    """

    label: str
    values: list[float]
    target: float
    tolerance: float
    unit: str = RATIO
    at_least: bool = False
    note: str = ""
    skip: str = ""
    group: str = ""
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def verdict(self) -> str:
        """``met``, ``met within tolerance``, ``MISSED`` or ``not judged`` (see the module)."""
        if self.skip or not self.values:
            return NOT_JUDGED
        over = self.target - self.median if self.at_least else self.median - self.target
        if over <= 0:
            return MET
        return WITHIN if over <= self.tolerance + 1e-12 else MISSED

    def target_text(self) -> str:
        sign = "≥" if self.at_least else "≤"
        return f"{sign} {_num(self.target, self.unit)} ± {_num(self.tolerance, self.unit)}"

    def line(self) -> str:
        """One printed line: label, min / median / max (n), target ± tolerance, verdict."""
        if not self.values:
            spread = "no runs"
        else:
            lo, hi = min(self.values), max(self.values)
            spread = (
                f"min {_num(lo, self.unit)} median {_num(self.median, self.unit)} max "
                f"{_num(hi, self.unit)} (n={len(self.values)})"
            )
        verdict = self.verdict()
        why = f" ({self.skip})" if verdict == NOT_JUDGED and self.skip else ""
        note = f"  [{self.note}]" if self.note else ""
        return f"{self.label:58s} {spread:52s} target {self.target_text():16s} {verdict}{why}{note}"


def _num(value: float, unit: str) -> str:
    if unit == RATIO:
        return f"{value:.2f}"
    return f"{value:.1f} {unit}" if abs(value) >= 10 else f"{value:.2f} {unit}"


def rounds(
    functions: dict[str, Callable[[], Any]], repeat: int, *, warmup: int = 1, best_of: int = 1
) -> dict[str, list[float]]:
    """Time each function ``repeat`` rounds, rotating which runs first.

    Returns each function's times in seconds, round by round, so ratios can be taken
    within a round (the same moment of the machine). With ``best_of`` k, a round runs
    every function k times, forth and back (A B B A …), and keeps each one's fastest:
    other processes only ever add time, so the fastest of a round is its least disturbed.
    ``warmup`` unmeasured rounds run first (caches, lazy imports).
    """
    names = list(functions)
    for _ in range(warmup):
        for name in names:
            functions[name]()
    times: dict[str, list[float]] = {name: [] for name in names}
    for i in range(repeat):
        shift = i % len(names)
        order = names[shift:] + names[:shift]
        best = dict.fromkeys(names, float("inf"))
        for k in range(best_of):
            for name in order if k % 2 == 0 else order[::-1]:
                start = time.perf_counter()
                functions[name]()
                best[name] = min(best[name], time.perf_counter() - start)
        for name in names:
            times[name].append(best[name])
    return times


def ratios(times: dict[str, list[float]], ours: str, base: str) -> list[float]:
    """Per-round ratios ``ours`` ÷ ``base`` of `rounds` times."""
    return [a / b for a, b in zip(times[ours], times[base], strict=True)]


def paired(
    ours: Callable[[], Any],
    base: Callable[[], Any],
    repeat: int,
    *,
    warmup: int = 1,
    best_of: int = 1,
) -> list[float]:
    """Per-pair ratios ours ÷ base of ``repeat`` alternating pairs (see `rounds`)."""
    times = rounds({"ours": ours, "base": base}, repeat, warmup=warmup, best_of=best_of)
    return ratios(times, "ours", "base")


def load_note() -> str:
    """The machine's load, to print next to figures (2 cores shared by several people)."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def report(figures: Iterable[Figure], *, title: str = "") -> int:
    """Print figures (and append them to ``$LEADERTRAVEL_BENCH_RESULTS``); count misses."""
    figures = list(figures)
    if title:
        print(f"\n{title} — {load_note()}")
    for figure in figures:
        print(figure.line(), flush=True)
    path = os.environ.get(RESULTS_ENV)
    if path:
        with Path(path).open("a", encoding="utf-8") as out:
            for figure in figures:
                record = asdict(figure) | {"verdict": figure.verdict()}
                out.write(json.dumps(record) + "\n")
    return sum(f.verdict() == MISSED for f in figures)


def summary(path: str) -> int:
    """Print the figures recorded in ``path`` as one table; return how many were missed."""
    figures = []
    with Path(path).open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            record.pop("verdict", None)
            figures.append(Figure(**record))
    print(f"\n=== summary: {len(figures)} figures — {load_note()}")
    for figure in figures:
        print(figure.line())
    counts = {v: sum(f.verdict() == v for f in figures) for v in (MET, WITHIN, MISSED, NOT_JUDGED)}
    print(", ".join(f"{n} {v}" for v, n in counts.items()))
    return counts[MISSED]
