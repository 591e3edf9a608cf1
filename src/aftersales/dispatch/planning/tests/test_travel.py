"""Travel matrices: great-circle × road factor, Euclidean, and a precomputed table."""

from __future__ import annotations

import numpy as np
import pytest

from aftersales.dispatch.planning.model import Location
from aftersales.dispatch.planning.travel import (
    EuclideanTravel,
    GreatCircleTravel,
    MatrixTravel,
    TravelTimeMatrix,
)

PEOPLES_SQUARE = Location(31.2304, 121.4737)
LUJIAZUI = Location(31.2397, 121.4998)
HONGQIAO_AIRPORT = Location(31.1979, 121.3363)


def test_one_degree_of_latitude_is_about_111_km_times_the_road_factor():
    km, minutes = GreatCircleTravel(speed_kmh=30, road_factor=1.3).matrices(
        [Location(0, 0), Location(1, 0)]
    )
    assert km[0, 1] == pytest.approx(111.195 * 1.3, rel=1e-3)
    assert minutes[0, 1] == pytest.approx(km[0, 1] / 30 * 60)


def test_shanghai_distances_are_plausible_and_the_matrix_is_sane():
    travel = GreatCircleTravel()
    points = [PEOPLES_SQUARE, LUJIAZUI, HONGQIAO_AIRPORT]
    km, minutes = travel.matrices(points)
    assert km.shape == minutes.shape == (3, 3)
    assert np.all(np.diag(km) == 0) and np.all(np.diag(minutes) == 0)
    assert np.allclose(km, km.T)
    # People's Square to Lujiazui is about 2.6 km as the crow flies; Hongqiao about 13.5 km.
    assert 2.4 * 1.3 < km[0, 1] < 2.8 * 1.3
    assert 13 * 1.3 < km[0, 2] < 14 * 1.3
    # Triangle inequality holds for a constant factor.
    assert km[1, 2] <= km[1, 0] + km[0, 2] + 1e-9
    # Half an hour for 15 km at 30 km/h.
    assert travel.between(PEOPLES_SQUARE, HONGQIAO_AIRPORT)[1] == pytest.approx(km[0, 2] * 2)


def test_speed_and_road_factor_are_validated():
    with pytest.raises(ValueError):
        GreatCircleTravel(speed_kmh=0)
    with pytest.raises(ValueError):
        GreatCircleTravel(road_factor=0.9)
    with pytest.raises(ValueError):
        EuclideanTravel(speed=-1)


def test_euclidean_is_planar_and_speed_scales_time():
    km, minutes = EuclideanTravel(speed=0.5).matrices([Location.xy(0, 0), Location.xy(3, 4)])
    assert km[0, 1] == pytest.approx(5.0)
    assert minutes[0, 1] == pytest.approx(10.0)


def test_matrix_travel_uses_the_table_and_falls_back():
    a, b, c = Location.xy(0, 0), Location.xy(3, 4), Location.xy(6, 8)
    table = {(a, b): (7.0, 20.0)}
    km, minutes = MatrixTravel(table, fallback=EuclideanTravel()).matrices([a, b, c])
    assert (km[0, 1], minutes[0, 1]) == (7.0, 20.0)  # asymmetric: the road table wins
    assert km[1, 0] == pytest.approx(5.0)  # the fallback fills the rest
    assert km[0, 2] == pytest.approx(10.0)
    with pytest.raises(KeyError):
        MatrixTravel(table).matrices([a, b, c])


def test_the_interface_must_be_implemented():
    with pytest.raises(NotImplementedError):
        TravelTimeMatrix().matrices([PEOPLES_SQUARE])
