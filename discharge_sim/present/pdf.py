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
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
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

from discharge_sim.present.blocks import Block, Bullets, Heading, ImageBlock, Paragraph, Table
from discharge_sim.present.pack import BoardPack

MARGIN = 15 * mm
WIDTH = A4[0] - 2 * MARGIN
HEIGHT = A4[1] - 2 * MARGIN - 8 * mm  # the footer's line
MAX_COLUMNS = 8
"""A table with more columns is split into tables of the first column and at most this many others."""

_SHEET = getSampleStyleSheet()
STYLES = {
    1: ParagraphStyle("h1", parent=_SHEET["Heading1"], fontSize=15, leading=18, spaceAfter=6, keepWithNext=1),
    2: ParagraphStyle("h2", parent=_SHEET["Heading2"], fontSize=12.5, leading=15, spaceBefore=8, spaceAfter=4,
                      keepWithNext=1),
    3: ParagraphStyle("h3", parent=_SHEET["Heading3"], fontSize=11, leading=13, spaceBefore=6, spaceAfter=3,
                      keepWithNext=1),
}
BODY = ParagraphStyle("body", parent=_SHEET["BodyText"], fontSize=8.8, leading=11.2, spaceAfter=4)
CAPTION = ParagraphStyle("caption", parent=BODY, fontSize=7.6, leading=9.4, textColor=colors.HexColor("#444444"),
                         fontName="Helvetica-Oblique", keepWithNext=1)
FIGURE_CAPTION = ParagraphStyle("figure caption", parent=CAPTION, keepWithNext=0)
CELL = ParagraphStyle("cell", parent=BODY, fontSize=7.2, leading=8.6, spaceAfter=0)
HEAD = ParagraphStyle("head", parent=CELL, fontName="Helvetica-Bold")


def markup(text: str) -> str:
    """Plain text with `code` spans as reportlab's paragraph markup, everything else escaped."""
    parts = html.escape(text, quote=False).split("`")
    return "".join(f'<font face="Courier">{p}</font>' if i % 2 else p for i, p in enumerate(parts))


def flowables(block: Block) -> list[Flowable]:
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
    raise TypeError(f"no PDF form for {type(block).__name__}")


def split_columns(block: Table) -> list[list[int]]:
    """Column indices of each part of a table: as many columns as fit the page at the width of their
    longest word (so no word is broken), at most :data:`MAX_COLUMNS` besides the first, which every
    part repeats."""
    least = [_least_width(block, c) for c in range(len(block.header))]
    parts: list[list[int]] = [[0]]
    for c in range(1, len(block.header)):
        part = parts[-1]
        if len(part) > 1 and (len(part) > MAX_COLUMNS or sum(least[i] for i in (*part, c)) > WIDTH):
            parts.append([0])
        parts[-1].append(c)
    return parts


def _texts(block: Table, c: int) -> list[str]:
    return [block.header[c], *(row[c].text for row in block.rows if c < len(row))]


def _least_width(block: Table, c: int) -> float:
    """The width of the column's longest word (header in bold), with the cell's padding."""
    words = [(w, "Helvetica-Bold" if i == 0 else "Helvetica") for i, text in enumerate(_texts(block, c))
             for w in text.split()]
    return max((stringWidth(w, font, CELL.fontSize) for w, font in words), default=10.0) + 8


def column_widths(block: Table, columns: Sequence[int]) -> list[float]:
    """Each column at least as wide as its longest word; the rest of the page shared in proportion
    to how much wider each column's longest text would like to be."""
    least = [_least_width(block, c) for c in columns]
    want = [max(stringWidth(t, "Helvetica", CELL.fontSize) + 8 for t in _texts(block, c)) for c in columns]
    spare = WIDTH - sum(least)
    if spare <= 0:
        return [WIDTH * w / sum(least) for w in least]
    extra = [max(w - m, 0.0) for w, m in zip(want, least, strict=True)]
    total = sum(extra)
    if total <= spare:  # everything fits on one line: keep the table narrow, its width shared out
        return [m + e for m, e in zip(least, extra, strict=True)]
    return [m + spare * e / total for m, e in zip(least, extra, strict=True)]


def table_flowables(block: Table) -> list[Flowable]:
    """The table's caption, then the table (in parts if its columns do not fit the page together)."""
    parts = split_columns(block)
    out: list[Flowable] = [PdfParagraph(markup(block.caption) + (
        f" (in {len(parts)} parts, each repeating the first column)" if len(parts) > 1 else ""), CAPTION)]
    for columns in parts:
        data = [[PdfParagraph(markup(block.header[c]), HEAD) for c in columns]]
        data += [[PdfParagraph(markup(row[c].text) if c < len(row) else "", CELL) for c in columns]
                 for row in block.rows]
        table = PdfTable(data, colWidths=column_widths(block, columns), repeatRows=1, hAlign="LEFT")
        table.setStyle(TableStyle([
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#BBBBBB")),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F0F0F0")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 3), ("RIGHTPADDING", (0, 0), (-1, -1), 3),
            ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
        ]))
        out += [table, Spacer(1, 5)]
    return out


def image_flowables(png: bytes, title: str, caption: str) -> list[Flowable]:
    """A chart scaled to the page's width (or less, keeping its shape), with its caption."""
    reader = ImageReader(io.BytesIO(png))
    w, h = reader.getSize()
    width = min(WIDTH, w * 72 / 150)
    height = width * h / w
    if height > HEIGHT * 0.6:
        height = HEIGHT * 0.6
        width = height * w / h
    image = Image(io.BytesIO(png), width=width, height=height, hAlign="LEFT")
    image.keepWithNext = 1  # never a chart at the foot of one page and its caption at the head of the next
    return [image, PdfParagraph(f"<b>{markup(title)}.</b> {markup(caption)}", FIGURE_CAPTION), Spacer(1, 4)]


def summary_page(label: str, blocks: Sequence[Block]) -> list[Flowable]:
    """One scenario's summary, shrunk if need be to fit one page, then a page break."""
    content: list[Flowable] = [PdfParagraph(markup(f"Summary: {label}"), STYLES[1])]
    for block in blocks:
        content += flowables(block)
    return [KeepInFrame(WIDTH, HEIGHT, content, mode="shrink"), PageBreak()]


def pdf_bytes(pack: BoardPack) -> bytes:
    """The pack as a PDF file's bytes."""
    opening: list[Flowable] = []
    for block in pack.opening:
        opening += flowables(block)
    story: list[Flowable] = [KeepInFrame(WIDTH, HEIGHT, opening, mode="shrink"), PageBreak()]
    for label, blocks in pack.summaries:
        story += summary_page(label, blocks)
    for block in pack.sections:
        story += flowables(block)

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
