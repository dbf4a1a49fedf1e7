"""The delay-reason table, generated on every docs build from ``discharge_sim.data.reasons.REASONS``
so that the page cannot drift from the table the program uses.

A page holding the marker line ``<!-- generated: reasons -->`` gets, in its place, one row per
reason: the wording, its DToC code (and any code it may equally be), the source and the note.
"""

from __future__ import annotations

from typing import Any

from mkdocs.exceptions import PluginError

MARKER = "<!-- generated: reasons -->"


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    if MARKER not in markdown:
        return markdown
    try:
        from discharge_sim.data.reasons import REASONS
    except Exception as exc:
        raise PluginError(f"cannot import discharge_sim.data.reasons.REASONS: {exc}") from exc
    rows = ["| reason as published | code | source | why |", "|---|---|---|---|"]
    for r in REASONS:
        code = f"`{r.dtoc_code}`" + "".join(f" (or `{a}`)" for a in r.alternatives)
        rows.append("| " + " | ".join(_cell(c) for c in (r.text, code, r.source, r.note)) + " |")
    return markdown.replace(MARKER, "\n".join(rows))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
