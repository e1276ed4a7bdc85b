"""One benchmark's section of docs/benchmarks.md, replaced between its markers.

Each benchmark owns the text between its own start and end markers; everything else in
the file (other benchmarks' sections, prose) is left as it is.
"""

from __future__ import annotations

import os
from pathlib import Path

from bot.settings import PROJECT_ROOT

BENCHMARKS_DOC = PROJECT_ROOT / "docs" / "benchmarks.md"


def write_section(path: Path, start_marker: str, end_marker: str, title: str, body: str) -> None:
    """Replace the text between the markers; append a `## title` section with them when missing."""
    block = f"{start_marker}\n{body.rstrip()}\n{end_marker}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start, end = text.find(start_marker), text.find(end_marker)
    if start != -1 and end > start:
        text = text[:start] + block + text[end + len(end_marker):]
    else:
        text = text.rstrip() + f"\n\n## {title}\n\n{block}\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
