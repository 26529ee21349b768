"""Optional dependencies of the plotting functions, imported only when a plot is made."""

from __future__ import annotations

import importlib
from types import ModuleType

from leadertravel._errors import MissingDependency

__all__ = ["INSTALL_HINT", "require"]

INSTALL_HINT = "pip install 'leadertravel[plot]'"


def require(module: str, *, feature: str) -> ModuleType:
    """Import ``module`` or raise `MissingDependency` naming the extra that provides it.

    Parameters
    ----------
    module
        The module to import, e.g. ``"matplotlib"``.
    feature
        What needs it, for the message (e.g. ``"plot_trip"``).

    Examples
    --------
    >>> require("json", feature="a test").__name__
    'json'
    >>> require("no_such_module_xyz", feature="plot_trip")
    Traceback (most recent call last):
    ...
    leadertravel._errors.MissingDependency: plot_trip needs the optional module \
'no_such_module_xyz', which is not installed; install the plotting extra: \
pip install 'leadertravel[plot]'
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as err:
        msg = (
            f"{feature} needs the optional module {err.name or module!r}, which is not installed; "
            f"install the plotting extra: {INSTALL_HINT}"
        )
        raise MissingDependency(msg, name=module) from err
