"""Results folders on disk: filled one replication at a time, resumable, finished atomically.

While an experiment runs, its results live in a hidden folder beside the final one,
``.<name>-<fingerprint>.partial``, named after what decides the results (configs, seed, plan),
so running the same command again finds it. Each finished replication is a sub-folder written
under a temporary name and renamed into place: it is either complete or absent, whatever kills
the process. When every replication is in, the tables are assembled (streamed file to file, so
memory does not grow with replications) into a folder that is renamed to the final name at once:
a results folder either holds a complete experiment or does not exist.

A results folder is claimed when its experiment starts: another experiment aiming at the same
folder is refused at once, while the first is running or after it was interrupted, rather than
after both have computed everything. A hidden folder left behind by a run killed just after its
results were renamed into place is removed by the next run into the same parent folder. A full
disk is an :class:`OutputError` saying what was kept and how to resume.
"""

from __future__ import annotations

import errno
import functools
import json
import os
import re
import shutil
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from discharge_sim.io.formats import encode_table, table_file, write_text_atomic

if TYPE_CHECKING:
    from discharge_sim.experiments.execution import Finished

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows: no lock against a second process
    fcntl = None  # type: ignore[assignment]

JOB_FILE = "job.json"
PARTS = "parts"
RECORD_FILE = "record.json"
LOCK_FILE = "lock"
WORK_SUFFIX = ".partial"
DISK_FULL = frozenset(code for code in (errno.ENOSPC, getattr(errno, "EDQUOT", None)) if code is not None)
"""Errors of a disk (or quota) with no room left."""


class OutputError(Exception):
    """The results folder cannot be used (it exists, is busy, or is not writable, or the disk is full)."""


def disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` says the disk (or the user's quota) has no room left."""
    return isinstance(exc, OSError) and exc.errno in DISK_FULL


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

    def __init__(self, work: Path, out: Path, job: dict[str, Any], resumed: bool, detail_format: str = "parquet"):
        self.work = work
        self.detail_format = detail_format
        """How the per-patient and per-segment tables are kept (Parquet or CSV); the rest are CSV."""
        self.out = out
        self.job = job
        self.resumed = resumed
        self.parts = work / PARTS
        self.removed: list[tuple[Path, Path]] = []
        """Work folders of finished experiments removed when this one opened, with their results folders."""
        self._lock: IO[str] | None = None
        self._owned = False

    @classmethod
    @contextmanager
    def open(cls, fingerprint: str, out: Path | None, default_parent: Path, name: str,
             job: Mapping[str, Any], resume: bool = False,
             detail_format: str = "parquet") -> Iterator[PartialResults]:
        """Start the experiment ``fingerprint`` or pick it up where it stopped.

        ``out`` is the results folder to create; without it the folder is
        ``<default_parent>/<name>-<time>``, the time being when the experiment first started.
        With ``resume``, unfinished results must exist.
        """
        parent, stem = (out.parent, out.name) if out is not None else (default_parent, safe_name(name))
        work = parent / f".{stem}-{fingerprint[:12]}{WORK_SUFFIX}"
        job_file = work / JOB_FILE
        removed = remove_leftovers(parent)
        if job_file.exists():
            saved = json.loads(job_file.read_text(encoding="utf-8"))
            if saved.get("fingerprint") != fingerprint:
                raise OutputError(f"{work}: holds unfinished results of a different experiment; "
                                  "delete it to start over")
            store = cls(work, Path(saved["out"]), saved, resumed=True, detail_format=detail_format)
        else:
            if resume:
                raise OutputError(f"nothing to resume: no unfinished results of this experiment "
                                  f"({work} does not exist)")
            final = out if out is not None else default_out(default_parent, name)
            store = cls(work, final, {"fingerprint": fingerprint, "out": str(final), **job}, resumed=False,
                        detail_format=detail_format)
        store.removed = removed
        if store.out.exists():
            if any(final == store.out for _, final in removed):
                why = (f"this experiment finished there already (its leftover work folder {work} has now been "
                       "removed); choose another --out to run it again")
            else:
                why = "choose another --out (results are never overwritten)"
                if store.resumed:
                    why += f"; the unfinished results of this experiment stay in {work}"
            raise OutputError(f"{store.out}: already exists; {why}")
        try:
            store._start()
            yield store
        except BaseException:
            store._release()
            if store._owned and not store.resumed and not store.done():  # nothing ran: leave nothing behind
                shutil.rmtree(store.work, ignore_errors=True)
            raise
        finally:
            store._release()

    def _start(self) -> None:
        self._owned = not self.work.exists()  # a folder this process makes, it may remove
        try:
            self.parts.mkdir(parents=True, exist_ok=True)
            self._lock = _try_lock(self.work)
            if self._lock is None:
                raise OutputError(f"{self.work}: another discharge-sim process is running this experiment; wait for "
                                  "it to finish, or stop it and run the command again to resume")
            self._owned = True
            if not self.resumed:  # the claim on the results folder, written before looking for rivals
                write_text_atomic(self.work / JOB_FILE, json.dumps(self.job, indent=2) + "\n")
        except OSError as exc:
            if disk_full(exc):
                raise OutputError(self._full(exc, "starting the experiment")) from None
            raise OutputError(f"{self.work.parent}: cannot create results folder ({exc.strerror})") from None
        rival = self._rival()
        if rival is not None:
            raise OutputError(rival)
        for stale in self.parts.glob(".tmp-*"):  # a replication cut off while being written
            shutil.rmtree(stale, ignore_errors=True)

    def _rival(self) -> str | None:
        """Another experiment aiming at the same results folder, running or interrupted: why this one
        cannot start (checked after this one's claim is written, so of two started at once, at
        least one sees the other)."""
        for work, job in _work_folders(self.work.parent):
            if work == self.work or job.get("fingerprint") == self.job.get("fingerprint"):
                continue
            if Path(str(job.get("out", ""))).name != self.out.name:
                continue
            command = job.get("command")
            by = f" by `{' '.join(map(str, command))}`" if isinstance(command, list) and command else ""
            started = f", started {job['started']}" if job.get("started") else ""
            state = "is being written" if _busy(work) else "has unfinished results"
            return (f"{self.out}: another experiment with different settings (configs, seed, replications or "
                    f"tables){by}{started} {state} for this folder, in {work}. Choose another --out; or run that "
                    f"command again to finish it; or delete {work} to abandon it")
        return None

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
        body = {"scenario": record.scenario, "replication": record.replication, "seed": record.seed,
                "metrics": record.metrics}
        try:
            tmp.mkdir()
            (tmp / RECORD_FILE).write_text(json.dumps(body) + "\n", encoding="utf-8")  # floats round-trip exactly
            for file, data in finished.files.items():
                (tmp / file).write_bytes(data)
        except OSError as exc:
            shutil.rmtree(tmp, ignore_errors=True)
            if disk_full(exc):
                raise OutputError(self._full(exc, "saving a finished replication")) from None
            raise
        try:
            os.replace(tmp, self.parts / name)
        except OSError:  # already kept (a duplicate): the first copy stands
            shutil.rmtree(tmp, ignore_errors=True)

    def _full(self, exc: OSError, doing: str) -> str:
        """The message for a full disk: where, what was kept, how to go on."""
        room = "disk quota exceeded" if exc.errno != errno.ENOSPC else "no space left on the disk"
        kept = len(self.done())
        if not kept and not self.resumed:
            return (f"{self.work.parent}: {room} while {doing}; no replication had finished, so nothing was kept. "
                    "Free some space on that disk, then run the command again")
        return (f"{self.work}: {room} while {doing}; {kept} finished replication(s) are kept there (the results "
                f"folder will be {self.out}). Free some space on that disk, then run the same command again to "
                f"resume (or delete {self.work} to give up)")

    def metrics(self, scenarios: int, replications: int) -> list[list[dict[str, float]]]:
        """Per scenario, the metrics of replications 0 .. replications - 1, in order."""
        return [
            [json.loads((self.parts / _part_name(s, r) / RECORD_FILE).read_text(encoding="utf-8"))["metrics"]
             for r in range(replications)]
            for s in range(scenarios)
        ]

    def table_parts(self, table: str, scenarios: int, replications: int) -> list[Path]:
        """The pieces of one table, scenario by scenario, replication by replication."""
        file = table_file(table, self.detail_format)
        return [self.parts / _part_name(s, r) / file for s in range(scenarios) for r in range(replications)]

    @property
    def encode(self) -> Callable[[str, Mapping[str, Any]], tuple[str, bytes]]:
        """How workers encode a replication's tables: the detail format's files, and CSV."""
        return functools.partial(encode_table, self.detail_format)

    def finish(self, write: Callable[[Path], None]) -> Path:
        """Assemble the final folder with ``write`` and rename it into place; clean up. (Killed between
        the rename and the clean-up, the work folder is removed by the next run: :func:`remove_leftovers`.)"""
        staging = self.work / "final"
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir()
            write(staging)
        except OSError as exc:
            if not disk_full(exc):
                raise
            shutil.rmtree(staging, ignore_errors=True)  # the space it took back, for the next try
            raise OutputError(self._full(exc, "writing the results folder")) from None
        try:
            os.replace(staging, self.out)
        except OSError as exc:
            raise OutputError(f"{self.out}: cannot create results folder ({exc.strerror})") from None
        self._release()
        shutil.rmtree(self.work, ignore_errors=True)
        return self.out


# --- work folders: claims, and leftovers of finished experiments --------------------------------

def _work_folders(parent: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    """The work folders in ``parent`` with a readable job file, and their jobs."""
    try:
        candidates = sorted(parent.glob(f".*{WORK_SUFFIX}"))
    except OSError:
        return
    for work in candidates:
        try:
            job = json.loads((work / JOB_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(job, dict):
            yield work, job


def _try_lock(work: Path, mode: str = "w") -> IO[str] | None:
    """The work folder's lock, taken, or None if another process holds it (always taken without fcntl)."""
    lock = (work / LOCK_FILE).open(mode)
    if fcntl is not None:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return None
    return lock


def _busy(work: Path) -> bool:
    """Whether a process holds the work folder's lock (is running, or finishing, its experiment)."""
    if fcntl is None:
        return False
    try:
        lock = _try_lock(work, "r")  # never creates the file: the folder may be going away
    except OSError:  # no lock file: nobody holds it
        return False
    if lock is None:
        return True
    lock.close()
    return False


def finished_by(work: Path, job: Mapping[str, Any]) -> Path | None:
    """The results folder the experiment of ``work`` finished into, if it did: its recorded folder
    exists beside it and that folder's manifest holds the experiment's fingerprint."""
    fingerprint, out = job.get("fingerprint"), job.get("out")
    if not isinstance(fingerprint, str) or not isinstance(out, str) or not fingerprint:
        return None
    final = work.parent / Path(out).name
    try:
        manifest = json.loads((final / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return final if isinstance(manifest, dict) and fingerprint in manifest.values() else None


def remove_leftovers(parent: Path) -> list[tuple[Path, Path]]:
    """Remove the work folders in ``parent`` of experiments whose results folder is already in place
    (left by a run stopped between renaming its results into place and removing its work folder);
    return each removed folder with the results folder it had finished."""
    removed = []
    for work, job in _work_folders(parent):
        final = finished_by(work, job)
        if final is None or _busy(work):  # a process still finishing removes its own
            continue
        shutil.rmtree(work, ignore_errors=True)
        if not work.exists():
            removed.append((work, final))
    return removed


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
