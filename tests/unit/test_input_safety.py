"""Input that must be refused plainly, never hang, exhaust memory or reach the page as markup: YAML
alias bombs, deep nesting, duplicate keys, pipes and devices, true/false as numbers, durations the
samplers cannot draw, misspelt names in overlays; figure lists and names in reports.

Each refusal exits with status 2 and a message naming the field, without a traceback. Cases that
could hang or fill memory run in a subprocess with a timeout and a memory cap.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from discharge_sim import api
from discharge_sim.cli import main

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "configs" / "baseline.yaml"
SECONDS = 20
"""How long a refusal may take in a subprocess; each takes well under a second."""


def overlay(tmp_path: Path, text: str, name: str = "changed.yaml") -> Path:
    """A config file laying ``text`` over the shipped baseline."""
    path = tmp_path / name
    path.write_text(f"extends: {BASELINE}\n{text}", encoding="utf-8")
    return path


def check(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["check", str(path)])
    return code, capsys.readouterr().err


def assert_refused(code: int, err: str, *words: str) -> None:
    assert code == 2, err
    assert "Traceback" not in err and "internal error" not in err, err
    for word in words:
        assert word in err, f"{word!r} not in: {err}"


def _cap_memory() -> None:  # pragma: no cover - runs in the child process
    import resource

    limit = 3 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def check_in_subprocess(*argv: str) -> tuple[int, str, float]:
    """``discharge-sim check ...`` in a child process with a timeout and (where the system allows)
    a memory cap, so that input which hangs or fills memory fails the test rather than the machine."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "discharge_sim", "check", *argv], capture_output=True, text=True,
                          timeout=SECONDS, cwd=ROOT, preexec_fn=_cap_memory if sys.platform != "win32" else None)
    return done.returncode, done.stderr, time.monotonic() - started


# --- YAML: alias bombs, deep nesting, duplicate keys ---------------------------------------------


def billion_laughs(levels: int = 9) -> str:
    lines = ['lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels):
        lines.append(f"lol{i}: &lol{i} [{', '.join([f'*lol{i - 1}'] * 9)}]")
    return "\n".join(lines) + "\n"


def test_an_alias_bomb_is_refused_within_seconds(tmp_path):
    path = overlay(tmp_path, billion_laughs() + "description: *lol8\n")
    code, err, seconds = check_in_subprocess(str(path))
    assert_refused(code, err, str(path), "100,000 values", "aliases")
    assert seconds < SECONDS


def test_an_alias_bomb_in_a_numeric_field_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, billion_laughs(6) + "emergency: {hour_of_day_profile: *lol5}\n")
    assert_refused(*check(path, capsys), "100,000 values")


def test_a_huge_value_is_shown_in_a_message_without_expanding_it():
    """The error path shows a value by its first characters; it must not build the whole text."""
    code = ("from discharge_sim.config.errors import show\n"
            "v = ['lol'] * 9\n"
            "for _ in range(9): v = [v] * 9\n"
            "print(show(v))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=SECONDS,
                          preexec_fn=_cap_memory if sys.platform != "win32" else None)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith("[[[[[[[[[['lol', 'lol'") and done.stdout.strip().endswith("...")


def test_an_alias_that_contains_itself_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, "description: &loop [1, *loop]\n")
    assert_refused(*check(path, capsys), "description", "contains it")


def test_yaml_nested_500_levels_deep_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, "description: " + "[" * 500 + "]" * 500 + "\n")
    assert_refused(*check(path, capsys), "nested more than 50 levels", "line 2")


def test_yaml_nested_deep_in_block_style_is_refused(tmp_path, capsys):
    text = "description:\n" + "".join("  " * (i + 1) + "k:\n" for i in range(500)) + "  " * 501 + "1\n"
    assert_refused(*check(overlay(tmp_path, text), capsys), "nested more than 50 levels")


def test_aliases_that_nest_deep_once_expanded_are_refused(tmp_path, capsys):
    text = ""
    for i in range(6):
        inner = f"*a{i - 1}" if i else "1"
        text += f"k{i}: &a{i} {'[' * 20}{inner}{']' * 20}\n"
    assert_refused(*check(overlay(tmp_path, text + "description: *a5\n"), capsys), "nest more than 50 levels")


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path, capsys):
    path = overlay(tmp_path, "hospital:\n  beds: 600\n  beds: 6\n")
    assert_refused(*check(path, capsys), "hospital.beds", "twice", "line 3", "line 4")


def test_a_top_level_key_given_twice_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, "name: one\nrun: {days: 50}\nname: two\n")
    assert_refused(*check(path, capsys), "name is given twice", "line 2", "line 4")


def test_a_merge_key_is_not_a_duplicate(tmp_path):
    from discharge_sim.config import read_yaml

    path = tmp_path / "merge.yaml"
    path.write_text("base: &base {a: 1, b: 2}\nchanged:\n  <<: *base\n  a: 3\n")
    assert read_yaml(path)["changed"] == {"a": 3, "b": 2}


# --- files that are not files ---------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_extends_naming_a_pipe_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    path = tmp_path / "changed.yaml"
    path.write_text("extends: pipe.yaml\nname: x\n")
    code, err, _ = check_in_subprocess(str(path))
    assert_refused(code, err, "extends: pipe.yaml", "named pipe")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes")
def test_a_pipe_as_the_config_is_refused_without_waiting(tmp_path):
    os.mkfifo(tmp_path / "pipe.yaml")
    code, err, _ = check_in_subprocess(str(tmp_path / "pipe.yaml"))
    assert_refused(code, err, "pipe.yaml", "named pipe")


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="a device to read")
def test_extends_naming_a_device_is_refused(tmp_path):
    path = tmp_path / "changed.yaml"
    path.write_text("extends: /dev/zero\nname: x\n")
    code, err, _ = check_in_subprocess(str(path))
    assert_refused(code, err, "extends: /dev/zero", "character device")


def test_a_huge_config_file_is_refused(tmp_path, capsys):
    big = tmp_path / "big.yaml"
    big.write_text(f"extends: {BASELINE}\n# {'x' * (6 * 1024 * 1024)}\n")
    assert_refused(*check(big, capsys), "big.yaml", "at most 5 MB")
    path = tmp_path / "changed.yaml"
    path.write_text("extends: big.yaml\nname: x\n")
    assert_refused(*check(path, capsys), "extends: big.yaml", "at most 5 MB")


# --- settings that ran as nonsense -----------------------------------------------------------------


def test_true_is_not_a_number_of_beds(tmp_path, capsys):
    assert_refused(*check(overlay(tmp_path, "hospital: {beds: true}\n"), capsys),
                   "hospital.beds = true", "not numbers", "whole number")


@pytest.mark.parametrize(("text", "field"), [
    ("run: {replications: true}\n", "run.replications = true"),
    ("steps: {transport: {probability: false}}\n", "steps.transport.probability = false"),
    ("elective: {admissions_per_weekday: {mon: true}}\n", "elective.admissions_per_weekday.mon = true"),
    ("emergency: {hour_of_day_profile: [1, 1, 1, true, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}\n",
     "emergency.hour_of_day_profile.3 = true"),
    ("pools: {reablement: {length_of_stay: {mean_days: true}}}\n", "pools.reablement.length_of_stay.mean_days = true"),
], ids=["int", "probability", "map value", "list item", "nested model"])
def test_true_and_false_are_not_numbers_anywhere(tmp_path, capsys, text, field):
    assert_refused(*check(overlay(tmp_path, text), capsys), field, "not numbers")


def test_an_sd_the_samplers_cannot_draw_from_is_refused_by_check(tmp_path, capsys):
    path = overlay(tmp_path, "groups: {surgical: {length_of_stay: {sd_days: 1e300}}}\n")
    assert_refused(*check(path, capsys), "groups.surgical.length_of_stay.sd_days = 1e+300", "at most 36,500 days")


def test_a_mean_of_more_than_a_century_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, "steps: {transport: {duration: {distribution: exponential, mean_hours: 1e9, sd_hours: ~}}}\n")
    assert_refused(*check(path, capsys), "steps.transport.duration.mean_hours = 1e+09", "at most 876,000 hours")


def test_an_sd_far_larger_than_its_mean_is_refused(tmp_path, capsys):
    path = overlay(tmp_path, "groups: {surgical: {length_of_stay: {mean_days: 1e-300, sd_days: 1}}}\n")
    assert_refused(*check(path, capsys), "groups.surgical.length_of_stay.sd_days = 1", "1,000 times mean_days")


def test_a_misspelt_pool_in_an_overlay_says_it_adds_a_pool_and_suggests_the_name(tmp_path, capsys):
    code, err = check(overlay(tmp_path, "pools: {nursing_homes: {places: 5}}\n"), capsys)
    assert_refused(code, err, "pools.nursing_homes: adds a new pool", "did you mean the existing pool nursing_home?")
    assert "required setting is missing" not in err


@pytest.mark.parametrize(("text", "words"), [
    ("staff: {pharmacist: {count: 3}}\n", ("staff.pharmacist: adds a new staff team", "pharmacists?")),
    ("groups: {surgicle: {emergency_share: 0.2}}\n", ("groups.surgicle: adds a new group", "surgical?")),
    ("steps: {medicine: {probability: 0.5}}\n", ("steps.medicine: adds a new step", "medicines?")),
], ids=["staff", "group", "step"])
def test_a_misspelt_name_in_any_named_section_is_explained(tmp_path, capsys, text, words):
    assert_refused(*check(overlay(tmp_path, text), capsys), *words)


# --- reports: figures.json and names from configs ---------------------------------------------------

SCRIPTED = """\
name: 'x<script>alert("name")</script>'
description: '<img src=x onerror=alert(1)>'
staff:
  '<b onclick="alert(1)">team</b>': {owner: hospital, count: 1, schedule: pharmacy}
pools:
  "care & <i>support</i>":
    owner: social_care
    dtoc_code: E
    places: 5
    length_of_stay: {distribution: exponential, mean_days: 10}
"""


@pytest.fixture(scope="module")
def scripted_results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small results folder (with figures) of a config whose names hold markup."""
    folder = tmp_path_factory.mktemp("scripted")
    api.run(overlay(folder, SCRIPTED), days=12, warmup_days=2, replications=2, workers=1, out=folder / "results")
    return folder / "results"


def copy_of(results: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(results, tmp_path / "results"))


@pytest.mark.slow
def test_report_md_shows_markup_from_config_names_as_text(scripted_results, tmp_path):
    folder = copy_of(scripted_results, tmp_path)
    assert main(["report", str(folder)]) == 0
    md = (folder / "report.md").read_text(encoding="utf-8")
    for raw in ("<script", "<b ", "<i>", "<img"):
        assert raw not in md
    assert "x&lt;script&gt;alert(\"name\")&lt;/script&gt;" in md
    assert "care &amp; &lt;i&gt;support&lt;/i&gt;" in md
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page and "<b onclick" not in page


def test_report_refuses_a_figure_from_outside_the_results_folder(scripted_results, tmp_path, capsys):
    folder = copy_of(scripted_results, tmp_path)
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not for the report: private bytes")
    index = folder / "figures" / "figures.json"
    listed = json.loads(index.read_text())
    listed.append({"name": "../../secret", "title": "t", "caption": "c"})
    index.write_text(json.dumps(listed))
    code = main(["report", str(folder)])
    err = capsys.readouterr().err
    assert_refused(code, err, "figures.json", "'../../secret'", "not a figure discharge-sim draws")
    embedded = base64.b64encode(secret.read_bytes()).decode("ascii")
    page = folder / "report.html"
    assert not page.exists() or embedded not in page.read_text(encoding="utf-8")


def test_report_refuses_a_figure_name_that_would_inject_an_attribute(scripted_results, tmp_path, capsys):
    folder = copy_of(scripted_results, tmp_path)
    name = 'occupancy" onmouseover="alert(1)'
    shutil.copy(folder / "figures" / "occupancy.png", folder / "figures" / f"{name}.png")
    index = folder / "figures" / "figures.json"
    index.write_text(json.dumps([{"name": name, "title": "t", "caption": "c"}]))
    code = main(["report", str(folder)])
    err = capsys.readouterr().err
    assert_refused(code, err, "figures.json", "not a figure discharge-sim draws")
    page = folder / "report.html"
    assert not page.exists() or "onmouseover" not in page.read_text(encoding="utf-8")


def test_report_refuses_a_catalogue_figure_whose_file_is_missing(scripted_results, tmp_path, capsys):
    folder = copy_of(scripted_results, tmp_path)
    (folder / "figures" / "occupancy.png").unlink()
    code = main(["report", str(folder)])
    assert_refused(code, capsys.readouterr().err, "occupancy.png", "not a file")


def test_a_figure_id_is_escaped_and_a_name_must_be_a_file_stem(tmp_path):
    from discharge_sim.present.blocks import FigureBlock

    with pytest.raises(ValueError, match="file stem"):
        FigureBlock("../../etc/passwd", "t", "c")
    (tmp_path / "figures").mkdir()
    (tmp_path / "figures" / "occupancy.png").write_bytes(b"png")
    html = FigureBlock("occupancy", 'a "quoted" <title>', "c & d").html(tmp_path)[0]
    assert 'alt="a &quot;quoted&quot; &lt;title&gt;"' in html and "c &amp; d" in html
