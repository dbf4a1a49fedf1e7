"""Patients' records leave the model as they leave the hospital, in blocks of columns.

A patient's record is final once their departure is known (or they are cancelled or turned away):
from then on nothing in the model changes it. :class:`Records` takes such patients, and every
``block`` of them turns them into columns (the patient table and their ledger segments) and hands
the block to its sinks, which accumulate what they need (metrics, daily series). The patient
objects are then dropped, so a replication holds only the patients still in the system, whatever
the number that passed through. Patients still in the system at the horizon are recorded last,
cut at the horizon.

Kept records (``keep``) are the blocks joined and put in patient order, as one table per kind.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

from discharge_sim.model.patient import Patient

Columns = dict[str, np.ndarray]

BLOCK = 1024
"""Patients per block: large enough that numpy's per-call cost is spread thin, small enough that a
block's columns are a few hundred KiB."""


class RecordSink(Protocol):
    """Something that accumulates what it needs from blocks of records."""

    def add(self, patients: Columns, segments: Columns) -> None:
        """One block: patient columns and the ledger segments of exactly those patients."""


class Records:
    """Collects finished patients and passes them on in blocks (see the module's docstring)."""

    def __init__(self, to_columns: Callable[[list[Patient]], tuple[Columns, Columns]],
                 sinks: Sequence[RecordSink] = (), keep: bool = True, block: int | None = None):
        self._to_columns = to_columns
        self._sinks = list(sinks)
        self._keep = keep
        self._block = block or BLOCK
        self._pending: list[Patient] = []
        self._kept: list[tuple[Columns, Columns]] = []

    def leave(self, patient: Patient) -> None:
        """``patient``'s record is final."""
        pending = self._pending
        pending.append(patient)
        if len(pending) >= self._block:
            self._flush()

    def _flush(self) -> None:
        pending = self._pending
        if not pending:
            return
        patients, segments = self._to_columns(pending)
        for patient in pending:  # a patient and their discharge run point at each other
            patient.discharge = None
        self._pending = []
        for sink in self._sinks:
            sink.add(patients, segments)
        if self._keep:
            self._kept.append((patients, segments))

    def close(self, remaining: Sequence[Patient]) -> tuple[Columns, Columns]:
        """Record the patients still in the system (at the horizon) and end: the kept tables in
        patient order, or empty tables if records are not kept."""
        for patient in remaining:
            self.leave(patient)
        self._flush()
        kept, self._kept = self._kept, []
        if not kept:
            empty = self._to_columns([])
            return empty
        return _in_patient_order([p for p, _ in kept], [s for _, s in kept])


def _in_patient_order(patients: list[Columns], segments: list[Columns]) -> tuple[Columns, Columns]:
    """Blocks joined and sorted by patient id; a patient's segments keep their time order (they
    are contiguous in one block and the sort is stable)."""
    p = {k: np.concatenate([b[k] for b in patients]) for k in patients[0]}
    s = {k: np.concatenate([b[k] for b in segments]) for k in segments[0]}
    order = np.argsort(p["id"], kind="stable")
    seg_order = np.argsort(s["patient"], kind="stable")
    return {k: v[order] for k, v in p.items()}, {k: v[seg_order] for k, v in s.items()}
