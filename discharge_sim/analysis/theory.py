"""Queueing theory with exact answers, for verifying the engine: Erlang B and C, the M/M/c mean
wait, and a two-stage tandem with blocking solved as a Markov chain."""

from __future__ import annotations

import numpy as np


def erlang_b(c: int, a: float) -> float:
    """Blocking probability of an M/G/c/c loss system with offered load ``a`` (Erlang B)."""
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


def erlang_c(c: int, a: float) -> float:
    """Probability that an arrival waits in M/M/c with offered load ``a`` < c (Erlang C)."""
    b = erlang_b(c, a)
    return c * b / (c - a * (1.0 - b))


def mmc_mean_wait(c: int, arrival_rate: float, service_rate: float) -> float:
    """Mean wait in queue of M/M/c, in the time unit of the rates."""
    a = arrival_rate / service_rate
    return erlang_c(c, a) / (c * service_rate - arrival_rate)


def tandem_with_blocking(arrival_rate: float, acute_rate: float, beds: int, care_rate: float,
                         places: int) -> dict[str, float]:
    """Exact steady state of a two-stage tandem: Poisson arrivals to ``beds`` acute beds (turned
    away when every bed is taken), exponential acute stays, then a place among ``places`` with
    exponential stays; a patient who finds no place keeps their bed (blocking after service) until
    one frees, first come first served.

    States (a, b, n): a in acute care, b blocked in beds, n in places, with a + b <= beds and b > 0
    only when every place is taken. Returns the probability an arrival is turned away, the mean
    number of blocked patients and their mean delay (by Little's law).
    """
    states = [(a, b, n) for a in range(beds + 1) for b in range(beds + 1 - a) for n in range(places + 1)
              if b == 0 or n == places]
    index = {s: i for i, s in enumerate(states)}
    q = np.zeros((len(states), len(states)))
    for (a, b, n), i in index.items():
        if a + b < beds:
            q[i, index[(a + 1, b, n)]] += arrival_rate
        if a:
            to = (a - 1, b, n + 1) if n < places else (a - 1, b + 1, n)
            q[i, index[to]] += a * acute_rate
        if n:
            to = (a, b - 1, n) if b else (a, b, n - 1)
            q[i, index[to]] += n * care_rate
    np.fill_diagonal(q, -q.sum(axis=1))
    # Solve pi Q = 0 with sum(pi) = 1 by replacing one balance equation with the normalisation.
    lhs = np.vstack([q.T[:-1], np.ones(len(states))])
    rhs = np.zeros(len(states))
    rhs[-1] = 1.0
    pi = np.linalg.solve(lhs, rhs)
    full = sum(pi[i] for (a, b, _), i in index.items() if a + b == beds)
    blocked = sum(pi[i] * b for (_, b, _), i in index.items())
    admitted = arrival_rate * (1.0 - full)
    return {"turned_away": float(full), "mean_blocked": float(blocked), "mean_delay": float(blocked / admitted)}
