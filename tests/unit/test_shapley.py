"""Exact Shapley values of games worked out by hand: symmetry, the null player, additivity and
efficiency. (Any game: tests/property/test_attribution.py; whole runs: tests/behaviour/test_attribution.py.)"""

from __future__ import annotations

import itertools

import pytest

from discharge_sim.analysis.attribution import shapley


def game(players: str, rule) -> dict[frozenset[str], float]:
    """v(S) = rule(S) for every coalition S of the one-letter players."""
    return {frozenset(c): float(rule(frozenset(c))) for n in range(len(players) + 1)
            for c in itertools.combinations(players, n)}


def test_two_players_by_hand():
    # v(a) = 4, v(b) = 2, v(ab) = 10: a gets (4 + (10 - 2)) / 2 = 6, b gets (2 + (10 - 4)) / 2 = 4.
    v = {frozenset(): 0.0, frozenset("a"): 4.0, frozenset("b"): 2.0, frozenset("ab"): 10.0}
    assert shapley(("a", "b"), v) == {"a": 6.0, "b": 4.0}


def test_the_glove_game():
    """a holds a left glove, b and c a right one each; a pair is worth 1. Of the 6 orders, a
    completes the pair in 4 (whenever it is not first), so a gets 4/6 and b, c 1/12 + 1/12 each."""
    v = game("abc", lambda s: "a" in s and ("b" in s or "c" in s))
    phi = shapley(("a", "b", "c"), v)
    assert phi["a"] == pytest.approx(2 / 3, rel=1e-15)
    assert phi["b"] == pytest.approx(1 / 6, rel=1e-15) and phi["c"] == pytest.approx(1 / 6, rel=1e-15)


def test_two_bottlenecks_in_parallel():
    """Delays of 10 (hospital) and 30 (social care) in parallel: D = max. Removing the hospital
    alone takes nothing; removing social care alone takes 20, both take 30. Shapley: the hospital
    half of the joint 10, social care 20 + 5."""
    d = {frozenset(): 30.0, frozenset({"h"}): 30.0, frozenset({"s"}): 10.0, frozenset({"h", "s"}): 0.0}
    v = {c: d[frozenset()] - x for c, x in d.items()}
    assert shapley(("h", "s"), v) == {"h": 5.0, "s": 25.0}


def test_symmetric_players_get_the_same_and_the_sum_is_the_whole():
    # v(S) = |S|^2 for four players: each gets 16 / 4.
    v = game("abcd", lambda s: len(s) ** 2)
    phi = shapley(tuple("abcd"), v)
    assert phi == pytest.approx(dict.fromkeys("abcd", 4.0), rel=1e-15)


def test_a_null_player_gets_nothing():
    # d adds nothing to any coalition; the others share v(abc) = 9 by weights 1, 2, 6.
    weights = {"a": 1.0, "b": 2.0, "c": 6.0, "d": 0.0}
    v = game("abcd", lambda s: sum(weights[p] for p in s))
    phi = shapley(tuple("abcd"), v)
    assert phi == pytest.approx(weights, abs=1e-15)


def test_additivity_and_efficiency():
    v = game("abc", lambda s: 10.0 * ("a" in s) * ("b" in s) + 3.0 * len(s))
    w = game("abc", lambda s: 7.0 if len(s) == 3 else 0.0)
    both = {c: v[c] + w[c] for c in v}
    pv, pw, pb = (shapley(("a", "b", "c"), g) for g in (v, w, both))
    for p in "abc":
        assert pb[p] == pytest.approx(pv[p] + pw[p], rel=1e-15)
    # v: a and b split the 10 of their pair, each player gets its own 3.
    assert pv == pytest.approx({"a": 8.0, "b": 8.0, "c": 3.0}, rel=1e-15)
    assert pw == pytest.approx(dict.fromkeys("abc", 7 / 3), rel=1e-15)
    assert sum(pb.values()) == pytest.approx(both[frozenset("abc")], rel=1e-15)


def test_one_player_gets_its_own_value_and_none_get_nothing():
    assert shapley(("a",), {frozenset(): 0.0, frozenset("a"): 3.5}) == {"a": 3.5}
    assert shapley((), {frozenset(): 0.0}) == {}
