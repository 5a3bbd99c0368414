"""Satellite orbits and clocks: broadcast ephemerides and precise products."""
