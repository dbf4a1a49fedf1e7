"""A run started from the page, in a thread of its own.

Streamlit starts the page's script again on every click or edit, stopping the run of it that was
going. An experiment run inside the script would be stopped half-way by any click while it runs,
and a second click on Run would start a second experiment. Run in a thread instead, it goes on
whatever the page does; the page shows its progress and, once it has finished, its results or
what went wrong, and offers no second Run meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Job:
    """One experiment (a run, or a fit to an extract) in its thread: replications done out of the
    total, and once finished, the path it wrote (a results folder, a fitted config) or the error
    that stopped it, with the notes it made."""

    kind: str
    """``run`` or ``fit``: where on the page it is watched."""
    what: str
    done: int = 0
    total: int = 0
    folder: Path | None = None
    """What the work returned: the results folder of a run, the fitted config of a fit."""
    error: BaseException | None = None
    notes: list[str] = field(default_factory=list)
    finished: bool = False
    collected: bool = False
    """The page has shown what came of it."""

    def tell(self, done: int, total: int) -> None:
        """The progress function the API calls as replications finish."""
        self.done, self.total = done, total

    def say(self, text: str) -> None:
        """The API's notes and status lines, kept for the page."""
        self.notes.append(text)

    @property
    def fraction(self) -> float:
        return min(self.done / self.total, 1.0) if self.total else 0.0


def start(kind: str, what: str, work: Callable[[Job], Path]) -> Job:
    """Run ``work`` (an experiment writing a results folder, or a fit writing a config, whose path
    it returns) in a thread."""
    job = Job(kind, what)

    def run() -> None:
        try:
            job.folder = work(job)
        except Exception as exc:  # shown on the page, as its message: the thread has no one else to tell
            job.error = exc
        finally:
            job.finished = True

    threading.Thread(target=run, name=f"discharge-sim: {what}", daemon=True).start()
    return job
