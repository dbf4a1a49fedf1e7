"""``discharge-sim app``: options are checked before anything starts (status 2 and a message,
never a traceback), and the server it starts is private: 127.0.0.1 only, no usage statistics,
no file watcher, no tracebacks on the page."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from discharge_sim.app import launch
from discharge_sim.cli import main


@pytest.mark.parametrize(("argv", "said"), [
    (["--port", "80"], "must be a whole number of at least 1,024 and at most 65,535"),
    (["--port", "eighty"], "'eighty' is not a whole number"),
    (["--port", "70000"], "at most 65,535"),
    (["--colour", "blue"], "unrecognized arguments: --colour blue"),
])
def test_bad_options_exit_2_with_a_message(argv, said, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(["app", *argv])
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert said in err and "Traceback" not in err


def test_results_that_name_a_file_exit_2(tmp_path: Path, capsys):
    taken = tmp_path / "results"
    taken.write_text("not a folder")
    assert main(["app", "--results", str(taken), "--port", "8599"]) == 2
    err = capsys.readouterr().err
    assert f"--results {taken}: a file is there, not a folder" in err and "Traceback" not in err


def test_a_port_in_use_exits_2_and_suggests_another(capsys):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        if port < 1024 or port >= 65535:
            pytest.skip("the system gave a port outside what --port takes")
        assert main(["app", "--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"--port {port}: another program" in err and f"--port {port + 1}" in err


def test_the_server_is_private_and_serves_the_page():
    args = launch.streamlit_args(8642)
    assert args[:2] == ["run", str(launch.PAGE)] and launch.PAGE.is_file()
    options = dict(zip(args[2::2], args[3::2]))
    assert options["--server.address"] == "127.0.0.1" and options["--server.port"] == "8642"
    assert options["--server.headless"] == "true" and options["--browser.gatherUsageStats"] == "false"
    assert options["--server.fileWatcherType"] == "none" and options["--client.showErrorDetails"] == "none"
    assert options["--runner.magicEnabled"] == "false"  # no stray string shown on the page
    assert options["--client.toolbarMode"] == "minimal"

