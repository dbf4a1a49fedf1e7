"""The board pack as an A4 portrait PDF: a one-page summary per scenario, then the pack's sections.

reportlab lays the blocks out (:mod:`discharge_sim.present.blocks`): headings, paragraphs, lists,
tables and charts. A table wider than the page is split into several, each repeating its first
column, so nothing is cut off; a summary that would run over its page is shrunk to fit it. The
file has no timestamps, so the same results give the same bytes.
"""

from __future__ import annotations

import html
import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    KeepInFrame,
    ListFlowable,
    ListItem,
    PageBreak,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Paragraph as PdfParagraph
from reportlab.platypus import Table as PdfTable

from discharge_sim.present.blocks import Block, Bullets, FigureBlock, Heading, ImageBlock, Paragraph, Table
from discharge_sim.present.pack import BoardPack

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
HEIGHT = A4[1] - 2 * MARGIN - 8 * mm  # the footer's line
MAX_COLUMNS = 7
"""A table with more columns is split into tables of the first column and at most this many others."""

_SHEET = getSampleStyleSheet()
STYLES = {
    1: ParagraphStyle("h1", parent=_SHEET["Heading1"], fontSize=15, leading=18, spaceAfter=6),
    2: ParagraphStyle("h2", parent=_SHEET["Heading2"], fontSize=12.5, leading=15, spaceBefore=8, spaceAfter=4),
    3: ParagraphStyle("h3", parent=_SHEET["Heading3"], fontSize=11, leading=13, spaceBefore=6, spaceAfter=3),
}
BODY = ParagraphStyle("body", parent=_SHEET["BodyText"], fontSize=8.8, leading=11.2, spaceAfter=4)
CAPTION = ParagraphStyle("caption", parent=BODY, fontSize=7.6, leading=9.4, textColor=colors.HexColor("#444444"),
                         fontName="Helvetica-Oblique")
CELL = ParagraphStyle("cell", parent=BODY, fontSize=7.2, leading=8.6, spaceAfter=0)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")


def markup(text: str) -> str:
    """Plain text with `code` spans as reportlab's paragraph markup, everything else escaped."""
    parts = html.escape(text, quote=False).split("`")
    return "".join(f'<font face="Courier">{p}</font>' if i % 2 else p for i, p in enumerate(parts))


def flowables(block: Block, folder: Path) -> list[Flowable]:
    """One block as reportlab flowables."""
    if isinstance(block, Heading):
        return [PdfParagraph(markup(block.text), STYLES[min(block.level, 3)])]
    if isinstance(block, Paragraph):
        return [PdfParagraph(markup(block.text), BODY)]
    if isinstance(block, Bullets):
        return [ListFlowable([ListItem(PdfParagraph(markup(item), BODY), leftIndent=10) for item in block.items],
                             bulletType="bullet", start="•", leftIndent=10)]
    if isinstance(block, Table):
        return table_flowables(block)
    if isinstance(block, ImageBlock):
        return image_flowables(block.png, block.title, block.caption)
    if isinstance(block, FigureBlock):
        return image_flowables((folder / "figures" / f"{block.name}.png").read_bytes(), block.title, block.caption)
    raise TypeError(f"no PDF form for {type(block).__name__}")


def split_columns(header: Sequence[str], most: int = MAX_COLUMNS) -> list[list[int]]:
    """Column indices of each part of a table too wide for the page: the first column in every part."""
    rest = list(range(1, len(header)))
    if len(rest) <= most:
        return [[0, *rest]]
    return [[0, *rest[i:i + most]] for i in range(0, len(rest), most)]


def table_flowables(block: Table) -> list[Flowable]:
    """The table's caption, then the table (in parts if it has too many columns to fit)."""
    parts = split_columns(block.header)
    out: list[Flowable] = [PdfParagraph(markup(block.caption) + (
        f" (in {len(parts)} parts, each repeating the first column)" if len(parts) > 1 else ""), CAPTION)]
    for columns in parts:
        data = [[PdfParagraph(markup(block.header[c]), HEAD) for c in columns]]
        data += [[PdfParagraph(markup(row[c].text) if c < len(row) else "", CELL) for c in columns]
                 for row in block.rows]
        widths = column_widths(block, columns)
        table = PdfTable(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F0F0F0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        out += [table, Spacer(1, 5)]
    return out


def column_widths(block: Table, columns: Sequence[int]) -> list[float]:
    """Widths in proportion to each column's longest text (between 4 and 40 characters), filling the page."""
    want = []
    for c in columns:
        texts = [block.header[c], *(row[c].text for row in block.rows if c < len(row))]
        longest = max(max(len(word) for word in text.split()) if text.split() else 1 for text in texts)
        want.append(min(max(max(len(t) for t in texts), longest, 4), 40))
    total = sum(want)
    return [WIDTH * w / total for w in want]


def image_flowables(png: bytes, title: str, caption: str) -> list[Flowable]:
    """A chart scaled to the page's width (or less, keeping its shape), with its caption."""
    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    width = min(WIDTH, w * 72 / 150)
    height = width * h / w
    if height > HEIGHT * 0.6:
        height = HEIGHT * 0.6
        width = height * w / h
    return [Image(io.BytesIO(png), width=width, height=height, hAlign="LEFT"),
            PdfParagraph(f"<b>{markup(title)}.</b> {markup(caption)}", CAPTION), Spacer(1, 4)]


def summary_page(pack: BoardPack, label: str, blocks: Sequence[Block], folder: Path) -> list[Flowable]:
    """One scenario's summary, shrunk if need be to fit one page, then a page break."""
    content: list[Flowable] = [PdfParagraph(markup(pack.title), STYLES[1]),
                               PdfParagraph(markup(f"Summary: {label}"), STYLES[2])]
    for block in blocks:
        content += flowables(block, folder)
    return [KeepInFrame(WIDTH, HEIGHT, content, mode="shrink"), PageBreak()]


def pdf_bytes(pack: BoardPack, folder: Path) -> bytes:
    """The pack as a PDF file's bytes (figures of the catalogue read from ``folder``)."""
    story: list[Flowable] = []
    for label, blocks in pack.summaries:
        story += summary_page(pack, label, blocks, folder)
    for block in (*pack.opening[1:], *pack.sections):
        story += flowables(block, folder)

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.setFillColor(colors.HexColor("#666666"))
        canvas.drawString(MARGIN, MARGIN - 4 * mm, f"{pack.title[:110]}")
        canvas.drawRightString(A4[0] - MARGIN, MARGIN - 4 * mm, f"page {doc.page}")
        canvas.restoreState()

    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                            bottomMargin=MARGIN + 4 * mm, title=pack.title, author="discharge-sim", invariant=True)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
