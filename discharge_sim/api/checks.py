"""The check command: a config validated, its notes, and the config as it would run."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from discharge_sim.analysis.capacity import capacity_notes, surge_notes
from discharge_sim.analysis.sides import convention_notes
from discharge_sim.api.templates import config_text, load
from discharge_sim.config import Config, ConfigError, config_to_dict, flatten


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
    names what is wrong). A setting declared uncertain is also checked at both ends of its range:
    the config must be valid there too (each end on its own: settings at their ends together may
    clash where each alone does not)."""
    path = Path(config)
    loaded = load(path)
    for end in ("low", "high"):
        ends = {key: getattr(declared, end) for key, declared in loaded.uncertainty.items()}
        if not ends:
            continue
        try:  # every setting at this end at once; only if that fails, one at a time to name it
            load(path, ends)
        except ConfigError:
            for key, value in ends.items():
                try:
                    load(path, {key: value})
                except ConfigError as exc:
                    raise ConfigError(f"uncertainty.{key}.{end} = {value:g} does not give a valid config: "
                                      f"{exc}") from None
    return Checked(loaded, [*capacity_notes(loaded), *surge_notes(loaded), *convention_notes(loaded),
                            *uncertainty_notes(loaded)])


def uncertainty_notes(config: Config) -> list[str]:
    """One line per setting declared uncertain: its value here, its range and its source."""
    if not config.uncertainty:
        return ["no setting is declared uncertain (uncertainty: in the config): sensitivity and uncertainty "
                "have nothing to vary"]
    values = flatten(config_to_dict(config))
    lines = [f"{len(config.uncertainty)} settings declared uncertain (value here; plausible range; source):"]
    for key, d in config.uncertainty.items():
        if d.distribution == "triangular":
            shape = f"triangular, mode {d.mode:g}"
        elif d.distribution == "normal":
            shape = f"normal, mean {d.mean:g}, sd {d.sd:g}"
        else:
            shape = "uniform"
        outside = "" if d.low <= values[key] <= d.high else " (the value here lies outside the range: a scenario's own)"
        lines.append(f"  {key} = {values[key]:g}{outside}; {d.low:g} to {d.high:g} ({shape}); {d.source}")
    return lines
