"""Single files written whole or not at all."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, write: Callable[[Path], None]) -> Path:
    """Call ``write`` on a temporary file in ``path``'s folder, then rename it over ``path``: a
    reader never sees half a file, and an interrupted write leaves nothing behind."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix or ".tmp", dir=path.parent)
    os.close(handle)
    os.chmod(tmp, 0o666 & ~_umask())  # as an ordinary new file would be, not mkstemp's owner-only 0600
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _umask() -> int:
    """The process's umask, read without setting it (setting it, even for a moment, would race with
    files other threads create: the web app runs experiments in threads)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except OSError:
        pass
    return 0o022  # where /proc is not there to ask: the usual mask


def write_text_atomically(path: Path, text: str) -> Path:
    """``text`` (UTF-8) as the whole of ``path``, written atomically."""
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write_atomically(path, write)


def destination(path: str | Path, force: bool) -> Path:
    """``path`` as a file to write: refused (:class:`~discharge_sim.io.storage.OutputError`) if it is a
    folder, if its folder does not exist, or if it exists and ``force`` is not given."""
    from discharge_sim.io.storage import OutputError

    out = Path(path)
    if out.is_dir():
        raise OutputError(f"{out}: is a folder; give the name of the file to write")
    if out.exists() and not force:
        raise OutputError(f"{out}: already exists; choose another name, or replace it (--force, force=True)")
    if not out.parent.is_dir():
        raise OutputError(f"{out}: the folder {out.parent} does not exist")
    return out


def replace_file(path: Path, write: Callable[[Path], None]) -> Path:
    """:func:`write_atomically`, with a failure to write as an
    :class:`~discharge_sim.io.storage.OutputError` naming the file."""
    from discharge_sim.io.storage import OutputError

    try:
        return write_atomically(path, write)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write the file ({exc.strerror or exc})") from None
