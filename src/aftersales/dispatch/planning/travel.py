"""Travel distances and times between locations, behind one interface.

A ``TravelTimeMatrix`` turns a list of locations into two square matrices: kilometres and
minutes, ``[i][j]`` from ``locations[i]`` to ``locations[j]``. The default estimates them from
coordinates; a road-network service (OSRM, a map vendor's matrix API, a cached table) can be
plugged in later by implementing :meth:`TravelTimeMatrix.matrices`. Matrices may be asymmetric;
the diagonal must be zero and every value finite and non-negative.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .model import Location

EARTH_RADIUS_KM = 6371.0088


class TravelTimeMatrix:
    """Interface: ``matrices(locations) -> (km, minutes)``, two float arrays of shape (n, n)."""

    def matrices(self, locations: Sequence[Location]) -> tuple[np.ndarray, np.ndarray]:
        raise NotImplementedError

    def between(self, a: Location, b: Location) -> tuple[float, float]:
        """(km, minutes) from ``a`` to ``b``: for explanations and single checks."""
        km, minutes = self.matrices([a, b])
        return float(km[0, 1]), float(minutes[0, 1])


class GreatCircleTravel(TravelTimeMatrix):
    """Haversine distance × ``road_factor``, driven at ``speed_kmh`` (city default 30 km/h)."""

    def __init__(self, speed_kmh: float = 30.0, road_factor: float = 1.3):
        if speed_kmh <= 0 or road_factor < 1:
            raise ValueError("speed must be positive and the road factor at least 1")
        self.speed_kmh = speed_kmh
        self.road_factor = road_factor

    def matrices(self, locations: Sequence[Location]) -> tuple[np.ndarray, np.ndarray]:
        lat = np.radians(np.fromiter((p.lat for p in locations), float, len(locations)))
        lon = np.radians(np.fromiter((p.lon for p in locations), float, len(locations)))
        dlat = lat[:, None] - lat[None, :]
        dlon = lon[:, None] - lon[None, :]
        h = (
            np.sin(dlat / 2) ** 2
            + np.cos(lat)[:, None] * np.cos(lat)[None, :] * np.sin(dlon / 2) ** 2
        )
        km = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0))) * self.road_factor
        np.fill_diagonal(km, 0.0)
        return km, km / self.speed_kmh * 60.0


class EuclideanTravel(TravelTimeMatrix):
    """Straight-line distance on planar ``x``/``y`` (benchmarks); ``speed`` units per minute.

    With the default speed 1, travel time equals distance, as in Solomon's instances.
    """

    def __init__(self, speed: float = 1.0):
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.speed = speed

    def matrices(self, locations: Sequence[Location]) -> tuple[np.ndarray, np.ndarray]:
        xy = np.array([(p.x, p.y) for p in locations], dtype=float).reshape(-1, 2)
        diff = xy[:, None, :] - xy[None, :, :]
        dist = np.sqrt((diff**2).sum(axis=2))
        return dist, dist / self.speed


class MatrixTravel(TravelTimeMatrix):
    """Precomputed matrices keyed by location (a road-network table, or tests).

    ``table[(a, b)] = (km, minutes)``; a missing pair falls back to ``fallback`` if given.
    """

    def __init__(
        self,
        table: dict[tuple[Location, Location], tuple[float, float]],
        fallback: TravelTimeMatrix | None = None,
    ):
        self.table = table
        self.fallback = fallback

    def matrices(self, locations: Sequence[Location]) -> tuple[np.ndarray, np.ndarray]:
        n = len(locations)
        if self.fallback is not None:
            km, minutes = (m.copy() for m in self.fallback.matrices(locations))
        else:
            km, minutes = np.zeros((n, n)), np.zeros((n, n))
        for i, a in enumerate(locations):
            for j, b in enumerate(locations):
                if i == j or a == b:
                    km[i, j] = minutes[i, j] = 0.0
                elif (a, b) in self.table:
                    km[i, j], minutes[i, j] = self.table[(a, b)]
                elif self.fallback is None:
                    raise KeyError(f"no travel time from {a} to {b}")
        return km, minutes
