"""The check command: a config validated, its notes, and the config as it would run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from discharge_sim.analysis.capacity import capacity_notes, surge_notes
from discharge_sim.analysis.sides import convention_notes
from discharge_sim.api.templates import config_text, load
from discharge_sim.config import Config


@dataclass
class Checked:
    """A valid config, what to know about it (beds near capacity, pool loads, surges, the sides each
    convention counts delay against) and its text with every default."""

    config: Config
    notes: list[str]

    @property
    def text(self) -> str:
        """The config as it would run, as YAML."""
        return config_text(self.config)


def check(config: str | Path) -> Checked:
    """Load and validate a config, YAML or a workbook (a :class:`~discharge_sim.config.ConfigError`
    names what is wrong)."""
    loaded = load(Path(config))
    return Checked(loaded, [*capacity_notes(loaded), *surge_notes(loaded), *convention_notes(loaded)])
