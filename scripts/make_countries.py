"""Regenerate data/reference/countries.csv from the pinned pycountry (``make countries``)."""

from __future__ import annotations

import logging

from leadertravel.pipeline.countries import write_countries
from leadertravel.pipeline.project import project_root


def main() -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = write_countries(project_root())
    logging.getLogger("leadertravel").info("wrote %s", out)


if __name__ == "__main__":
    main()
