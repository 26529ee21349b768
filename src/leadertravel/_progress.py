"""Download progress: a rich progress bar when interactive, nothing otherwise.

rich is optional (``pip install leadertravel[progress]``); it is imported only when a bar
is actually shown, so ``import leadertravel`` never loads it.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

__all__ = ["progress_bar", "wants_progress"]

Advance = Callable[[int], None]


def _ignore(_: int) -> None:
    return None


def wants_progress(progress: bool | None) -> bool:
    """Return whether to draw a bar: ``progress`` if given, else whether stderr is a terminal.

    Examples
    --------
    >>> wants_progress(False)
    False
    """
    if progress is not None:
        return progress
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def progress_bar(label: str, total: int | None, *, enabled: bool | None) -> Iterator[Advance]:
    """Yield a function that advances a progress bar by a number of bytes.

    Parameters
    ----------
    label
        What is being downloaded.
    total
        Expected number of bytes, if known.
    enabled
        ``True``/``False`` to force the bar on or off; ``None`` shows it only when stderr
        is a terminal. Without rich installed no bar is drawn.

    Examples
    --------
    >>> with progress_bar("trips.parquet", 10, enabled=False) as advance:
    ...     advance(10)
    """
    if not wants_progress(enabled):
        yield _ignore
        return
    try:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            DownloadColumn,
            Progress,
            TransferSpeedColumn,
        )
    except ImportError:
        yield _ignore
        return
    columns = (
        "[progress.description]{task.description}",
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(label, total=total)

        def advance(n: int) -> None:
            bar.advance(task, n)

        yield advance
