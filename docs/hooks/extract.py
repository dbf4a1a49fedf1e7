"""The extract schema's column table, generated on every docs build from
``discharge_sim.data.extract.COLUMNS`` so that the page cannot drift from what the reader checks.

A page holding the marker line ``<!-- generated: extract-columns -->`` gets, in its place, one row
per column: its name, whether the file must have it, when a cell may be empty, and what it holds.
"""

from __future__ import annotations

from typing import Any

from mkdocs.exceptions import PluginError

MARKER = "<!-- generated: extract-columns -->"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown:
        return markdown
    try:
        from discharge_sim.data.extract import COLUMNS
    except Exception as exc:
        raise PluginError(f"cannot import discharge_sim.data.extract.COLUMNS: {exc}") from exc
    rows = ["| column | in the file | a cell may be empty | holds |", "|---|---|---|---|"]
    for c in COLUMNS:
        meaning = c.meaning.replace("|", "\\|")
        rows.append(f"| `{c.name}` | {'required' if c.required else 'optional'} | {c.empty} | {meaning} |")
    return markdown.replace(MARKER, "\n".join(rows))
