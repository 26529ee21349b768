"""The installed package's version, from its metadata (``version`` in pyproject.toml).

Read on first use, not at import (``importlib.metadata`` costs tens of milliseconds to
import and scan): ``leadertravel.__version__`` and the loader's ``User-Agent`` ask for it.
"""

from __future__ import annotations

import functools

__all__ = ["package_version"]


@functools.cache
def package_version() -> str:
    """Return the installed version of leadertravel (``0+unknown`` if not installed).

    Examples
    --------
    >>> import leadertravel
    >>> package_version() == leadertravel.__version__
    True
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("leadertravel")
    except PackageNotFoundError:  # pragma: no cover - a source tree that was never installed
        return "0+unknown"
