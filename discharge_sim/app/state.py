"""What one browser session keeps between reruns of the page: the config in use (as config data,
with where it came from), which uploads have been read, and the last results folder. Streamlit
reruns the page's script on every click; everything else is recomputed from these."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from discharge_sim.app.jobs import Job

RESULTS_ENV = "DISCHARGE_SIM_APP_RESULTS"
"""The results folder root, set by ``discharge-sim app --results DIR`` for the page it starts."""
DEFAULT_RESULTS = "results"


def results_root() -> Path:
    """Where new results folders go: ``--results DIR``, by default ``results`` in the working folder."""
    return Path(os.environ.get(RESULTS_ENV) or DEFAULT_RESULTS)


@dataclass(frozen=True)
class Loaded:
    """The config in use, before the page's edits: its data, what the page calls its source, the
    shipped file it was read from (the base of a fit), and a number that changes with every load,
    so that the page's fields start again from the new config."""

    raw: dict[str, Any]
    source: str
    path: Path | None
    version: int


def loaded() -> Loaded | None:
    found = st.session_state.get("loaded")
    return found if isinstance(found, Loaded) else None


def use(raw: dict[str, Any], source: str, path: Path | None = None) -> Loaded:
    """Make ``raw`` the config in use; the last results stay on show until the next run."""
    previous = loaded()
    now = Loaded(raw, source, path, (previous.version + 1) if previous else 0)
    st.session_state["loaded"] = now
    return now


def seen(upload: str) -> bool:
    """Whether this upload (its file id) has been read already: a file stays in its field across
    reruns, and is read once."""
    return upload in st.session_state.get("uploads", ())


def mark_seen(upload: str) -> None:
    st.session_state["uploads"] = (*st.session_state.get("uploads", ()), upload)


def results() -> Path | None:
    found = st.session_state.get("results")
    return Path(found) if found else None


def set_results(folder: Path, notes: list[str]) -> None:
    st.session_state["results"] = str(folder)
    st.session_state["notes"] = list(notes)


def notes() -> list[str]:
    return list(st.session_state.get("notes", []))


def job() -> Job | None:
    """The experiment started from this session, running or finished, if any."""
    found = st.session_state.get("job")
    return found if isinstance(found, Job) else None


def set_job(started: Job) -> None:
    st.session_state["job"] = started


def set_fit(name: str, out: Path) -> None:
    """The extract being fitted and the fit's folder, for the page to say once it is done."""
    st.session_state["fitting"] = (name, str(out))


def fit() -> tuple[str, Path]:
    name, out = st.session_state.get("fitting", ("the extract", "."))
    return str(name), Path(out)

