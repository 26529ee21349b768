"""``python -m leadertravel`` runs the command line."""

from leadertravel._cli import main

raise SystemExit(main())
