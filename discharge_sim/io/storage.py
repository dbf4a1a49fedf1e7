"""Results folders on disk: filled one replication at a time, resumable, finished atomically.

While an experiment runs, its results live in a hidden folder beside the final one,
``.<name>-<fingerprint>.partial``, named after what decides the results (configs, seed, plan),
so running the same command again finds it. Each finished replication is a sub-folder written
under a temporary name and renamed into place: it is either complete or absent, whatever kills
the process. When every replication is in, the tables are assembled (streamed file to file, so
memory does not grow with replications) into a folder that is renamed to the final name at once:
a results folder either holds a complete experiment or does not exist.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from discharge_sim.io.formats import csv_text, write_text_atomic

if TYPE_CHECKING:
    from discharge_sim.experiments.execution import Finished

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: no lock against a second process
    fcntl = None  # type: ignore[assignment]

JOB_FILE = "job.json"
PARTS = "parts"
RECORD_FILE = "record.json"


class OutputError(Exception):
    """The results folder cannot be used (it exists, is busy, or is not writable)."""


def safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("._") or "run"


def default_out(parent: Path, name: str) -> Path:
    """<parent>/<name>-<time>, made safe for a folder name and never an existing folder."""
    stem = parent / f"{safe_name(name)}-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    out, k = stem, 1
    while out.exists():
        k += 1
        out = stem.with_name(f"{stem.name}-{k}")
    return out


# --- an experiment in progress ------------------------------------------------------------------

def _part_name(scenario: int, replication: int) -> str:
    return f"s{scenario:04d}-r{replication:05d}"


_PART = re.compile(r"s(\d{4,})-r(\d{5,})")


class PartialResults:
    """The hidden folder of an unfinished experiment: a job file and one folder per replication."""

    encode = staticmethod(csv_text)
    """Tables are kept as CSV text, encoded by the workers."""

    def __init__(self, work: Path, out: Path, job: dict[str, Any], resumed: bool):
        self.work = work
        self.out = out
        self.job = job
        self.resumed = resumed
        self.parts = work / PARTS
        self._lock: IO[str] | None = None

    @classmethod
    @contextmanager
    def open(cls, fingerprint: str, out: Path | None, default_parent: Path, name: str,
             job: Mapping[str, Any], resume: bool = False) -> Iterator[PartialResults]:
        """Start the experiment ``fingerprint`` or pick it up where it stopped.

        ``out`` is the results folder to create; without it the folder is
        ``<default_parent>/<name>-<time>``, the time being when the experiment first started.
        With ``resume``, unfinished results must exist.
        """
        parent, stem = (out.parent, out.name) if out is not None else (default_parent, safe_name(name))
        work = parent / f".{stem}-{fingerprint[:12]}.partial"
        job_file = work / JOB_FILE
        if job_file.exists():
            saved = json.loads(job_file.read_text(encoding="utf-8"))
            if saved.get("fingerprint") != fingerprint:
                raise OutputError(f"{work}: holds unfinished results of a different experiment; "
                                  "delete it to start over")
            store = cls(work, Path(saved["out"]), saved, resumed=True)
        else:
            if resume:
                raise OutputError(f"nothing to resume: no unfinished results of this experiment "
                                  f"({work} does not exist)")
            final = out if out is not None else default_out(default_parent, name)
            store = cls(work, final, {"fingerprint": fingerprint, "out": str(final), **job}, resumed=False)
        if store.out.exists():
            raise OutputError(f"{store.out}: already exists; choose another --out (results are never overwritten)")
        try:
            store._start()
            yield store
        except BaseException:
            store._release()
            if not store.resumed and not store.done():  # nothing ran: leave nothing behind
                shutil.rmtree(store.work, ignore_errors=True)
            raise
        finally:
            store._release()

    def _start(self) -> None:
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"{self.work.parent}: cannot create results folder ({exc.strerror})") from None
        if fcntl is not None:
            self._lock = (self.work / "lock").open("w")
            try:
                fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise OutputError(f"{self.work}: another discharge-sim process is running this experiment") from None
        if not self.resumed:
            write_text_atomic(self.work / JOB_FILE, json.dumps(self.job, indent=2) + "\n")
        for stale in self.parts.glob(".tmp-*"):  # a replication cut off while being written
            shutil.rmtree(stale, ignore_errors=True)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def done(self) -> dict[tuple[int, int], dict[str, float]]:
        """Metrics of every replication already kept, by (scenario, replication)."""
        out: dict[tuple[int, int], dict[str, float]] = {}
        if not self.parts.is_dir():
            return out
        for part in sorted(self.parts.iterdir()):
            match = _PART.fullmatch(part.name)
            if match:
                record = json.loads((part / RECORD_FILE).read_text(encoding="utf-8"))
                out[int(match[1]), int(match[2])] = record["metrics"]
        return out

    def save(self, finished: Finished) -> None:
        """Keep one replication: written under a temporary name, then renamed in one step."""
        record = finished.record
        name = _part_name(record.scenario, record.replication)
        tmp = self.parts / f".tmp-{name}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        body = {"scenario": record.scenario, "replication": record.replication, "seed": record.seed,
                "metrics": record.metrics}
        (tmp / RECORD_FILE).write_text(json.dumps(body) + "\n", encoding="utf-8")  # floats round-trip exactly
        for table, text in finished.texts.items():
            (tmp / f"{table}.csv").write_text(text, encoding="utf-8")
        try:
            os.replace(tmp, self.parts / name)
        except OSError:  # already kept (a duplicate): the first copy stands
            shutil.rmtree(tmp, ignore_errors=True)

    def metrics(self, scenarios: int, replications: int) -> list[list[dict[str, float]]]:
        """Per scenario, the metrics of replications 0 .. replications - 1, in order."""
        return [
            [json.loads((self.parts / _part_name(s, r) / RECORD_FILE).read_text(encoding="utf-8"))["metrics"]
             for r in range(replications)]
            for s in range(scenarios)
        ]

    def table_parts(self, table: str, scenarios: int, replications: int) -> list[Path]:
        """The pieces of one table, scenario by scenario, replication by replication."""
        return [self.parts / _part_name(s, r) / f"{table}.csv" for s in range(scenarios) for r in range(replications)]

    def finish(self, write: Callable[[Path], None]) -> Path:
        """Assemble the final folder with ``write`` and rename it into place; clean up."""
        staging = self.work / "final"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        write(staging)
        try:
            os.replace(staging, self.out)
        except OSError as exc:
            raise OutputError(f"{self.out}: cannot create results folder ({exc.strerror})") from None
        self._release()
        shutil.rmtree(self.work, ignore_errors=True)
        return self.out


def write_folder(out: Path, write: Callable[[Path], None]) -> Path:
    """Fill a new folder ``out`` with ``write`` in a hidden staging folder beside it, then rename it
    into place: ``out`` appears whole or not at all."""
    if out.exists():
        raise OutputError(f"{out}: already exists; choose another --out (results are never overwritten)")
    staging = out.with_name(f".{out.name}.partial-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        staging.mkdir(parents=True)
        write(staging)
        os.replace(staging, out)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create results folder ({exc.strerror})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return out
