"""The pieces a report is made of (headings, paragraphs, bullets, tables, figures) and their two
renderings: Markdown, and self-contained HTML with the figures embedded and every number tagged
with where it came from."""

from __future__ import annotations

import base64
import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from discharge_sim.present.formats import FORMATS, mean_interval_text

PLAIN_NAME = re.compile(r"[A-Za-z0-9_-]+")
"""A figure's file stem: no path separators, dots or quotes."""


@dataclass(frozen=True)
class Cell:
    """A table cell: its text and, for a result, where the number came from."""

    text: str
    source: str = ""
    scenario: str = ""
    metric: str = ""
    stat: str = ""

    def html(self) -> str:
        if not self.source:
            return f"<td>{html.escape(self.text)}</td>"
        attrs = " ".join(f'data-{k}="{html.escape(v)}"' for k, v in (
            ("source", self.source), ("scenario", self.scenario), ("metric", self.metric), ("stat", self.stat)))
        return f"<td {attrs}>{html.escape(self.text)}</td>"


def result_cell(source: str, scenario: str, metric: str, ci: Mapping[str, float], kind: str) -> Cell:
    """One cell with a mean and its interval (statistic ``mean_interval``), in the format ``kind``
    (:data:`~discharge_sim.present.formats.FORMATS`), naming where the numbers came from."""
    return Cell(mean_interval_text(ci, FORMATS[kind]), source, scenario, metric, "mean_interval")


@dataclass
class Table:
    """A captioned table of cells; result cells say which file, scenario, metric and statistic they show."""

    caption: str
    header: list[str]
    rows: list[list[Cell]] = field(default_factory=list)

    def markdown(self) -> list[str]:
        return [f"*{markdown_text(self.caption)}*\n", "| " + " | ".join(map(markdown_text, self.header)) + " |",
                "|" + "---|" * len(self.header),
                *("| " + " | ".join(markdown_text(c.text).replace("|", "\\|") for c in row) + " |"
                  for row in self.rows), ""]

    def html(self, _folder: Path) -> list[str]:
        return [f'<div class="table-wrap"><table><caption>{html.escape(self.caption)}</caption>',
                "<thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in self.header) + "</tr></thead><tbody>",
                *("<tr>" + "".join(c.html() for c in row) + "</tr>" for row in self.rows),
                "</tbody></table></div>"]


@dataclass(frozen=True)
class Heading:
    """A section heading; level 1 is the report's title."""

    text: str
    level: int = 2

    def markdown(self) -> list[str]:
        return [f"{'#' * self.level} {markdown_text(self.text)}\n"]

    def html(self, _folder: Path) -> list[str]:
        return [f"<h{self.level}>{html.escape(self.text)}</h{self.level}>"]


@dataclass(frozen=True)
class Paragraph:
    """Plain text with `code` spans."""

    text: str

    def html(self, _folder: Path) -> list[str]:
        return [f"<p>{inline(self.text)}</p>"]

    def markdown(self) -> list[str]:
        return [f"{markdown_text(self.text)}\n"]


@dataclass(frozen=True)
class Bullets:
    """A list of points, each plain text with `code` spans."""

    items: tuple[str, ...]

    def markdown(self) -> list[str]:
        return ["\n".join(f"- {markdown_text(item)}" for item in self.items) + "\n"]

    def html(self, _folder: Path) -> list[str]:
        return ["<ul>" + "".join(f"<li>{inline(i)}</li>" for i in self.items) + "</ul>"]


@dataclass(frozen=True)
class FigureBlock:
    """A figure from ``figures/``, embedded in the HTML and linked (PNG and PDF) from the Markdown.

    ``name`` is the figure's file stem in ``figures/``; the report takes it only from the figure
    catalogue (:data:`discharge_sim.present.figures.FIGURES`), and a name that is not a plain file
    stem is refused here as well.
    """

    name: str
    title: str
    caption: str

    def __post_init__(self) -> None:
        if not PLAIN_NAME.fullmatch(self.name):
            raise ValueError(f"figure name {self.name[:60]!r}: expected a file stem in figures/ (letters, digits, _ -)")

    def markdown(self) -> list[str]:
        name, title = markdown_text(self.name), markdown_text(self.title)
        return [f"![{title}](figures/{name}.png)\n\n*{title}.* {markdown_text(self.caption)} "
                f"([PDF](figures/{name}.pdf))\n"]

    def html(self, folder: Path) -> list[str]:
        data = base64.b64encode((folder / "figures" / f"{self.name}.png").read_bytes()).decode("ascii")
        return [f'<figure id="figure-{html.escape(self.name)}"><img alt="{html.escape(self.title)}" '
                f'src="data:image/png;base64,{data}"><figcaption><b>{html.escape(self.title)}.</b> '
                f"{html.escape(self.caption)}</figcaption></figure>"]


@dataclass(frozen=True)
class ImageBlock:
    """A chart drawn for one document (the board pack's control charts), held as PNG bytes and
    embedded, never written beside the results."""

    name: str
    title: str
    caption: str
    png: bytes

    def markdown(self) -> list[str]:
        return [f"*{markdown_text(self.title)}.* {markdown_text(self.caption)} (chart in the HTML and PDF)\n"]

    def html(self, _folder: Path) -> list[str]:
        data = base64.b64encode(self.png).decode("ascii")
        return [f'<figure id="figure-{html.escape(self.name)}"><img alt="{html.escape(self.title)}" '
                f'src="data:image/png;base64,{data}"><figcaption><b>{html.escape(self.title)}.</b> '
                f"{html.escape(self.caption)}</figcaption></figure>"]


Block = Heading | Paragraph | Bullets | Table | FigureBlock | ImageBlock

STYLE = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: Arial, Helvetica, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; overflow-wrap: break-word; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: 0.5em 0 1.5em; }
.table-wrap table { margin: 0; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.6em; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
caption { text-align: left; font-style: italic; margin-bottom: 0.3em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.5em; vertical-align: top; }
td[data-metric] { text-align: right; white-space: nowrap; }
th { background: #f2f2f2; text-align: left; }
figure { margin: 1em 0 2em; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: 0.9em; color: #444; }
code { background: #f4f4f4; padding: 0 0.2em; }
"""


def to_markdown(blocks: Sequence[Block]) -> str:
    return "\n".join(line for b in blocks for line in b.markdown())


def to_html(blocks: Sequence[Block], folder: Path) -> str:
    """One self-contained page: styles inline, figures embedded as data, nothing loaded from elsewhere."""
    title = next((b.text for b in blocks if isinstance(b, Heading)), "discharge-sim report")
    out = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{html.escape(title)}</title>", f"<style>{STYLE}</style>", "</head>", "<body>"]
    out += [line for b in blocks for line in b.html(folder)]
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def markdown_text(text: str) -> str:
    """Text for report.md with the characters that start HTML escaped (& < >), so that names from
    configs and results show as written and never as markup in a viewer that renders HTML; quotes
    need no escaping outside a tag."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline(text: str) -> str:
    """Escape, and show `code` spans."""
    parts = html.escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))
