"""The Shapley split of any counterfactual totals, for 2, 3 and 4 sides: the package's values are
the exact Shapley values (worked out in rational arithmetic over every order), and with the
residual they add up to the total; with two sides they are the two-player formula."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from discharge_sim.analysis.attribution import AS_CONFIGURED, Game, game_rows, shapley
from discharge_sim.analysis.sides import SideConvention

SIDES = ("hospital", "social_care", "nhs_community", "patient_family")
MEASURE = "delayed_bed_days"
delay = st.floats(min_value=0, max_value=1e6, allow_nan=False, allow_infinity=False)


def coalitions(players: tuple[str, ...]) -> list[frozenset[str]]:
    return [frozenset(c) for size in range(len(players) + 1) for c in itertools.combinations(players, size)]


@st.composite
def games(draw: st.DrawFn, sizes: tuple[int, ...] = (2, 3, 4)) -> tuple[tuple[str, ...], dict[frozenset[str], float]]:
    """Players and D(S), the delay with each coalition S of them removed."""
    players = SIDES[:draw(st.sampled_from(sizes))]
    return players, {c: draw(delay) for c in coalitions(players)}


def exact_shapley(players: tuple[str, ...], d: dict[frozenset[str], float]) -> dict[str, Fraction]:
    """By the definition, in rational arithmetic: v(S) = D(none) - D(S), each player's marginal
    value averaged over all n! orders of adding the players."""
    v = {c: Fraction(d[frozenset()]) - Fraction(x) for c, x in d.items()}
    orders = list(itertools.permutations(players))
    out = dict.fromkeys(players, Fraction(0))
    for order in orders:
        before: frozenset[str] = frozenset()
        for p in order:
            out[p] += (v[before | {p}] - v[before]) / len(orders)
            before = before | {p}
    return out


def rows_of(players: tuple[str, ...], d: dict[frozenset[str], float]) -> dict[str, dict[str, float]]:
    """game_rows of a game whose runs have these totals."""
    convention = SideConvention("test", "", {f"step:{p}": p for p in players}, players)
    labels = {c: AS_CONFIGURED if not c else "+".join(sorted(c)) for c in coalitions(players)}
    runs = {labels[c]: {MEASURE: d[c]} for c in labels}
    game = Game(convention, "removal", players, labels)
    return {row["side"]: row for row in game_rows(game, runs, MEASURE)}


@settings(max_examples=200, deadline=None)
@given(games())
def test_the_values_are_the_exact_shapley_values_and_add_up_to_the_total(game):
    players, d = game
    rows = rows_of(players, d)
    exact = exact_shapley(players, d)
    total = d[frozenset()]
    # Absolute slack of a billionth of the largest value, and at least 1e-12 bed-days (a game of
    # subnormal values is rounded to zero on the way).
    scale = max(abs(x) for x in d.values()) + 1e-3
    for p in players:
        assert math.isclose(rows[p]["counterfactual"], float(exact[p]), rel_tol=1e-9, abs_tol=1e-9 * scale)
        assert math.isclose(rows[p]["alone"], total - d[frozenset({p})], rel_tol=1e-12, abs_tol=1e-9 * scale)
    everything = frozenset(players)
    assert math.isclose(rows["residual"]["counterfactual"], d[everything], rel_tol=1e-12, abs_tol=1e-9 * scale)
    assert rows["total"]["counterfactual"] == rows["total"]["recorded"] == total
    parts = math.fsum(rows[p]["counterfactual"] for p in players) + rows["residual"]["counterfactual"]
    assert math.isclose(parts, total, rel_tol=1e-9, abs_tol=1e-9 * scale)
    # The interaction: what all the sides take away together beyond the sum of what each does alone.
    alone = math.fsum(rows[p]["alone"] for p in players)
    assert math.isclose(rows["interaction"]["counterfactual"], (total - d[everything]) - alone,
                        rel_tol=1e-9, abs_tol=1e-9 * scale)


@settings(max_examples=200, deadline=None)
@given(games(sizes=(2,)))
def test_with_two_sides_the_value_is_the_two_player_formula(game):
    players, d = game
    rows = rows_of(players, d)
    h, s = (frozenset({p}) for p in players)
    f = {c: Fraction(x) for c, x in d.items()}
    v = {c: f[frozenset()] - x for c, x in f.items()}
    formula = {players[0]: (v[h] + v[h | s] - v[s]) / 2, players[1]: (v[s] + v[h | s] - v[h]) / 2}
    scale = max(abs(x) for x in d.values())
    for p in players:
        assert math.isclose(rows[p]["counterfactual"], float(formula[p]), rel_tol=1e-12, abs_tol=1e-9 * scale)


@settings(max_examples=100, deadline=None)
@given(games(), st.data())
def test_shapley_of_any_game_is_efficient_symmetric_and_additive(game, data):
    players, d = game
    v = {c: d[frozenset()] - x for c, x in d.items()}
    w = {c: data.draw(delay) if c else 0.0 for c in v}
    phi_v, phi_w = shapley(players, v), shapley(players, w)
    scale = max(max(abs(x) for x in v.values()), max(abs(x) for x in w.values()), 1.0)
    assert math.isclose(math.fsum(phi_v.values()), v[frozenset(players)], rel_tol=1e-9, abs_tol=1e-9 * scale)
    summed = shapley(players, {c: v[c] + w[c] for c in v})
    for p in players:
        assert math.isclose(summed[p], phi_v[p] + phi_w[p], rel_tol=1e-9, abs_tol=1e-9 * scale)
    # Relabelling the players relabels their values.
    reversed_players = players[::-1]
    rename = dict(zip(players, reversed_players, strict=True))
    renamed = shapley(reversed_players, {frozenset(rename[p] for p in c): x for c, x in v.items()})
    for p in players:
        assert math.isclose(renamed[rename[p]], phi_v[p], rel_tol=1e-9, abs_tol=1e-9 * scale)
