"""The pack command: a board pack (HTML for any screen, A4 PDF) from a results folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from discharge_sim.api.reports import reading
from discharge_sim.io.files import replace_file
from discharge_sim.io.storage import OutputError

PACK_HTML = "board-pack.html"
PACK_PDF = "board-pack.pdf"


@dataclass(frozen=True)
class Pack:
    """The board pack written into a results folder, and what it could not include."""

    html: Path
    pdf: Path
    notes: list[str] = field(default_factory=list)


def pack(results: str | Path, uncertainty: str | Path | None = None, observed: str | Path | None = None) -> Pack:
    """Write ``board-pack.html`` and ``board-pack.pdf`` into the results folder (run, compare, sweep
    or attribute), with the range of the answer over an uncertainty run's assumption sets where
    ``uncertainty`` names its folder, and the observed daily series of a fitted extract where
    ``observed`` names the fit's folder. Each file is replaced whole or not at all."""
    from discharge_sim.present.blocks import to_html  # matplotlib and reportlab: only when a pack is made
    from discharge_sim.present.pack import build_pack
    from discharge_sim.present.pdf import pdf_bytes

    folder = Path(results)
    extra = _folder(uncertainty, "an uncertainty run")
    fitted = _folder(observed, "discharge-sim fit")
    _packable(folder)
    with reading(folder):
        built = build_pack(folder, extra, fitted)
        page = to_html(built.blocks(), folder)
        document = pdf_bytes(built)

    def write_page(tmp: Path) -> None:
        tmp.write_text(page, encoding="utf-8")

    def write_document(tmp: Path) -> None:
        tmp.write_bytes(document)

    html_path = replace_file(folder / PACK_HTML, write_page)
    pdf_path = replace_file(folder / PACK_PDF, write_document)
    return Pack(html_path, pdf_path, built.notes)


def _folder(path: str | Path | None, writer: str) -> Path | None:
    if path is None:
        return None
    if not Path(path).is_dir():
        raise OutputError(f"{path}: no such folder; give the folder {writer} wrote")
    return Path(path)


OTHER_FOLDERS = (
    ("uncertainty.json", "an uncertainty folder: add its range of the answer to the pack of a run or comparison, "
                         "discharge-sim pack RESULTS_DIR --uncertainty {folder}"),
    ("fit.json", "a fit folder: chart its observed daily series in the pack of a run of the fitted config, "
                 "discharge-sim pack RESULTS_DIR --observed {folder}"),
    ("sensitivity.json", "a sensitivity folder: its findings are in sensitivity.json and its figures (discharge-sim "
                         "plot {folder}); a pack is made from a run, compare, sweep or attribute folder"),
    ("calibration.json", "a calibrate folder: run its fitted.yaml, then pack that run's folder"),
)
"""Folders other commands write, and how each reaches a board pack."""


def _packable(folder: Path) -> None:
    """Refuse, with the way to use it, a folder another command wrote."""
    for name, words in OTHER_FOLDERS:
        if (folder / name).is_file():
            raise OutputError(f"{folder}: {words.format(folder=folder)}")
