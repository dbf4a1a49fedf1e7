"""The sensitivity and uncertainty figures, read back: bars in the colour of the side whose
assumption the setting is, largest on top, and each side drawn alike."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_hex

from discharge_sim.present.assumption_figures import distribution_figure, tornado_figure
from discharge_sim.present.charts import SIDE_COLOURS
from discharge_sim.present.labels import setting_label


def test_tornado_bars_take_the_colour_of_whose_assumption_the_setting_is():
    rows = [("steps.medicines.probability", 0.05, 0.04, 0.06, 0.05),
            ("steps.home_support.search.mean_days", 0.08, 0.07, 0.09, -0.08),
            ("steps.family_choice.probability", 0.01, 0.0, 0.02, 0.01)]
    sides = {"steps.medicines.probability": "hospital", "steps.home_support.search.mean_days": "social_care",
             "steps.family_choice.probability": "patient_family"}
    fig = tornado_figure([("hospital_share", rows), ("social_care_share", rows)], sides,
                         {"hospital": "hospital-internal", "social_care": "social care"}, "t")
    for ax in fig.axes:
        bars = [patch for patch in ax.patches if patch.get_gid() == "mu_star"]
        keys = ["steps.family_choice.probability", "steps.medicines.probability",
                "steps.home_support.search.mean_days"]  # largest mu* on top
        labels = [t.get_text() for t in ax.get_yticklabels()]
        assert labels == [setting_label(key) for key in keys]  # in words: "Medicines step: probability"
        assert labels[2] == "Home support step: search, mean (days)"
        widths = [b.get_width() for b in bars]
        assert widths == [0.01, 0.05, 0.08]
        colours = [to_hex(b.get_facecolor()) for b in bars]
        assert colours == [to_hex(SIDE_COLOURS[sides[key]]) for key in keys]
        marks = [t.get_text().strip() for t in ax.texts]
        assert marks == ["+", "+", "-"]


def test_the_split_figure_draws_both_sides_on_one_scale():
    rng = np.random.default_rng(0)
    a, b = rng.uniform(0.1, 0.3, 50), rng.uniform(0.4, 0.6, 50)
    fig = distribution_figure([("hospital-internal", a, a[:5], {"prior": (0.12, 0.28)}),
                               ("social care", b, b[:5], {"prior": (0.42, 0.58)})], "t")
    left, right = fig.axes
    assert left.get_xlim() == right.get_xlim()  # shared: the sides compare by eye
    assert "hospital-internal" in left.get_xlabel() and "social care" in right.get_xlabel()
