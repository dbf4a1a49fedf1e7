"""Where replications run: in this process, on a local process pool, or on a Dask cluster.

Replications are handed out in order (replication 0 of every scenario, then 1, ...) through a
small window of tasks in flight, so memory stays flat however many replications a sweep has.
Each finished replication goes straight to a :class:`RecordSink` (the results folder), which
makes an interrupted experiment resumable: what the sink already holds is never run again.
The results never depend on the number of workers or on the order replications finish in.
"""

from __future__ import annotations

import concurrent.futures as cf
import math
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from typing import Any, Protocol

from discharge_sim.analysis.statistics import t_interval
from discharge_sim.experiments.specification import (
    Experiment,
    ReplicationPlan,
    ReplicationRecord,
    Task,
    simulate,
)


class SchedulerError(Exception):
    """The Dask scheduler cannot be used (not installed, or not reachable)."""


@dataclass
class Finished:
    """A replication as it comes back from a worker: the record, and its tables already encoded as
    files (the encoding is done by the workers, in parallel)."""

    record: ReplicationRecord
    files: dict[str, bytes]
    """File name (``patients.parquet``, ``occupancy.csv``) to its bytes."""


Encoder = Callable[[str, Mapping[str, Any]], tuple[str, bytes]]
"""Turns a table (its name and named columns) into the file a results folder keeps, as (file
name, bytes); a module-level function (or a partial of one), so that it travels to worker
processes by name."""


def work(task: Task, encode: Encoder) -> Finished:
    """Run one task on a worker and encode its tables."""
    record = simulate(task)
    files = dict(encode(name, columns) for name, columns in record.tables.items())
    record.tables = {}
    return Finished(record, files)


class RecordSink(Protocol):
    def done(self) -> Mapping[tuple[int, int], Mapping[str, float]]:
        """Metrics of the replications already finished, by (scenario, replication)."""

    def save(self, finished: Finished) -> None:
        """Keep one finished replication, atomically."""

    @property
    def encode(self) -> Encoder:
        """How the sink wants tables encoded (done by the workers, in parallel)."""


# --- how many replications ------------------------------------------------------------------------

class Schedule:
    """Hands out (scenario, replication) pairs in replication order and decides when to stop.

    With a fixed plan it stops after ``fixed`` replications of every scenario. With ``auto`` it
    stops at the smallest n (from ``minimum``) at which the first n replications of every scenario
    meet the precision target, or at ``maximum``. n depends only on the replications' values, never
    on how many ran at once: replications run ahead of n are left out of the results.
    """

    def __init__(self, scenarios: int, plan: ReplicationPlan, done: Mapping[tuple[int, int], Mapping[str, float]]):
        self.plan = plan
        self.scenarios = scenarios
        self.values: list[dict[int, float]] = [{} for _ in range(scenarios)]
        self.final: int | None = plan.fixed
        self.reason = "fixed" if plan.fixed is not None else ""
        self.complete_prefix = 0
        self._issued: set[tuple[int, int]] = set()
        self._cursor = 0
        for (s, r), metrics in done.items():
            if s < scenarios:
                self.values[s][r] = metrics.get(plan.metric, math.nan)
        self.already_done = sum(1 for s in range(scenarios) for r in self.values[s] if r < plan.most)
        self._advance()

    @property
    def limit(self) -> int:
        return self.final if self.final is not None else self.plan.maximum

    @property
    def complete(self) -> bool:
        return self.final is not None and self.complete_prefix >= self.final

    def next(self) -> tuple[int, int] | None:
        """The next (scenario, replication) to run, or None if none is needed now."""
        while self._cursor < self.limit * self.scenarios:
            r, s = divmod(self._cursor, self.scenarios)
            self._cursor += 1
            if r not in self.values[s] and (s, r) not in self._issued:
                self._issued.add((s, r))
                return s, r
        return None

    def record(self, scenario: int, replication: int, metrics: Mapping[str, float]) -> None:
        self.values[scenario][replication] = metrics.get(self.plan.metric, math.nan)
        self._advance()

    def _advance(self) -> None:
        while self.complete_prefix < self.limit and all(self.complete_prefix in v for v in self.values):
            self.complete_prefix += 1
            n = self.complete_prefix
            if self.final is None:
                if n >= self.plan.minimum and self.precise(n):
                    self.final, self.reason = n, "target"
                elif n >= self.plan.maximum:
                    self.final, self.reason = self.plan.maximum, "cap"

    def precise(self, n: int) -> bool:
        """Whether the first n replications of every scenario meet the relative half-width target."""
        judged = self.values[:1] if self.plan.first_only else self.values
        return all(relative_half_width([v[r] for r in range(n)]) <= self.plan.target for v in judged)



def relative_half_width(values: list[float]) -> float:
    """Half-width of the 95% t-interval over the absolute mean (0 if every value is 0)."""
    return relative_precision(t_interval(values))


def relative_precision(ci: Mapping[str, float]) -> float:
    """The same from a t-interval summary: inf with fewer than two values, 0 with no spread."""
    if ci.get("n", 0) < 2:
        return math.inf
    if ci["half_width"] == 0:
        return 0.0
    return ci["half_width"] / abs(ci["mean"]) if ci["mean"] else math.inf


# --- backends -------------------------------------------------------------------------------

class Backend(Protocol):
    slots: int

    def submit(self, task: Task) -> Any: ...

    def wait(self, pending: set[Any]) -> set[Any]:
        """Block until at least one of ``pending`` has finished; return the finished ones."""

    def result(self, future: Any) -> Finished: ...

    def cancel(self) -> None:
        """Stop everything still running (after an interrupt or an early stop)."""


class InProcess:
    """Runs each task here, when it is waited for: one worker, no processes to start."""

    slots = 1

    def __init__(self, encode: Encoder):
        self.encode = encode

    def submit(self, task: Task) -> Task:
        return task

    def wait(self, pending: set[Any]) -> set[Any]:
        first = min(pending, key=lambda t: (t.replication, t.scenario))
        return {first}

    def result(self, future: Task) -> Finished:
        return work(future, self.encode)

    def cancel(self) -> None:
        pass


class InterruptLatch:
    """Ctrl-C (and SIGTERM, where a Python handler catches it) noted by a signal handler and acted
    on only where it is safe.

    Python raises KeyboardInterrupt wherever the main thread happens to be, which may be inside
    the process pool's own bookkeeping (holding one of its locks) or half-way through saving a
    replication; shutting the pool down from there can hang. While the latch is set, such a
    signal is only noted, and :meth:`check` hands it to the handler it displaced between waits.
    Signals that were ignored, or left to the operating system, are left alone.
    """

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(self) -> None:
        self.hit: int | None = None
        self._displaced: dict[int, Any] = {}

    def __enter__(self) -> InterruptLatch:
        if threading.current_thread() is threading.main_thread():
            for signum in self.SIGNALS:
                current = signal.getsignal(signum)
                if callable(current):  # a Python handler: defer it; SIG_IGN, SIG_DFL and None stay
                    self._displaced[signum] = signal.signal(signum, self._note)
        return self

    def _note(self, signum: int, _frame: Any) -> None:
        if self.hit is None:
            self.hit = signum

    def __exit__(self, *_exc: object) -> None:
        displaced, self._displaced = self._displaced, {}
        for signum, handler in displaced.items():
            signal.signal(signum, handler)

    def check(self) -> None:
        """Act on a noted signal now, as the displaced handler would have."""
        signum, self.hit = self.hit, None
        if signum is not None:
            self._displaced[signum](signum, None)  # Python's raises KeyboardInterrupt


class ProcessPool:
    """A local pool of worker processes.

    On Linux, workers are forked from this process when it runs no other thread (they start at
    once, with everything imported); otherwise they come from a fork server, as forking a
    threaded process (or any process on macOS) is unsafe.
    """

    def __init__(self, workers: int, encode: Encoder | None = None):
        self.slots = workers
        self.encode = encode
        context: BaseContext
        if sys.platform.startswith("linux") and threading.active_count() == 1:
            context = multiprocessing.get_context("fork")
        else:
            server = multiprocessing.get_context("forkserver")
            server.set_forkserver_preload(["discharge_sim.experiments.execution"])
            context = server
        self.pool = cf.ProcessPoolExecutor(max_workers=workers, mp_context=context,
                                           initializer=_worker_setup, initargs=(os.getpid(),))
        self.latch = InterruptLatch().__enter__()
        self.cancelled = False

    def submit(self, task: Task) -> cf.Future[Finished]:
        if self.encode is None:
            raise RuntimeError("a pool made without an encoder runs only call()")
        return self.pool.submit(work, task, self.encode)

    def wait(self, pending: set[Any]) -> set[Any]:
        while True:  # in short waits, so that a noted Ctrl-C is raised here, outside the pool's code
            done = cf.wait(pending, timeout=0.2, return_when=cf.FIRST_COMPLETED).done
            self.latch.check()
            if done:
                return done

    def result(self, future: cf.Future[Finished]) -> Finished:
        return future.result()

    def cancel(self) -> None:
        self.cancelled = True
        processes = list(getattr(self.pool, "_processes", {}).values())  # no public way to stop a running task
        result_queue = getattr(self.pool, "_result_queue", None)  # shutdown() forgets it
        self.pool.shutdown(wait=False, cancel_futures=True)
        for process in processes:
            process.terminate()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():  # pragma: no cover - a worker that ignores SIGTERM
                process.kill()
                process.join(timeout=5)
        # A worker stopped half-way through sending a result leaves part of a message in the result
        # pipe, and the pool's manager thread would wait for the rest for ever (hanging the
        # interpreter's exit). With every worker gone, closing this process's end of the pipe lets
        # that read end (EOF) and the manager thread wind the pool down.
        writer = getattr(result_queue, "_writer", None)
        if writer is not None and not any(process.is_alive() for process in processes):
            writer.close()

    def close(self) -> None:
        noted = self.latch.hit is not None and not self.cancelled
        if noted:  # a signal after the last wait: act on it, after shutting the pool down cleanly
            self.cancel()
        self.pool.shutdown(wait=not self.cancelled)
        try:
            if noted:
                self.latch.check()
        finally:
            self.latch.__exit__()

    def call(self, fn: Callable[..., Any], *args: Any) -> cf.Future[Any]:
        """Run any picklable function in the pool (validate uses it)."""
        return self.pool.submit(fn, *args)


def _worker_setup(parent: int) -> None:
    """Ctrl-C is the parent's to handle (and SIGTERM just ends a worker, whatever handler it
    inherited); a worker whose parent was killed stops too."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    import time

    while True:
        time.sleep(1.0)
        try:
            os.kill(parent, 0)
        except ProcessLookupError:
            os._exit(1)
        except PermissionError:  # pragma: no cover - pid reused by another user's process
            os._exit(1)


class DaskCluster:
    """A ``dask.distributed`` cluster reached through its scheduler address."""

    def __init__(self, address: str, encode: Encoder):
        self.encode = encode
        try:
            from dask.distributed import Client, as_completed
        except ImportError:
            raise SchedulerError("--scheduler needs dask.distributed: pip install 'discharge-sim[dask]'") from None
        try:
            self.client = Client(address, timeout="10s", set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise SchedulerError(f"cannot reach the Dask scheduler at {address}: {exc}") from None
        self.slots = max(1, sum(self.client.nthreads().values()))
        self.futures: set[Any] = set()
        self.completed = as_completed([], loop=self.client.loop)  # this client's, not a default one

    def submit(self, task: Task) -> Any:
        future = self.client.submit(work, task, self.encode, pure=False)
        self.futures.add(future)
        self.completed.add(future)
        return future

    def wait(self, pending: set[Any]) -> set[Any]:
        done = {next(self.completed), *self.completed.next_batch(block=False)}
        self.futures -= done
        return done

    def result(self, future: Any) -> Finished:
        finished: Finished = future.result()
        future.release()
        return finished

    def cancel(self) -> None:
        if self.futures:
            self.client.cancel(list(self.futures))
        self.futures.clear()

    def close(self) -> None:
        self.client.close()


@contextmanager
def backend(workers: int, scheduler: str | None, tasks: int, encode: Encoder) -> Iterator[Backend]:
    """The backend for ``workers`` local processes or a Dask ``scheduler`` address."""
    chosen: InProcess | ProcessPool | DaskCluster
    if scheduler:
        chosen = DaskCluster(scheduler, encode)
    elif min(workers, tasks) <= 1:
        chosen = InProcess(encode)
    else:
        chosen = ProcessPool(min(workers, tasks), encode)
    try:
        yield chosen
    except BaseException:
        chosen.cancel()
        raise
    finally:
        if not isinstance(chosen, InProcess):
            chosen.close()


# --- the loop ---------------------------------------------------------------------------------

def execute(experiment: Experiment, sink: RecordSink, workers: int = 1, scheduler: str | None = None,
            on_progress: Callable[[Schedule, ReplicationRecord], None] | None = None,
            schedule: Schedule | None = None) -> Schedule:
    """Run the replications ``sink`` does not already hold until the plan is met.

    ``schedule`` is the caller's, if it has already built one from ``sink.done()``. Returns the
    schedule, whose ``final`` is the number of replications of every scenario that make up the
    results (replications 0 to final - 1).
    """
    if schedule is None:
        schedule = Schedule(len(experiment.scenarios), experiment.plan, sink.done())
    if schedule.complete:
        return schedule
    todo = experiment.plan.most * len(experiment.scenarios) - schedule.already_done
    with backend(workers, scheduler, todo, sink.encode) as runner:
        pending: set[Any] = set()
        window = 2 * runner.slots
        while not schedule.complete:
            while len(pending) < window and (job := schedule.next()) is not None:
                pending.add(runner.submit(experiment.task(*job)))
            if not pending:  # pragma: no cover - a complete prefix always leaves work or completion
                raise RuntimeError("nothing left to run, but the plan is not met")
            for future in runner.wait(pending):
                pending.discard(future)
                finished = runner.result(future)
                sink.save(finished)
                record = finished.record
                schedule.record(record.scenario, record.replication, record.metrics)
                if on_progress is not None:
                    on_progress(schedule, record)
        if pending:
            runner.cancel()  # replications run ahead of an auto stop: not needed
    return schedule
