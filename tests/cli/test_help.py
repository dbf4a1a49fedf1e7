"""--help on the program and on each of its commands: exit status 0, and exactly the options
the command takes (listed here by hand, not read from the parser)."""

from __future__ import annotations

import pytest

from discharge_sim.cli import main

COMMANDS = ("run", "compare", "sweep", "warmup", "attribute", "calibrate", "sensitivity", "uncertainty", "plot",
            "report", "pack", "validate", "check", "template", "targets", "fit", "synth", "app")
RUNS = {"--out", "--replications", "--target-half-width", "--min-replications", "--max-replications", "--seed",
        "--days", "--workers", "--scheduler", "--resume", "--quiet"}
MEASURED = {"--warmup-days", "--detail", "--no-detail", "--detail-format", "--plots", "--no-plots"}
OPTIONS = {
    "run": RUNS | MEASURED | {"--from-manifest"},
    "compare": RUNS | MEASURED,
    "sweep": RUNS | MEASURED | {"--set"},
    "warmup": RUNS,
    "attribute": RUNS | MEASURED | {"--by", "--convention", "--against"},
    "calibrate": RUNS | {"--warmup-days", "--target", "--vary", "--points", "--rounds"},
    "sensitivity": RUNS | {"--warmup-days", "--plots", "--no-plots", "--convention", "--trajectories", "--top",
                           "--samples"},
    "uncertainty": RUNS | {"--warmup-days", "--plots", "--no-plots", "--convention", "--points", "--targets",
                           "--cutoff"},
    "plot": {"--quiet"},
    "report": {"--quiet"},
    "pack": {"--quiet", "--uncertainty", "--observed"},
    "validate": {"--out", "--seed", "--quick", "--plots", "--no-plots", "--workers", "--quiet"},
    "check": set(),
    "template": {"--xlsx", "--from-xlsx", "--extract", "--out", "--force"},
    "targets": {"--trust", "--council", "--from", "--to", "--reason-shares", "--as-council", "--out", "--force",
                "--quiet"},
    "fit": {"--base", "--extract-end", "--out", "--holdout-months", "--replications", "--seed", "--correct-waits",
            "--no-correct-waits", "--workers", "--plots", "--no-plots", "--quiet"},
    "synth": {"--out", "--start", "--seed", "--milestones", "--no-milestones", "--force", "--quiet"},
    "app": {"--port", "--results"},
}
POSITIONAL = {"run": "CONFIG", "compare": "CONFIG", "sweep": "CONFIG", "warmup": "CONFIG", "attribute": "CONFIG",
              "calibrate": "CONFIG", "sensitivity": "CONFIG", "uncertainty": "CONFIG", "plot": "RESULTS_DIR", "report": "RESULTS_DIR", "pack": "RESULTS_DIR", "validate": "CONFIG",
              "check": "CONFIG", "template": "CONFIG", "targets": "FILE", "fit": "EXTRACT", "synth": "CONFIG",
              "app": None}


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as stopped:
        main([*argv, "--help"])
    assert stopped.value.code == 0
    return capsys.readouterr().out


def _listed_options(text: str) -> set[str]:
    """Option strings of the option lines (indented two spaces), e.g. ``  --detail, --no-detail``."""
    found = set()
    for line in text.splitlines():
        if line.startswith("  -"):
            invocation = line.strip().split("  ")[0]
            found |= {part.split()[0] for part in invocation.split(", ")}
    return found


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")


def test_program_help_lists_every_command(capsys):
    text = _help([], capsys)
    assert text.startswith("usage: discharge-sim")
    for command in COMMANDS:
        assert f"\n    {command}" in text, command


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_help_showing_its_options(command, capsys):
    text = _help([command], capsys)
    assert text.startswith(f"usage: discharge-sim {command}")
    usage = text.split("\n\n", 1)[0]
    if POSITIONAL[command] is None:  # options only
        assert usage.rstrip().endswith("]"), usage
    else:
        assert POSITIONAL[command] in usage
    assert _listed_options(text) == OPTIONS[command] | {"-h", "--help"}
