"""Which varied settings a calibration's targets actually pin, and which only in combination.

A grid search always returns a best point, but a target such as mean occupied beds depends on
arrivals and length of stay only through their product (Little's law): every point on the ridge
``rate x stay = constant`` fits as well, and the value the search lands on is the noise's choice,
not the data's. This module says so, from the points already run.

Method. On the first round's points (the grid over each setting's full range, balanced, so that
linear slopes are clean) each target's mean is regressed by least squares on the settings, each
setting scaled to its declared range (0 at ``low``, 1 at ``high``). A slope is then the change in
the target across the setting's whole range; dividing each target's slopes by its tolerance gives
the sensitivity matrix ``J`` (targets x settings), in tolerances. The singular value decomposition
of ``J`` finds the directions in which the settings can move together: a direction is flat when
moving one range's length along it moves the targets by less than ``max(1, 0.1 x largest singular
value)`` tolerances, that is by less than one tolerance, or by less than a tenth of the best-pinned
direction; with more settings than targets, every direction beyond the rank is flat. Settings with
a loading of at least 0.3 in a flat direction are flagged: two or more together are not separately
identified (only a combination such as their product or ratio is pinned), one alone is not pinned.
A setting whose own column of ``J`` is under one tolerance in norm is not pinned whatever the
others do. When several directions are flat, the basis is rotated (varimax) so that each direction
leans on as few settings as possible; any unit direction in the flat span is as flat.

Limits. The slopes are a linear approximation over the whole range: a target that rises and falls
again across a range, or a setting that matters only near one end, can look flat, and a ridge that
curves is judged by its straight-line average. The means are estimates: with few replications a
truly flat direction can gain a slope of noise (common random numbers, every point run on the same
draws, keep that small but not nil), so a weakly pinned setting is worth a second look with more
replications. The verdict is about these targets over these ranges; a narrower range, or another
target, can pin what these do not.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from discharge_sim.experiments.calibration import Parameter, Target

FLAT_TOLERANCES = 1.0
"""A direction that moves the targets by less than this many tolerances across the range is flat."""
FLAT_SHARE = 0.1
"""... or by less than this share of the best-pinned direction's movement."""
LOADING = 0.3
"""A setting whose loading in a flat direction is at least this much is flagged."""

PINNED = "pinned"
NOT_PINNED = "not pinned"
NOT_SEPARATE = "not separately identified from"
NOT_JUDGED = "cannot be judged"

METHOD = ("least-squares linear slopes of each target's mean on the settings over the first round's grid, each "
          "setting scaled to its full range and each target divided by its tolerance (J, in tolerances per "
          f"range); SVD of J: a direction is flat when moving one range's length along it moves the targets by "
          f"less than max({FLAT_TOLERANCES:g}, {FLAT_SHARE:g} x the largest singular value) tolerances, and every "
          "direction beyond the rank is flat; settings loading at least "
          f"{LOADING:g} on a flat direction are flagged, two or more together as not separately identified, one "
          f"alone as not pinned; a setting whose column of J is under {FLAT_TOLERANCES:g} tolerance is not pinned")


@dataclass(frozen=True)
class FlatDirection:
    """A direction the settings can move in together while the targets barely move."""

    loadings: tuple[float, ...]
    """Per setting, in range units; a unit vector, its largest loading positive."""
    movement: float
    """How far the targets move, in tolerances, for one range's length along it (0 beyond the rank)."""
    flagged: tuple[str, ...]
    """The settings loading at least ``LOADING`` on it."""


@dataclass(frozen=True)
class Verdict:
    key: str
    verdict: str
    """``pinned``, ``not pinned``, ``not separately identified from X, Y`` or ``cannot be judged``."""
    reason: str

    @property
    def pinned(self) -> bool:
        return self.verdict == PINNED


@dataclass(frozen=True)
class Identifiability:
    settings: tuple[str, ...]
    targets: tuple[str, ...]
    sensitivity: np.ndarray
    """J: targets x settings, the change in each target across each setting's range, in tolerances
    (NaN where it could not be estimated)."""
    singular_values: tuple[float, ...]
    flat: tuple[FlatDirection, ...]
    verdicts: tuple[Verdict, ...]
    points: int
    """The points the slopes were fitted on."""
    note: str = ""
    """Why some or all of it could not be judged ('' when everything could)."""

    @property
    def judged(self) -> bool:
        return any(v.verdict != NOT_JUDGED for v in self.verdicts)


def identifiability(parameters: Sequence[Parameter], values: Sequence[Sequence[float]],
                    means: Sequence[Sequence[float]], targets: Sequence[Target]) -> Identifiability:
    """Judge which of ``parameters`` the ``targets`` pin, from ``values`` (a row per point, a column
    per parameter) and ``means`` (a row per point, a column per target): the first round's grid."""
    keys = tuple(p.key for p in parameters)
    names = tuple(t.metric for t in targets)
    x = np.asarray(values, dtype=float).reshape(-1, len(keys))
    y = np.asarray(means, dtype=float).reshape(-1, len(names))
    low = np.asarray([p.low for p in parameters], dtype=float)
    span = np.asarray([p.high - p.low for p in parameters], dtype=float)
    scaled = (x - low) / span
    tolerance = np.asarray([t.tolerance for t in targets], dtype=float)
    n, k = scaled.shape

    varied = np.ptp(scaled, axis=0) > 0 if n else np.zeros(k, dtype=bool)
    J = np.full((len(names), k), np.nan)
    for i in range(len(names)):
        J[i, varied] = _slopes(scaled[:, varied], y[:, i]) / tolerance[i]
    rows = np.all(np.isfinite(J[:, varied]), axis=1) if varied.any() else np.zeros(len(names), dtype=bool)

    notes = []
    if not varied.all():
        notes.append("the first round held " + ", ".join(k_ for k_, v in zip(keys, varied) if not v)
                     + " at one value")
    if not rows.any():
        notes.append(f"the first round's {n} point(s) cannot give a slope for every setting "
                     f"({int(varied.sum()) + 1} independent points needed, with every target defined)")
        unjudged = tuple(Verdict(key, NOT_JUDGED, notes[-1]) for key in keys)
        return Identifiability(keys, names, J, (), (), unjudged, n, "; ".join(notes))
    if not rows.all():
        notes.append("left out, undefined at some points: " + ", ".join(m for m, r in zip(names, rows) if not r))

    used = J[np.ix_(rows, varied)]
    singular = np.linalg.svd(used, compute_uv=False)
    threshold = max(FLAT_TOLERANCES, FLAT_SHARE * float(singular.max(initial=0.0)))
    column = np.full(k, np.nan)
    column[varied] = np.linalg.norm(used, axis=0)
    alone = varied & (column < FLAT_TOLERANCES)
    candidates = np.flatnonzero(varied & ~alone)

    flat: list[FlatDirection] = []
    for lone in np.flatnonzero(alone):
        flat.append(FlatDirection(tuple(float(i == lone) for i in range(k)), float(column[lone]), (keys[lone],)))
    sub = J[np.ix_(rows, candidates)]
    for v in _flat_basis(sub, threshold):
        loadings = np.zeros(k)
        loadings[candidates] = v + 0.0  # no -0.0
        flagged = tuple(keys[c] for c in candidates if abs(loadings[c]) >= LOADING)
        flat.append(FlatDirection(tuple(float(a) for a in loadings), float(np.linalg.norm(sub @ v)), flagged))

    flat.sort(key=lambda d: min(keys.index(f) for f in d.flagged) if d.flagged else k)
    verdicts: list[Verdict] = []
    for j, key in enumerate(keys):
        if not varied[j]:
            verdicts.append(Verdict(key, NOT_JUDGED, "the first round's grid held it at one value"))
        elif alone[j]:
            verdicts.append(Verdict(key, NOT_PINNED, f"across its whole range it moves the targets by "
                                                     f"{_amount(column[j])} tolerance(s) in all"))
        else:
            verdicts.append(_verdict(key, j, J[rows], [m for m, r in zip(names, rows) if r], flat, keys))
    return Identifiability(keys, names, J, tuple(float(s) for s in singular), tuple(flat), tuple(verdicts), n,
                           "; ".join(notes))


def _verdict(key: str, j: int, J: np.ndarray, names: Sequence[str], flat: Sequence[FlatDirection],
             keys: Sequence[str]) -> Verdict:
    """One setting's verdict from the flat directions leaning on it (``J`` holds the targets used)."""
    mine = [d for d in flat if key in d.flagged]
    partners = [other for other in keys if other != key and any(other in d.flagged for d in mine)]
    if partners:
        d = min((d for d in mine if len(d.flagged) > 1), key=lambda d: d.movement)
        lean = ", ".join(f"{keys[i]} {a:+.2f}" for i, a in enumerate(d.loadings) if abs(a) >= LOADING)
        return Verdict(key, f"{NOT_SEPARATE} {', '.join(partners)}",
                       f"moving together ({lean}, in range units) moves the targets by {_amount(d.movement)} "
                       "tolerance(s): only a combination is pinned (e.g. their product or ratio)")
    if mine:
        d = min(mine, key=lambda d: d.movement)
        return Verdict(key, NOT_PINNED, f"the other settings can undo its effect: moving along the direction it "
                                        f"leads moves the targets by {_amount(d.movement)} tolerance(s)")
    i = int(np.argmax(np.abs(J[:, j])))
    return Verdict(key, PINNED, f"across its range it moves {names[i]} by {J[i, j]:+.3g} tolerance(s), which the "
                                "other settings cannot undo")


def _amount(tolerances: float) -> str:
    return f"only {tolerances:.2g}" if tolerances >= 0.01 else "less than 0.01"


def _slopes(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Least-squares slopes of ``y`` on the columns of ``x`` over the points where ``y`` is finite
    (all NaN when those points cannot give a slope for every column)."""
    ok = np.isfinite(y)
    design = np.column_stack([np.ones(int(ok.sum())), x[ok]])
    if design.shape[0] < design.shape[1] or np.linalg.matrix_rank(design) < design.shape[1]:
        return np.full(x.shape[1], np.nan)
    coefficients, *_ = np.linalg.lstsq(design, y[ok], rcond=None)
    return np.asarray(coefficients[1:], dtype=float)


def _flat_basis(J: np.ndarray, threshold: float) -> list[np.ndarray]:
    """Unit directions spanning the flat part of ``J``'s row space complement: right singular
    vectors whose singular value is under ``threshold`` or beyond the rank, rotated (varimax) to
    lean on as few settings as possible, each with its largest loading positive."""
    if J.shape[1] == 0:
        return []
    _, singular, vt = np.linalg.svd(J, full_matrices=True)
    flat = [vt[i] for i in range(vt.shape[0]) if i >= singular.size or singular[i] < threshold]
    if not flat:
        return []
    basis = np.column_stack(flat)
    if basis.shape[1] > 1:
        basis = _varimax(basis)
    out = []
    for v in basis.T:
        v = v / np.linalg.norm(v)
        out.append(v if v[np.argmax(np.abs(v))] > 0 else -v)
    return out


def _varimax(loadings: np.ndarray, sweeps: int = 100) -> np.ndarray:
    """The orthogonal rotation of ``loadings``' columns that makes each as sparse as it can be
    (Kaiser's varimax, one pair of columns at a time, each pair by its best angle in closed form)."""
    rotated = loadings.copy()
    p, q = rotated.shape
    for _ in range(sweeps):
        turned = False
        for i in range(q):
            for j in range(i + 1, q):
                x, y = rotated[:, i], rotated[:, j]
                u, v = x ** 2 - y ** 2, 2 * x * y
                a, b = u.sum(), v.sum()
                numerator = 2 * (u * v).sum() - 2 * a * b / p
                angle = np.arctan2(numerator, (u ** 2 - v ** 2).sum() - (a ** 2 - b ** 2) / p) / 4
                if abs(angle) > 1e-12:
                    c, s = np.cos(angle), np.sin(angle)
                    rotated[:, i], rotated[:, j] = c * x + s * y, -s * x + c * y
                    turned = True
        if not turned:
            break
    return rotated
