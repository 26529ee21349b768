"""Itinerary maps and overview plots (the ``plot`` extra); nothing here imports it early."""

from __future__ import annotations

from leadertravel._plot._api import plot_trip, plot_trips_per_year, plot_world, trip_html

__all__ = ["plot_trip", "plot_trips_per_year", "plot_world", "trip_html"]
