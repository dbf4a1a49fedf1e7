"""Nothing half-done left behind, nothing silent: a work folder left by a run killed just after its
results were renamed into place is removed by the next run; a second experiment aiming at the same
results folder is refused at once; a failed ``plot`` leaves the figures drawn before untouched; a full
disk says where, what was kept and how to resume; a run says how big its detail tables are."""

from __future__ import annotations

import errno
import fcntl
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from matplotlib.figure import Figure

from discharge_sim import api
from discharge_sim.api import runner
from discharge_sim.cli import main
from discharge_sim.io import outputs
from discharge_sim.io.formats import size_text
from discharge_sim.present import figures
from tests.helpers import BASELINE

SHORT = [str(BASELINE), "--days", "10", "--warmup-days", "2", "--replications", "2", "--workers", "1", "--no-plots"]


def run(out: Path | None, *extra: str) -> int:
    return main(["run", *SHORT, *extra, *(["--out", str(out)] if out is not None else [])])


def work_folders(parent: Path) -> list[Path]:
    return sorted(parent.glob(".*.partial"))


def killed_after_the_final_rename(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the process died between renaming the results into place and removing its work folder."""
    real = shutil.rmtree

    def rmtree(path, *args, **kwargs):
        if str(path).endswith(".partial"):
            return None
        return real(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", rmtree)


def interrupted_after_the_first(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C once the first replication is on disk."""
    real = runner.execute

    def execute(experiment, store, workers, scheduler, on_progress, schedule):
        def progress(*args):
            on_progress(*args)
            raise KeyboardInterrupt

        return real(experiment, store, workers, scheduler, progress, schedule)

    monkeypatch.setattr(runner, "execute", execute)


def dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


# --- 1. a work folder left after the final rename ------------------------------------------------

@pytest.fixture
def leftover(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A finished results folder and the work folder its run left beside it."""
    out = tmp_path / "r"
    with monkeypatch.context() as patched:
        killed_after_the_final_rename(patched)
        assert run(out, "--quiet") == 0
    (work,) = work_folders(tmp_path)
    assert (work / "parts").is_dir() and (out / "manifest.json").is_file()
    return out, work


def test_rerunning_a_finished_command_removes_its_leftover_and_says_it_finished(leftover, capsys):
    out, work = leftover
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert run(out, "--quiet") == 2
    err = capsys.readouterr().err
    assert f"{out}: already exists" in err and "finished there already" in err and str(work) in err
    assert "Traceback" not in err
    assert not work.exists()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_run_into_the_same_parent_removes_a_leftover_but_keeps_unfinished_work(leftover, tmp_path, monkeypatch,
                                                                                 capsys):
    out, work = leftover
    with monkeypatch.context() as patched:
        interrupted_after_the_first(patched)
        assert run(tmp_path / "unfinished", "--seed", "9") == 130
    said = capsys.readouterr().out
    assert f"note: removed {work}, the work folder of an earlier run that had finished into {out}" in said
    (unfinished,) = work_folders(tmp_path)
    assert unfinished != work

    assert run(tmp_path / "other", "--quiet") == 0
    assert work_folders(tmp_path) == [unfinished]  # an interrupted run's replications are never thrown away
    assert (out / "manifest.json").is_file() and (tmp_path / "other" / "manifest.json").is_file()


def test_a_leftover_does_not_block_a_rerun_into_the_default_folder(monkeypatch):
    with monkeypatch.context() as patched:
        killed_after_the_final_rename(patched)
        assert run(None, "--quiet") == 0
    results = Path("results")
    assert len(work_folders(results)) == 1
    assert run(None, "--quiet") == 0
    assert work_folders(results) == []
    assert len([p for p in results.iterdir() if (p / "manifest.json").is_file()]) == 2


# --- 2. a results folder is claimed when its experiment starts -----------------------------------

def test_a_different_experiment_into_the_same_out_is_refused_at_once_and_the_first_resumes(tmp_path, monkeypatch,
                                                                                          capsys):
    out = tmp_path / "r"
    with monkeypatch.context() as patched:
        interrupted_after_the_first(patched)
        assert run(out, "--seed", "1", "--quiet") == 130
    (first,) = work_folders(tmp_path)
    capsys.readouterr()

    def never(*_args, **_kwargs):
        raise AssertionError("a refused experiment must not run")

    with monkeypatch.context() as patched:
        patched.setattr(runner, "execute", never)
        assert run(out, "--seed", "2", "--quiet") == 2
        err = capsys.readouterr().err
        assert f"{out}: another experiment with different settings" in err and "has unfinished results" in err
        assert str(first) in err and "--seed 1" in err and "Choose another --out" in err and "Traceback" not in err
        assert work_folders(tmp_path) == [first] and not out.exists()

        with (first / "lock").open("w") as held:  # the first experiment running in another process
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            assert run(out, "--seed", "2", "--quiet") == 2
            assert "is being written for this folder" in capsys.readouterr().err
        assert work_folders(tmp_path) == [first]

    assert run(out, "--seed", "1", "--quiet") == 0  # the same command still resumes
    assert json.loads((out / "manifest.json").read_text())["resumed"] is True
    assert work_folders(tmp_path) == []


# --- 3. plot swaps in a whole figure set or changes nothing --------------------------------------

@pytest.fixture(scope="module")
def drawn_from(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("plot") / "r"
    assert run(out, "--quiet", "--no-detail") == 0
    return out


@pytest.fixture
def folder(drawn_from: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(drawn_from, tmp_path / "r"))


def tiny(title: str, size: float = 1.0):
    def make(_results):
        figure = Figure(figsize=(size, size))
        figure.add_subplot().plot([0, 1], [0, size])
        return figure, title, f"{title}, drawn small"

    return make


def broken(_results):
    raise RuntimeError("drawing failed half-way")


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_failed_plot_leaves_the_figures_drawn_before_untouched(folder, monkeypatch, capsys):
    monkeypatch.setattr(figures, "FIGURES", (("occupancy", tiny("a")), ("delay_causes", tiny("b")),
                                             ("knock_on", tiny("c"))))
    assert main(["plot", str(folder), "--quiet"]) == 0
    before = snapshot(folder)
    assert {"figures/occupancy.png", "figures/knock_on.pdf", "figures/figures.json"} <= set(before)

    monkeypatch.setattr(figures, "FIGURES", (("occupancy", tiny("A", 2)), ("delay_causes", tiny("B", 2)),
                                             ("knock_on", broken)))
    assert main(["plot", str(folder), "--quiet"]) == 1
    assert "drawing failed half-way" in capsys.readouterr().err
    assert snapshot(folder) == before
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_a_failed_first_plot_leaves_no_figures_folder(folder, monkeypatch):
    monkeypatch.setattr(figures, "FIGURES", (("occupancy", tiny("a")), ("knock_on", broken)))
    assert main(["plot", str(folder), "--quiet"]) == 1
    assert not (folder / "figures").exists()
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


def test_a_plot_replaces_the_figure_set_whole_and_keeps_files_of_ones_own(folder, monkeypatch):
    monkeypatch.setattr(figures, "FIGURES", (("occupancy", tiny("a")), ("knock_on", tiny("c"))))
    assert main(["plot", str(folder), "--quiet"]) == 0
    (folder / "figures" / "notes.txt").write_text("mine")
    monkeypatch.setattr(figures, "FIGURES", (("occupancy", tiny("A", 2)),))
    assert main(["plot", str(folder), "--quiet"]) == 0
    names = sorted(p.name for p in (folder / "figures").iterdir())
    assert names == ["figures.json", "notes.txt", "occupancy.pdf", "occupancy.png"]  # knock_on: no longer drawn
    assert [d["name"] for d in json.loads((folder / "figures" / "figures.json").read_text())] == ["occupancy"]
    assert (folder / "figures" / "notes.txt").read_text() == "mine"


def test_a_plot_killed_half_way_is_tidied_by_the_next(folder, monkeypatch):
    monkeypatch.setattr(figures, "FIGURES", (("occupancy", tiny("a")),))
    assert main(["plot", str(folder), "--quiet"]) == 0
    before = snapshot(folder / "figures")
    pid = dead_pid()
    os.replace(folder / "figures", folder / f".figures.replaced-{pid}")  # killed between the two renames
    (folder / f".figures.drawing-{pid}").mkdir()
    (folder / f".figures.drawing-{pid}" / "occupancy.png").write_bytes(b"half")

    monkeypatch.setattr(figures, "FIGURES", (("occupancy", broken),))
    assert main(["plot", str(folder), "--quiet"]) == 1
    assert snapshot(folder / "figures") == before  # the old set put back
    assert sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) == []


# --- 4. a full disk ------------------------------------------------------------------------------

def no_space(code: int = errno.ENOSPC) -> OSError:
    return OSError(code, os.strerror(code))


def test_a_full_disk_while_saving_a_replication_says_what_was_kept_and_resumes(tmp_path, monkeypatch, capsys):
    out = tmp_path / "r"
    real = Path.write_text
    saved = []

    def write_text(self, *args, **kwargs):
        if self.name == "record.json" and ".tmp-" in self.parent.name:
            saved.append(self)
            if len(saved) == 2:
                raise no_space()
        return real(self, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(Path, "write_text", write_text)
        assert run(out, "--quiet") == 2
    err = capsys.readouterr().err
    (work,) = work_folders(tmp_path)
    assert f"{work}: no space left on the disk while saving a finished replication" in err
    assert "1 finished replication(s) are kept there" in err and "run the same command again to resume" in err
    assert "Traceback" not in err and not out.exists()
    assert sorted(p.name for p in (work / "parts").iterdir()) == ["s0000-r00000"]  # no half-written replication

    assert run(out) == 0
    assert "resuming: 1 replication(s) already finished" in capsys.readouterr().out
    assert work_folders(tmp_path) == []


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EDQUOT], ids=["ENOSPC", "EDQUOT"])
def test_a_full_disk_while_writing_the_results_folder_keeps_every_replication(code, tmp_path, monkeypatch, capsys):
    out = tmp_path / "r"

    def concatenate(dest, _parts):
        dest.write_text("replication,patient\n0,")
        raise no_space(code)

    with monkeypatch.context() as patched:
        patched.setattr(outputs, "concatenate", concatenate)
        assert run(out, "--quiet") == 2
    err = capsys.readouterr().err
    (work,) = work_folders(tmp_path)
    room = "no space left on the disk" if code == errno.ENOSPC else "disk quota exceeded"
    assert f"{work}: {room} while writing the results folder; 2 finished replication(s) are kept there" in err
    assert f"the results folder will be {out}" in err and "run the same command again to resume" in err
    assert "Traceback" not in err and not out.exists()
    assert not (work / "final").exists()  # the half-written folder is removed, giving its space back
    assert run(out, "--quiet") == 0


def test_a_full_disk_while_plotting_changes_no_figure(folder, monkeypatch, capsys):
    monkeypatch.setattr(figures, "FIGURES", (("occupancy", tiny("a")), ("knock_on", tiny("c"))))
    assert main(["plot", str(folder), "--quiet"]) == 0
    before = snapshot(folder)
    real = figures.save_figure

    def save_figure(figure, where, name):
        if name == "knock_on":
            raise no_space()
        return real(figure, where, name)

    monkeypatch.setattr(figures, "save_figure", save_figure)
    assert main(["plot", str(folder), "--quiet"]) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'figures'}: No space left on device while drawing the figures" in err
    assert "the figures drawn before are unchanged" in err and f"discharge-sim plot {folder}" in err
    assert snapshot(folder) == before


# --- 5. the size of the detail tables is said ----------------------------------------------------

def test_a_run_says_how_big_its_detail_tables_are(tmp_path, capsys):
    out = tmp_path / "r"
    assert run(out) == 0
    sizes = {name: size_text((out / name).stat().st_size) for name in ("patients.parquet", "delays.parquet")}
    line = (f"Detail tables: patients.parquet {sizes['patients.parquet']}, delays.parquet {sizes['delays.parquet']} "
            "(--no-detail to skip)")
    assert line in capsys.readouterr().out.splitlines()

    assert run(tmp_path / "text", "--detail-format", "csv") == 0
    assert "Detail tables: patients.csv " in capsys.readouterr().out

    assert run(tmp_path / "lean", "--no-detail") == 0
    assert "Detail tables" not in capsys.readouterr().out


def test_the_api_says_it_too_with_its_own_option(tmp_path):
    said: list[str] = []
    results = api.compare([BASELINE, BASELINE], labels=["a", "b"], days=10, warmup_days=2, replications=1,
                          workers=1, plots=False, detail=True, out=tmp_path / "c", say=said.append)
    (line,) = [s for s in said if s.startswith("Detail tables: ")]
    assert line.endswith("(detail=False to skip)")
    for name in ("patients.parquet", "delays.parquet", "occupancy.csv"):
        assert f"{name} {size_text((results.out / name).stat().st_size)}" in line


@pytest.mark.parametrize("size, text", [(0, "0 bytes"), (999, "999 bytes"), (1000, "1.0 kB"), (9_949, "9.9 kB"),
                                        (9_950, "10 kB"), (999_499, "999 kB"), (999_500, "1.0 MB"),
                                        (37_486_240, "37 MB"), (85_379_787, "85 MB"), (1_234_567_890, "1.2 GB")])
def test_sizes_are_written_as_people_read_them(size, text):
    assert size_text(size) == text
