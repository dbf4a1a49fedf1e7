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
