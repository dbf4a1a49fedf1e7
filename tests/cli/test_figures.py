"""Figures show the numbers in the results tables: read back from the matplotlib objects.
(The results folders are written once, in tests/cli/conftest.py, which takes more than ten seconds:
hence slow. The plot command itself: tests/cli/test_plot_and_report.py.)"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_hex
from matplotlib.patches import Rectangle

from discharge_sim.analysis.attribution import MEASURE_LABELS
from discharge_sim.analysis.references import DELAY_BAND_REFERENCES
from discharge_sim.present import figures
from discharge_sim.present.charts import CAUSE_COLOURS, CAUSES, DPI
from discharge_sim.present.labels import setting_label, setting_value
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
        assert low == pytest.approx(max(total["ci_low"], 0.0)) and high == pytest.approx(total["ci_high"])
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
    # Against each setting, one line per value of the other, shifted sideways by less than a fifth of the gap.
    for key, other, values in (("pools.nursing_home.places", "staff.pharmacists.count", [8, 10]),
                               ("staff.pharmacists.count", "pools.nursing_home.places", [560, 600])):
        for value in values:
            gid = f"sweep:{key}:emergency hours waiting for a bed:{setting_value(other, value)}"
            line = next(ln for ax in fig.axes for ln in ax.lines if ln.get_gid() == gid)
            mine = sorted((p for p in points2 if int(p[other]) == value), key=lambda p: int(p[key]))
            swept = [int(p[key]) for p in mine]
            assert np.allclose(line.get_xdata(), swept, rtol=0, atol=0.2 * (swept[1] - swept[0]))
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


def highest_drawn(ax):
    """The top of the tallest bar or whisker of an axis."""
    tops = [max(p.get_y(), p.get_y() + p.get_height()) for p in ax.patches
            if isinstance(p, Rectangle) and np.isfinite(p.get_height())]
    tops += [s[:, 1].max() for c in ax.collections if isinstance(c, LineCollection) for s in c.get_segments()]
    return max(tops)


def test_no_bar_or_whisker_touches_the_frame(folders):
    """Room above the tallest bar or whisker of every bar chart (the tallest DToC bar touched the
    frame), and around every scenario of the policy panels."""
    run, compare, attribute = (figures.ResultsFolder(folders[k]) for k in ("run", "compare", "attribute"))
    made = [figures.dtoc(run), figures.delay_lengths(run), figures.causes(compare), figures.knock_on(compare),
            figures.knock_on(attribute), figures.attribution(attribute)]
    checked = 0
    for fig, title, _ in made:
        for ax in fig.axes:
            if ax.get_visible() and any(isinstance(p, Rectangle) for p in ax.patches):
                bottom, top = ax.get_ylim()
                assert top - highest_drawn(ax) >= 0.05 * (top - bottom), (title, ax.get_title(), ax.get_ylabel())
                checked += 1
    assert checked == 1 + 1 + 1 + 2 + 2 + 6
    fig, _, _ = figures.policy(compare)
    for ax in fig.axes:
        if ax.get_visible():
            ys = [y for line in ax.lines if (line.get_gid() or "").startswith("policy:") for y in line.get_ydata()]
            bottom, top = ax.get_ylim()
            assert min(ys) - bottom >= 0.05 * (top - bottom) and top - max(ys) >= 0.05 * (top - bottom)


def test_sweep_whiskers_are_the_intervals_cut_at_zero_a_colour_a_line(folders):
    """Each point's 95% interval as a whisker in its line's colour, not overlapping shaded bands; the
    amounts' intervals, which a t-interval of two replications takes below zero, cut at 0."""
    folder = folders["sweep2"]
    points = rows(folder / "points.csv")
    assert any(float(p["boarding_hours_ci_low"]) < 0 for p in points)  # so the cut is tested
    fig, _, _ = figures.sweep(figures.ResultsFolder(folder))
    assert not [c for ax in fig.axes for c in ax.collections if isinstance(c, PolyCollection)]
    columns = {"delayed bed-days": "delayed_bed_days", "emergency hours waiting for a bed": "boarding_hours"}
    for ax in fig.axes:
        lines = [ln for ln in ax.lines if (ln.get_gid() or "").startswith("sweep:")
                 and not ln.get_gid().endswith(":interval")]
        assert len(lines) == 2 and len({to_hex(ln.get_color()) for ln in lines}) == 2
        for line in lines:
            _, key, metric, _ = line.get_gid().split(":", 3)
            column = columns[metric]
            whisker = next(c for c in ax.collections if c.get_gid() == f"{line.get_gid()}:interval")
            assert to_hex(whisker.get_color()[0]) == to_hex(line.get_color())
            swept = sorted({int(p[key]) for p in points})
            for x, mean, segment in zip(line.get_xdata(), line.get_ydata(), whisker.get_segments(), strict=True):
                at = min(swept, key=lambda v: abs(v - x))
                expected = {(max(float(p[f"{column}_ci_low"]), 0.0), float(p[f"{column}_ci_high"]))
                            for p in points if int(p[key]) == at and float(p[f"{column}_mean"]) == pytest.approx(mean)}
                low, high = segment[:, 1].min(), segment[:, 1].max()
                assert low >= 0 and any(low == pytest.approx(a) and high == pytest.approx(b) for a, b in expected)


def test_settings_are_named_in_words_with_their_keys_in_the_caption(folders):
    r = figures.ResultsFolder(folders["sweep2"])
    places, pharmacists = "Nursing home: places", "Staff team pharmacists: count"
    fig, title, caption = figures.sweep(r)
    assert [ax.get_xlabel() for ax in fig.axes] == [places, places, pharmacists, pharmacists]
    legends = {t.get_text() for ax in fig.axes for t in ax.get_legend().get_texts()}
    assert legends == {f"{pharmacists} = 8", f"{pharmacists} = 10", f"{places} = 560", f"{places} = 600"}
    heat, heat_title, heat_caption = figures.sweep_heatmap(r)
    assert (heat.axes[0].get_xlabel(), heat.axes[0].get_ylabel()) == (places, pharmacists)
    texts = [title, heat_title, *legends]
    for make in (figures.causes, figures.knock_on):
        bars, bars_title, bars_caption = make(r)
        ticks = [t.get_text() for t in bars.axes[0].get_xticklabels()]
        assert ticks[0] == f"point 0\n{places} = 560\n{pharmacists} = 8"
        texts += [bars_title, *ticks]
        assert "pools.nursing_home.places" in bars_caption
    assert not [t for t in texts if "pools." in t or "staff." in t]
    for text in (caption, heat_caption):  # the keys, for whoever looks the setting up
        assert "pools.nursing_home.places" in text and "staff.pharmacists.count" in text
    assert setting_label("steps.home_support.search.mean_days") == "Home support step: search, mean (days)"


def test_each_policy_panel_gives_a_scenario_the_same_colour(folders):
    """A scenario's colour is the same in every panel (and its knock-on bar's colour); the scenarios'
    colours differ."""
    r = figures.ResultsFolder(folders["compare"])
    fig, _, _ = figures.policy(r)
    panels = [ax for ax in fig.axes if ax.get_visible()]
    at = {round(y): t.get_text() for y, t in zip(panels[0].get_yticks(), panels[0].get_yticklabels(), strict=True)}
    colours = {name: [] for name in r.summary["configs"][1:]}
    for ax in panels:
        for line in ax.lines:
            if (line.get_gid() or "").startswith("policy:"):
                for y in line.get_ydata():
                    colours[at[round(y)]].append(to_hex(line.get_markerfacecolor()))
    assert len(panels) >= 3 and all(len(c) >= len(panels) for c in colours.values())
    assert all(len(set(c)) == 1 for c in colours.values())
    assert len({c[0] for c in colours.values()}) == len(colours)
    knock_on, _, _ = figures.knock_on(r)
    bars = dict(zip(r.summary["configs"], by_gid(knock_on.axes[0], "knock_on:"), strict=True))
    assert all(to_hex(bars[name].get_facecolor()) == c[0] for name, c in colours.items())


def test_delay_length_legend_gives_the_delayed_discharges_a_replication(folders):
    """n in the legend is per replication (the mean over them), not pooled over replications."""
    folder = folders["run"]
    fig, _, caption = figures.delay_lengths(figures.ResultsFolder(folder))
    warmup_hours = json.loads((folder / "manifest.json").read_text())["config"]["run"]["warmup_days"] * 24
    table = rows(folder / "patients.parquet")
    replications = len({p["replication"] for p in table})
    delayed = [p for p in table if p["departure_hours"] and float(p["departure_hours"]) >= warmup_hours
               and float(p["delay_days"]) >= 1]
    legend = fig.axes[0].get_legend()
    shown = {t.get_text().split(": n = ")[0]: t.get_text() for t in legend.get_texts() if ": n = " in t.get_text()}
    expected = {"all pathways": len(delayed) / replications}
    for number, name in figures.PATHWAY_NAMES.items():
        mine = [p for p in delayed if int(float(p["pathway"])) == number]
        if mine:
            expected[name] = len(mine) / replications
    assert set(shown) == set(expected)
    for name, n in expected.items():
        text = shown[name]
        assert text.endswith(" a replication") and f"{len(delayed):,}" not in text
        assert float(text.split(": n = ")[1].split()[0].replace(",", "")) == pytest.approx(n, abs=0.5)
    assert replications == 2 and legend.get_title().get_text() == "n: mean of 2 replications"
    assert "a replication" in caption


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
