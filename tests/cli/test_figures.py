"""Figures show the numbers in the results tables: read back from the matplotlib objects.
(The results folders are written once, in tests/cli/conftest.py, which takes more than ten seconds:
hence slow. The plot command itself: tests/cli/test_plot_and_report.py.)"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from matplotlib.collections import LineCollection

from discharge_sim.analysis.attribution import MEASURE_LABELS
from discharge_sim.analysis.references import DELAY_BAND_REFERENCES
from discharge_sim.present import figures
from discharge_sim.present.charts import CAUSE_COLOURS, CAUSES, DPI
from discharge_sim.vocabulary import DELAY_BANDS
from tests.helpers import rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def folders(result_folders):
    return result_folders


def by_gid(ax, prefix):
    return [p for p in ax.patches if (p.get_gid() or "").startswith(prefix)]


def heights(ax, gid):
    return np.asarray([p.get_height() for p in ax.patches if p.get_gid() == gid])


def interval_of(ax):
    """(low, high) of every whisker of the errorbar labelled 'interval'."""
    for container in ax.containers:
        if getattr(container, "get_label", lambda: "")() == "95% interval":
            segments = next(c for c in container.lines[2] if isinstance(c, LineCollection)).get_segments()
            return [(min(s[:, 1]), max(s[:, 1])) for s in segments]
    raise AssertionError("no interval whiskers")


def test_causes_bars_are_the_summary_means_with_their_intervals(folders):
    r = figures.ResultsFolder(folders["compare"])
    fig, _, _ = figures.causes(r)
    ax = fig.axes[0]
    summary = json.loads((folders["compare"] / "summary.json").read_text())
    for key, _, colour in CAUSES:
        bars = by_gid(ax, f"cause:{key}")
        expected = [summary["metrics"][label][f"delayed_bed_days_{key}"]["mean"] for label in summary["configs"]]
        assert np.allclose([b.get_height() for b in bars], expected, rtol=0, atol=1e-9)
        assert all(b.get_facecolor()[:3] == pytest.approx(tuple(int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)))
                   for b in bars)
    whiskers = interval_of(ax)
    for (low, high), label in zip(whiskers, summary["configs"], strict=True):
        total = summary["metrics"][label]["delayed_bed_days"]
        assert low == pytest.approx(total["ci_low"]) and high == pytest.approx(total["ci_high"])
    # The stack adds up to the total bed-days.
    tops = [b.get_y() + b.get_height() for b in by_gid(ax, "cause:other")]
    assert tops == pytest.approx([summary["metrics"][label]["delayed_bed_days"]["mean"] for label in summary["configs"]])


def test_occupancy_line_is_the_daily_mean_of_the_table(folders):
    fig, _, _ = figures.occupancy(figures.ResultsFolder(folders["run"]))
    ax = fig.axes[0]
    table = rows(folders["run"] / "occupancy.csv")
    days = sorted({int(r["day"]) for r in table})
    expected = [np.mean([float(r["beds_occupied"]) for r in table if int(r["day"]) == d]) for d in days]
    line = next(ln for ln in ax.lines if (ln.get_gid() or "").startswith("mean:"))
    assert np.allclose(line.get_ydata(), expected)
    capacity = next(ln for ln in ax.lines if ln.get_gid() == "capacity")
    assert set(capacity.get_ydata()) == {600}


def test_dtoc_bars_are_the_dtoc_table(folders):
    fig, _, _ = figures.dtoc(figures.ResultsFolder(folders["run"]))
    ax = fig.axes[0]
    table = [r for r in rows(folders["run"] / "dtoc.csv") if r["reason"] != "total"]
    for org in ("nhs", "social_care", "both"):
        assert np.allclose(heights(ax, f"org:{org}"), [float(r[f"{org}_days_per_month"]) for r in table])


def test_delay_length_bands_are_recomputed_from_the_patients(folders):
    folder = folders["run"]
    fig, _, caption = figures.delay_lengths(figures.ResultsFolder(folder))
    ax = fig.axes[0]
    manifest = json.loads((folder / "manifest.json").read_text())
    warmup_hours = manifest["config"]["run"]["warmup_days"] * 24
    days = [float(r["delay_days"]) for r in rows(folder / "patients.parquet")
            if r["departure_hours"] and float(r["departure_hours"]) >= warmup_hours and float(r["delay_days"]) >= 1]
    expected = [100 * np.mean([(a <= d <= b) for d in days]) for _, a, b in DELAY_BANDS]
    assert np.allclose(heights(ax, "bands:all pathways"), expected)
    reference = DELAY_BAND_REFERENCES["england_2024_25"]["bands"]  # the baseline asks for the overlay
    assert np.allclose(heights(ax, "bands:reference"), [100 * reference[label] for label, _, _ in DELAY_BANDS])
    assert "England 2024/25" in caption


def test_attribution_bars_are_the_attribution_summary(folders):
    """A panel per convention and measure: per side the recorded, alone and Shapley means; then the
    rest (recorded: unattributed plus necessary hours; Shapley: the residual; no removal of its own)."""
    folder = folders["attribute"]
    fig, _, _ = figures.attribution(figures.ResultsFolder(folder))
    doc = json.loads((folder / "attribution.json").read_text())
    panels = {ax.get_title(): ax for ax in fig.axes if ax.get_visible()}
    assert len(panels) == len(doc["conventions"]) * len(MEASURE_LABELS)
    for game in doc["conventions"]:
        for measure, label in MEASURE_LABELS.items():
            title = f"{game['convention']}: {label}"
            ax = panels[title]
            table = {row["side"]: row for row in game["measures"][measure]["rows"]}
            sides = game["players"]
            rest = table["unattributed"]["recorded"]["mean"] + table["necessary"]["recorded"]["mean"]
            assert np.allclose(heights(ax, f"measure:{title}:recorded"),
                               [table[s]["recorded"]["mean"] for s in sides] + [rest])
            assert np.allclose(heights(ax, f"measure:{title}:shapley"),
                               [table[s]["counterfactual"]["mean"] for s in sides] + [table["residual"]["counterfactual"]["mean"]])
            alone = heights(ax, f"measure:{title}:alone")
            assert np.allclose(alone[:-1], [table[s]["alone"]["mean"] for s in sides])
            assert math.isnan(alone[-1])  # the rest has no removal of its own


def test_sweep_lines_and_heat_map_are_the_point_means(folders):
    fig, _, _ = figures.sweep(figures.ResultsFolder(folders["sweep"]))
    points = rows(folders["sweep"] / "points.csv")
    line = next(ln for ln in fig.axes[0].lines if ln.get_gid() == "sweep:pools.nursing_home.places:delayed bed-days:")
    assert list(line.get_xdata()) == [560, 600]
    assert np.allclose(line.get_ydata(), [float(p["delayed_bed_days_mean"]) for p in points])
    folder = folders["sweep2"]
    points2 = rows(folder / "points.csv")
    fig, _, _ = figures.sweep(figures.ResultsFolder(folder))
    # Against each setting, one line per value of the other.
    for key, other, values in (("pools.nursing_home.places", "staff.pharmacists.count", [8, 10]),
                               ("staff.pharmacists.count", "pools.nursing_home.places", [560, 600])):
        for value in values:
            gid = f"sweep:{key}:emergency hours waiting for a bed:{'.'.join(other.split('.')[-2:])}={value}"
            line = next(ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == gid)
            mine = sorted((p for p in points2 if int(p[other]) == value), key=lambda p: int(p[key]))
            assert list(line.get_xdata()) == [int(p[key]) for p in mine]
            assert np.allclose(line.get_ydata(), [float(p["boarding_hours_mean"]) for p in mine])
    fig2, _, _ = figures.sweep_heatmap(figures.ResultsFolder(folder))
    image = next(im for im in fig2.axes[0].images if im.get_gid() == "heatmap")
    grid = np.asarray(image.get_array())
    for p in points2:
        i = [8, 10].index(int(p["staff.pharmacists.count"]))
        j = [560, 600].index(int(p["pools.nursing_home.places"]))
        assert grid[i, j] == pytest.approx(float(p["delayed_bed_days_mean"]))


def test_knock_on_bars_are_the_summary_means(folders):
    fig, _, _ = figures.knock_on(figures.ResultsFolder(folders["attribute"]))
    summary = json.loads((folders["attribute"] / "summary.json").read_text())
    variants = list(summary["metrics"])
    assert variants[0] == "as_configured" and len(variants) > 4  # every coalition of every convention
    assert np.allclose(heights(fig.axes[0], "knock_on:emergency hours waiting for a bed"),
                       [summary["metrics"][v]["boarding_hours"]["mean"] for v in variants])
    assert np.allclose(heights(fig.axes[1], "knock_on:cancelled elective admissions"),
                       [summary["metrics"][v]["cancelled_electives"]["mean"] for v in variants])


def test_each_timeline_bar_runs_from_ready_to_departure_in_ledger_colours(folders):
    folder = folders["run"]
    fig, _, _ = figures.timeline(figures.ResultsFolder(folder))
    ax = fig.axes[0]
    patients = {r["patient"]: r for r in rows(folder / "patients.parquet") if r["replication"] == "0"}
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert 2 <= len(labels) <= figures.TIMELINE_PATIENTS
    for i, label in enumerate(labels):
        patient = patients[label.split()[0].lstrip("#")]
        bars = by_gid(ax, f"segment:{i}:")
        assert min(b.get_x() for b in bars) == pytest.approx(0.0, abs=1e-9)
        delay = (float(patient["departure_hours"]) - float(patient["ready_hours"])) / 24
        assert sum(b.get_width() for b in bars) == pytest.approx(delay)
        for b in bars:
            cause = b.get_gid().split(":")[2]
            assert b.get_facecolor()[:3] == pytest.approx(
                tuple(int(CAUSE_COLOURS[cause][k:k + 2], 16) / 255 for k in (1, 3, 5)))


def test_every_listed_figure_is_written_as_png_and_pdf(folders):
    from PIL import Image

    for name, folder in folders.items():
        listed = json.loads((folder / "figures" / "figures.json").read_text())
        assert listed, name
        for entry in listed:
            for file in entry["files"]:
                assert (folder / "figures" / file).stat().st_size > 1000, (name, file)
            assert entry["caption"] and entry["title"]
        dpi = Image.open(folder / "figures" / f"{listed[0]['name']}.png").info["dpi"]
        assert dpi == pytest.approx((DPI, DPI), abs=0.5)
    names = {e["name"] for e in json.loads((folders["run"] / "figures" / "figures.json").read_text())}
    assert names == {"occupancy", "delay_causes", "dtoc_reasons", "delay_lengths", "knock_on", "patient_timeline"}
