"""Regenerate data/reference/countries.csv from the pinned pycountry (``make countries``)."""

from __future__ import annotations

import logging

from leadertravel.build._paths import project_root
from leadertravel.build.countries import write_countries


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = write_countries(project_root())
    logging.getLogger("leadertravel").info("wrote %s", out)


if __name__ == "__main__":
    main()
