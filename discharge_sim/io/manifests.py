"""Manifests: what a results folder was made from (configs as run, seed, plan, tables), with what
software, where and when; and the checks that let ``run --from-manifest`` repeat a run exactly."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import platform
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from discharge_sim.config import config_from_dict, config_to_dict
from discharge_sim.experiments.specification import DETAIL_TABLES, Experiment, ReplicationPlan, Scenario
from discharge_sim.io.outputs import Outcome
from discharge_sim.io.storage import PartialResults
from discharge_sim.version import __version__
from discharge_sim.vocabulary import DETAIL_FORMATS

DEPENDENCIES = ("simpy", "numpy", "scipy", "pydantic", "pyyaml", "matplotlib", "tqdm", "pyarrow")
"""Packages whose versions every manifest records."""


class ManifestError(Exception):
    """A manifest that cannot be used to repeat a run (missing, damaged or edited)."""


def now() -> str:
    """The time stamps manifests record: UTC, to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def config_hash(as_run: Mapping[str, Any]) -> str:
    """SHA-256 of the config as run (canonical JSON): equal hashes, equal scenarios."""
    text = json.dumps(as_run, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def software() -> dict[str, Any]:
    """The Python and package versions a manifest records."""
    return {"python": platform.python_version(), "dependencies": {name: _version(name) for name in DEPENDENCIES}}


def tool(command: Sequence[str]) -> dict[str, Any]:
    """Which tool, which version and which command made the folder."""
    return {"tool": "discharge-sim", "version": __version__, "command": list(command)}


def execution(workers: int, scheduler: str | None) -> dict[str, Any]:
    return {"scheduler": scheduler} if scheduler else {"workers": workers}


def when_and_where(store: PartialResults, workers: int, scheduler: str | None) -> dict[str, Any]:
    """The manifest's record of when and on what a results folder was made."""
    return {
        "started": store.job.get("started"),
        "finished": now(),
        "resumed": store.resumed,
        "execution": execution(workers, scheduler),
        **software(),
    }


def experiment_manifest(experiment: Experiment, paths: Sequence[str], command: Sequence[str], store: PartialResults,
                        outcome: Outcome, wall_seconds: float, workers: int, scheduler: str | None) -> dict[str, Any]:
    """Provenance: what ran (configs as run, seed, plan), with what, where and when."""
    scenarios: list[dict[str, Any]] = []
    for s in experiment.scenarios:
        as_run = config_to_dict(s.config)
        scenarios.append({"label": s.label, "settings": dict(s.settings), "config_sha256": config_hash(as_run),
                          "config": as_run})
    manifest: dict[str, Any] = {
        **tool(command),
        "kind": experiment.kind,
        "config_paths": list(paths),
        "seed": experiment.seed,
        "replications": outcome.replications,
        "replication_rule": outcome.rule,
        **when_and_where(store, workers, scheduler),
        "wall_seconds_this_session": round(wall_seconds, 3),
        "experiment_sha256": experiment.fingerprint(__version__),
        "tables": list(experiment.tables),
        "detail_format": experiment.detail_format,
        "plan": dataclasses.asdict(experiment.plan),
    }
    if len(scenarios) == 1:
        only = scenarios[0]
        manifest.update(config_path=paths[0], config_name=only["config"]["name"],
                        config_sha256=only["config_sha256"], config=only["config"])
    else:
        manifest["scenarios"] = scenarios
    return manifest


@dataclasses.dataclass(frozen=True)
class Recorded:
    """A run recorded in a manifest, checked against its own hashes."""

    experiment: Experiment
    config_path: str
    written_by: str


def recorded_run(path: Path) -> Recorded:
    """The experiment a run's manifest.json records; :class:`ManifestError` if it cannot be repeated."""
    where = f"--from-manifest {path}"
    if path.is_dir():
        raise ManifestError(f"{where}: a folder; give the manifest.json inside it ({path / 'manifest.json'})")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ManifestError(f"{where}: cannot read it ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ManifestError(f"{where}: not a text file; give a results folder's manifest.json") from None
    except json.JSONDecodeError as exc:
        raise ManifestError(f"{where}: not a JSON file ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "run":
        kind = manifest.get("kind") if isinstance(manifest, dict) else None
        raise ManifestError(f"{where}: not the manifest of a run (kind {kind!r}); give the manifest.json of a folder "
                            "written by discharge-sim run")
    missing = [key for key in ("config", "config_sha256", "seed", "tables", "plan", "experiment_sha256")
               if key not in manifest]
    if missing:
        raise ManifestError(f"{where}: it has no {', '.join(map(repr, missing))}; it is damaged, or was written by an "
                            "older discharge-sim that did not record enough to repeat the run")
    if config_hash(manifest["config"]) != manifest["config_sha256"]:
        raise ManifestError(f"{where}: its config does not match its config_sha256; the manifest has been edited")
    config = config_from_dict(manifest["config"], source=f"{path}: config")
    try:
        seed, tables = manifest["seed"], tuple(manifest["tables"])
        if not isinstance(seed, int) or isinstance(seed, bool) or seed < 0:
            raise ValueError(f"seed {seed!r} is not a non-negative integer")
        if not set(tables) <= set(DETAIL_TABLES):
            raise ValueError(f"tables {list(tables)!r} are not among {', '.join(DETAIL_TABLES)}")
        plan = ReplicationPlan(**manifest["plan"])
        detail_format = manifest.get("detail_format", "csv")  # folders written before Parquet hold CSV
        if detail_format not in DETAIL_FORMATS:
            raise ValueError(f"detail_format {detail_format!r} is not one of {', '.join(DETAIL_FORMATS)}")
    except (TypeError, ValueError) as exc:
        raise ManifestError(f"{where}: {exc}; the manifest is damaged or has been edited") from None
    experiment = Experiment("run", (Scenario(config.name, config),), seed, plan, tables, detail_format=detail_format)
    written_by = str(manifest.get("version"))
    if experiment.fingerprint(written_by) != manifest["experiment_sha256"]:
        raise ManifestError(f"{where}: its seed, replication plan, tables or version do not match its "
                            "experiment_sha256; the manifest has been edited")
    return Recorded(experiment, str(manifest.get("config_path", path)), written_by)


def _version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
