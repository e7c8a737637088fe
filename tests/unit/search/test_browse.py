"""Month buckets and map grid cells: the arithmetic both index adapters share."""
from datetime import datetime

import numpy as np

from services.search.index.browse import cell_zoom, clusters, in_box, mercator, month_edges, month_of, months


def at(*args) -> float:
    return datetime(*args).timestamp()


def test_months_count_each_local_month_newest_first_across_a_year_end():
    times = np.sort(np.array([at(2019, 12, 31, 23, 59), at(2020, 1, 1, 0, 0), at(2020, 1, 31), at(2020, 3, 1)]))
    found = months(times)
    assert [(m.month, m.count) for m in found] == [("2020-03", 1), ("2020-01", 2), ("2019-12", 1)]
    assert (found[1].start, found[1].end) == (at(2020, 1, 1), at(2020, 2, 1))
    assert month_of(at(2019, 12, 31, 23, 59)) == "2019-12"
    assert month_edges(at(2026, 12, 5), at(2026, 12, 6)) == [("2026-12", at(2026, 12, 1)), ("2027-01", at(2027, 1, 1))]


def test_odd_file_times_fall_into_the_edge_months_instead_of_failing():
    found = months(np.array([-1e15, at(2000, 5, 5), 1e15]))
    assert sum(m.count for m in found) == 3


def test_cells_follow_web_mercator_and_a_box_across_the_antimeridian_takes_both_sides():
    x, y = mercator(np.array([0.0, 85.0511]), np.array([0.0, -180.0]))
    assert np.allclose(x, [0.5, 0.0]) and np.allclose(y, [0.5, 0.0], atol=1e-5)
    lat, lon = np.array([0.0, 0.0, 0.0]), np.array([175.0, -175.0, 0.0])
    assert in_box(lat, lon, 170, -10, 190, 10).tolist() == [True, True, False]
    assert in_box(lat, lon, -500, -10, 500, 10).all()
    assert cell_zoom(-180, -85, 180, 85, 18) == 4 and cell_zoom(2.0, 48.0, 2.5, 48.5, 12) == 12


def test_clusters_are_per_cell_with_their_mean_and_first_point_biggest_first():
    lat = np.array([48.85, 48.86, 25.77, 48.851])
    lon = np.array([2.35, 2.36, -80.19, 2.351])
    found = clusters(lat, lon, *mercator(lat, lon), 3)
    assert [(c.count, c.first) for c in found] == [(3, 0), (1, 2)]
    assert abs(found[0].lat - 48.8537) < 1e-3
    assert [c.count for c in clusters(lat, lon, *mercator(lat, lon), 18)] == [1, 1, 1, 1]



def test_month_day_is_the_local_date_of_a_sort_time():
    from services.search.index.browse import month_day

    assert month_day(at(2024, 2, 29, 0, 0)) == 229 and month_day(at(2024, 2, 28, 23, 59, 59)) == 228
    assert month_day(at(1850, 12, 31, 12)) == 1231 and month_day(-1e12) == 101  # odd times clamped to 1800
