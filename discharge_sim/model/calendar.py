"""Clock arithmetic for a simulation whose time unit is the hour and whose day 0 is a Monday.

Staff-run steps only progress inside working hours. Rather than simulate the clock ticking, a
:class:`WorkingHours` maps clock time to *open time* (hours the service has been open since the
start) and back, so the finish time of a piece of work is one addition: no events, exact.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from discharge_sim.vocabulary import HOURS_PER_DAY, HOURS_PER_WEEK

WEEKEND = frozenset({5, 6})


def day_index(t: float) -> int:
    """Whole days since the start (day 0 is a Monday)."""
    return int(t // HOURS_PER_DAY)


def day_of_week(t: float) -> int:
    """0 = Monday ... 6 = Sunday."""
    return int(t // HOURS_PER_DAY) % 7


def hour_of_day(t: float) -> float:
    return t % HOURS_PER_DAY


def is_weekend(t: float) -> bool:
    return day_of_week(t) in WEEKEND


def next_time_of_day(t: float, hour: float) -> float:
    """The first clock time at or after ``t`` whose hour of day is ``hour``."""
    day_start = (t // HOURS_PER_DAY) * HOURS_PER_DAY
    candidate = day_start + hour
    return candidate if candidate >= t else candidate + HOURS_PER_DAY


class WorkingHours:
    """Weekly opening windows, with conversion between clock time and open time."""

    __slots__ = ("_cum_end", "_cum_start", "_ends", "_starts", "weekly_open_hours")

    def __init__(self, windows: Iterable[tuple[float, float]]):
        """``windows`` are (start, end) pairs in hours of the week, 0 <= start < end <= 168."""
        merged: list[list[float]] = []
        for start, end in sorted(windows):
            if not 0.0 <= start < end <= HOURS_PER_WEEK:
                raise ValueError(f"window ({start}, {end}) is not inside one week")
            if merged and start <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        if not merged:
            raise ValueError("working hours need at least one open window")
        self._starts = [w[0] for w in merged]
        self._ends = [w[1] for w in merged]
        self._cum_start: list[float] = []
        total = 0.0
        for start, end in merged:
            self._cum_start.append(total)
            total += end - start
        self._cum_end = [c + (e - s) for c, s, e in zip(self._cum_start, self._starts, self._ends)]
        self.weekly_open_hours = total

    @classmethod
    def from_days(cls, spans: Iterable[tuple[Sequence[int], float, float]]) -> WorkingHours:
        """Build from (weekday indices, start hour, end hour) spans, one window per listed day."""
        windows = [
            (day * HOURS_PER_DAY + start, day * HOURS_PER_DAY + end)
            for days, start, end in spans
            for day in days
        ]
        return cls(windows)

    def open_time(self, t: float) -> float:
        """Open hours elapsed between time 0 and clock time ``t``."""
        week, rem = divmod(t, HOURS_PER_WEEK)
        i = bisect_right(self._starts, rem) - 1
        within = 0.0 if i < 0 else self._cum_start[i] + min(rem - self._starts[i], self._ends[i] - self._starts[i])
        return week * self.weekly_open_hours + within

    def clock_time(self, x: float) -> float:
        """The earliest clock time by which ``x`` > 0 open hours have elapsed."""
        week, rem = divmod(x, self.weekly_open_hours)
        if rem == 0.0:
            return (week - 1) * HOURS_PER_WEEK + self._ends[-1]
        i = bisect_left(self._cum_end, rem)
        return week * HOURS_PER_WEEK + self._starts[i] + (rem - self._cum_start[i])

    def latest_clock_time(self, x: float) -> float:
        """The latest clock time at which exactly ``x`` >= 0 open hours have elapsed: inside a
        window, or at the start of the window after a closed stretch (never in closed hours)."""
        week, rem = divmod(x, self.weekly_open_hours)
        i = bisect_right(self._cum_start, rem) - 1
        return week * HOURS_PER_WEEK + self._starts[i] + (rem - self._cum_start[i])

    def last_open_spans(self, t: float, x: float) -> list[tuple[float, float]]:
        """The stretches of clock time, in order, holding the last ``x`` open hours before ``t``
        (closed hours between them left out)."""
        spans = []
        s = self.latest_clock_time(max(self.open_time(t) - x, 0.0))
        while s < t:
            week, rem = divmod(s, HOURS_PER_WEEK)
            i = bisect_right(self._starts, rem) - 1
            end = min(week * HOURS_PER_WEEK + self._ends[i], t)
            if end > s:
                spans.append((s, end))
            nxt = self.latest_clock_time(self.open_time(end))
            if nxt <= s:  # no progress: t sits in closed hours
                break
            s = nxt
        return spans

    def advance(self, t: float, work_hours: float) -> float:
        """When ``work_hours`` of work started (or queued) at ``t`` is finished."""
        if work_hours <= 0.0:
            return t
        return self.clock_time(self.open_time(t) + work_hours)

    def next_open(self, t: float) -> float:
        """``t`` if the hours are open then, else when they next open."""
        return t if self.is_open(t) else self.latest_clock_time(self.open_time(t))

    def is_open(self, t: float) -> bool:
        rem = t % HOURS_PER_WEEK
        i = bisect_right(self._starts, rem) - 1
        return i >= 0 and rem < self._ends[i]


class SessionTimes:
    """Recurring sessions (ward rounds, funding panels), each dealing with a case with some chance.

    A case waiting from time ``t`` is dealt with at the first session where it succeeds. Drawing
    that by inverse transform from one uniform ``u`` means raising any session's probability can
    only bring the answer earlier for the same ``u``: scenarios compare cleanly under common
    random numbers.
    """

    __slots__ = ("_period", "_probabilities", "_times")

    MAX_WEEKS = 520

    def __init__(self, sessions: Iterable[tuple[float, float]], every_weeks: int = 1):
        """``sessions`` are (hour of week, probability a waiting case is dealt with); they recur
        every ``every_weeks`` weeks, starting in week 0."""
        pairs = sorted(sessions)
        if not pairs or all(p <= 0.0 for _, p in pairs):
            raise ValueError("sessions need at least one session with a positive probability")
        self._times = [h for h, _ in pairs]
        self._probabilities = [p for _, p in pairs]
        self._period = every_weeks * HOURS_PER_WEEK

    @property
    def times(self) -> list[float]:
        """The sessions' hours of the period, in order."""
        return list(self._times)

    @property
    def probabilities(self) -> list[float]:
        """Each session's chance of dealing with a waiting case."""
        return list(self._probabilities)

    def scaled(self, factor: float) -> SessionTimes:
        """The same sessions, each dealing with a waiting case ``factor`` times as often (a stricter panel)."""
        return SessionTimes(((h, p * factor) for h, p in zip(self._times, self._probabilities, strict=True)),
                            every_weeks=round(self._period / HOURS_PER_WEEK))

    def first_success(self, t: float, u: float) -> float:
        """Time of the session that deals with a case waiting since ``t``; ``u`` in (0, 1]."""
        period = self._period
        cycle, rem = divmod(t, period)
        base = cycle * period
        i = bisect_left(self._times, rem)
        n = len(self._times)
        survive = 1.0
        for _ in range(n * self.MAX_WEEKS):
            if i == n:
                i = 0
                base += period
            survive *= 1.0 - self._probabilities[i]
            if survive <= u:
                return base + self._times[i]
            i += 1
        return base + self._times[i % n]
