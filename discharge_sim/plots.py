"""Figures: data in, matplotlib figure out. Nothing here runs the model or reads files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
from matplotlib.figure import Figure


def warmup_figure(days: np.ndarray, series: Sequence[tuple[str, np.ndarray, float]],
                  suggested: float, configured: float, title: str) -> Figure:
    """One panel per daily series (label, values, its own MSER-5 truncation in days), with the
    suggested and configured warm-up marked."""
    fig = Figure(figsize=(9, 2.8 * len(series) + 0.6), layout="constrained")
    axes = fig.subplots(len(series), 1, sharex=True, squeeze=False)[:, 0]
    for ax, (label, values, truncation) in zip(axes, series):
        ax.plot(days, values, color="#1f4e79", linewidth=1.2, label="daily mean over replications")
        if days.size:
            kept = days >= suggested
            if kept.any():
                ax.axhline(float(np.mean(values[kept])), color="#888888", linewidth=0.8, linestyle=":",
                           label="mean after the suggested warm-up")
        ax.axvline(truncation, color="#c55a11", linewidth=1.0, linestyle="-.",
                   label=f"MSER-5 for this series ({truncation:g} d)")
        ax.axvline(suggested, color="#c00000", linewidth=1.5, label=f"suggested warm-up ({suggested:g} d)")
        ax.axvline(configured, color="#548235", linewidth=1.5, linestyle="--",
                   label=f"configured warm-up ({configured:g} d)")
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
    axes[-1].set_xlabel("day of simulation")
    fig.suptitle(title)
    return fig


def save_figure(fig: Figure, folder: Path, name: str) -> list[Path]:
    """Save as PNG (for screens) and PDF (for print) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{name}.png", folder / f"{name}.pdf"]
    fig.savefig(paths[0], dpi=150)
    fig.savefig(paths[1], metadata={"CreationDate": None, "ModDate": None})
    return paths
