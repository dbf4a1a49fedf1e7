"""What the commands raise besides config and output errors: requests that do not make sense
together, and interruptions."""

from __future__ import annotations


class UsageError(Exception):
    """Options that are each valid but do not make sense together."""


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during an experiment: finished replications are kept for a resume."""

    def __init__(self, message: str, terminated: bool = False):
        super().__init__(message)
        self.terminated = terminated


class Terminated(KeyboardInterrupt):
    """SIGTERM, handled like Ctrl-C (a caller may raise it from its SIGTERM handler)."""
