"""A corpus of broken and absurd configs (tests/cli/fuzz/*.yaml): `check` refuses every one with
exit 2 and a message naming the field, never a traceback or an internal error, and writes nothing;
the few that are legal but risky pass with a note instead. A few also go through `run`.

Each file starts with two comment lines: ``# wrong:`` says what is wrong, ``# field:`` is what the
message (or, for the risky ones, the note) must contain. Overlays extend the shipped baseline.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from discharge_sim.config import Config
from tests.helpers import status

CORPUS = Path(__file__).resolve().parent / "fuzz"
FILES = sorted(CORPUS.glob("*.yaml"))
RISKY = {
    "risky_hospital_overloaded": "a hospital of half the beds: legal, but full for the whole run",
    "risky_hospital_near_capacity": "beds for 96% of the expected load: legal, near capacity",
    "risky_pool_overloaded": "a pool far smaller than its load: legal, its queue grows for ever",
    "risky_surge_outside_run": "a surge after the run ends: legal, but it changes nothing",
}
"""Legal configs that deserve a note: exit 0, the note printed by check (and run)."""
ALSO_RUN = ["hospital_beds_huge", "emergency_admissions_huge", "name_too_long", "run_seed_too_big",
            "step_unknown_pool", "yaml_duplicate_key", "empty_file", "risky_hospital_overloaded"]
"""Also given to ``run --days 2``: refused (or noted) before anything is written."""


def header(path: Path) -> dict[str, str]:
    lines = path.read_bytes().decode("utf-8", "replace").splitlines()
    return {m["key"]: m["value"] for line in lines[:2] if (m := re.match(r"# (?P<key>wrong|field): (?P<value>.+)", line))}


def output(capsys: pytest.CaptureFixture[str]) -> tuple[str, str]:
    captured = capsys.readouterr()
    for text in (captured.out, captured.err):
        assert "Traceback" not in text and "internal error" not in text, text
    return captured.out, captured.err


def test_the_corpus_is_large_and_covers_every_section():
    assert len(FILES) >= 60
    for path in FILES:
        assert set(header(path)) == {"wrong", "field"}, f"{path.name}: needs '# wrong:' and '# field:' lines"
    texts = [path.read_bytes().decode("utf-8", "replace") for path in FILES]
    for section in Config.model_fields:
        assert any(re.search(rf"^{section}:", text, re.MULTILINE) for text in texts), f"no config breaks {section}"
    assert set(RISKY) <= {path.stem for path in FILES}


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_check_refuses_or_notes_each_config(path, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    field = header(path)["field"]
    code = status(["check", str(path)])
    out, err = output(capsys)
    if path.stem in RISKY:
        assert code == 0, err
        notes = [line for line in out.splitlines() if line.startswith("# ")]
        assert any(field in line for line in notes), (field, notes)
    else:
        assert code == 2, out[:500]
        assert err.startswith("discharge-sim: error:"), err
        assert field in err, f"{field!r} not in {err!r}"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ALSO_RUN)
def test_run_refuses_or_notes_before_writing(name, tmp_path, capsys):
    path = CORPUS / f"{name}.yaml"
    field = header(path)["field"]
    out_folder = tmp_path / "out"
    code = status(["run", str(path), "--days", "2", "--warmup-days", "0", "--replications", "1", "--workers", "1",
                   "--no-plots", "--no-detail", "--out", str(out_folder)])
    out, err = output(capsys)
    if name in RISKY:
        assert code == 0 and any(line.startswith("note: ") and field in line for line in out.splitlines())
        assert [p.name for p in tmp_path.iterdir()] == ["out"]
    else:
        assert code == 2 and field in err, err
        assert list(tmp_path.iterdir()) == []
