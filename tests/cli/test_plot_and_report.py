"""The plot and report commands on a folder without figures, and on folders that are not results.
(What the figures and the report show: tests/cli/test_figures.py and tests/cli/test_report.py.)"""

from __future__ import annotations

import pytest

from discharge_sim.cli import main

SHORT = ["--days", "30", "--warmup-days", "10", "--replications", "2", "--workers", "2", "--quiet"]


@pytest.mark.slow
def test_no_plots_then_plot_then_report(tmp_path, capsys):
    out = tmp_path / "bare"
    assert main(["run", *SHORT, "--no-plots", "--no-detail", "--out", str(out)]) == 0
    assert not (out / "figures").exists()
    assert main(["plot", str(out)]) == 0
    assert "delay_causes.png" in capsys.readouterr().out
    assert (out / "figures" / "delay_causes.pdf").exists()
    assert main(["report", str(out), "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    assert "## Results" in (out / "report.md").read_text()
    assert "<img" in (out / "report.html").read_text()


def test_plot_and_report_refuse_a_folder_without_results(tmp_path, capsys):
    for command in ("plot", "report"):
        assert main([command, str(tmp_path)]) == 2
        assert "not a results folder" in capsys.readouterr().err
        assert main([command, str(tmp_path / "nowhere")]) == 2
        assert "no such folder" in capsys.readouterr().err
    run = tmp_path / "run"
    assert main(["run", *SHORT, "--days", "20", "--no-plots", "--no-detail", "--out", str(run)]) == 0
    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "manifest.json").write_bytes((run / "manifest.json").read_bytes())
    (damaged / "summary.json").write_text("{}")
    for command in ("report", "plot"):
        assert main([command, str(damaged)]) == 2
        err = capsys.readouterr().err
        assert "incomplete or damaged" in err and "Traceback" not in err
    (damaged / "summary.json").write_text('{"kind": ')
    assert main(["report", str(damaged)]) == 2
    assert "damaged" in capsys.readouterr().err
    assert not (damaged / "report.html").exists() and not (damaged / "figures").exists()
