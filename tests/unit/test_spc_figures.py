"""Control charts: the plotted points, centre line and limits are the XmR chart's, and a simulated
series is never judged a concern or an improvement."""

from __future__ import annotations

import numpy as np

from discharge_sim.analysis.spc import xmr
from discharge_sim.present.spc_figures import (
    COMMON,
    CONCERN,
    IMPROVEMENT,
    NEITHER_WAY,
    ControlPanel,
    control_figure,
    special_colours,
)

SERIES = np.array([10.0, 11.0] * 10 + [30.0, 2.0] + [10.0, 11.0] * 10)


def test_the_chart_draws_the_values_mean_and_limits():
    chart = xmr(SERIES)
    days = np.arange(SERIES.size) + 40
    fig = control_figure([ControlPanel("NCTR", days, chart, "lower", "observed")], "t")
    ax = fig.axes[0]
    lines = {line.get_gid(): line for line in ax.lines}
    assert np.array_equal(lines["xmr-values"].get_ydata(), SERIES)
    assert np.array_equal(lines["xmr-values"].get_xdata(), days)
    assert lines["xmr-mean"].get_ydata()[0] == chart.mean
    assert lines["xmr-upper"].get_ydata()[0] == chart.upper
    assert lines["xmr-lower"].get_ydata()[0] == chart.lower


def test_observed_special_causes_are_judged_by_which_way_is_better_and_simulated_ones_never():
    chart = xmr(SERIES)
    high, low = 20, 21  # 30 is above the limits, 2 below
    assert chart.flags["outside_limits"][[high, low]].all()
    observed = special_colours(ControlPanel("NCTR", np.arange(SERIES.size), chart, "lower", "observed"))
    assert observed[high] == CONCERN and observed[low] == IMPROVEMENT
    higher = special_colours(ControlPanel("discharges", np.arange(SERIES.size), chart, "higher", "observed"))
    assert higher[high] == IMPROVEMENT and higher[low] == CONCERN
    simulated = special_colours(ControlPanel("NCTR", np.arange(SERIES.size), chart, "lower", "simulated"))
    assert simulated[high] == simulated[low] == NEITHER_WAY
    assert set(simulated[~chart.special]) == {COMMON}
