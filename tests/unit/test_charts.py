"""Chart details drawn from made-up data, read back from the matplotlib objects (the figures of
real results folders: tests/cli/test_figures.py)."""

from __future__ import annotations

import numpy as np
from matplotlib.collections import PolyCollection

from discharge_sim.present.charts import dtoc_figure, occupancy_figure


def test_several_occupancy_bands_are_shaded_lightly():
    days = np.arange(10.0)
    series = [(name, days, days + 50, days + 40 - 5 * i, days + 60 + 5 * i) for i, name in enumerate("abc")]
    for drawn, most in ((series, 0.15), (series[:1], 0.25)):
        ax = occupancy_figure(drawn, 100, 2, "t").axes[0]
        bands = [c for c in ax.collections if isinstance(c, PolyCollection) and (c.get_gid() or "").startswith("band:")]
        assert len(bands) == len(drawn) and all(b.get_alpha() <= most for b in bands)


def test_a_stack_with_an_empty_top_layer_leaves_room_above_the_tallest_bar():
    ax = dtoc_figure(["A", "B"], {"nhs": [10.0, 300.0], "social_care": [5.0, 80.0], "both": [0.0, 0.0]}, "t").axes[0]
    bottom, top = ax.get_ylim()
    assert top >= 380 + 0.05 * (top - bottom)


def test_daily_demand_is_in_use_plus_waiting_against_the_places():
    from discharge_sim.present.charts import demand_figure

    days = np.arange(10, 20)
    in_use = np.array([5, 6, 7, 8, 8, 8, 8, 7, 6, 5], dtype=float)
    waiting = np.array([0, 0, 0, 1, 3, 2, 0, 0, 0, 0], dtype=float)
    fig = demand_figure(days, [("care home", 8.0, in_use, waiting), ("home care", 20.0, in_use * 2, waiting * 0)],
                        "t")
    first, second = (ax for ax in fig.axes if ax.get_visible())
    lines = {line.get_gid(): line for line in first.lines}
    assert np.array_equal(lines["demand-total"].get_xdata(), days)
    assert np.array_equal(lines["demand-total"].get_ydata(), in_use + waiting)
    assert np.array_equal(lines["demand-in-use"].get_ydata(), in_use)
    assert set(lines["demand-places"].get_ydata()) == {8.0}
    assert first.get_ylim()[1] > 11.0  # room above the highest demand
    assert {line.get_gid(): line for line in second.lines}["demand-places"].get_ydata()[0] == 20.0
    assert first.get_title(loc="left") == "care home"
