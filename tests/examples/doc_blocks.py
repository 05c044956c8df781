"""The code blocks of the README and the docs pages, as `tests/examples/test_doc_blocks.py`
reads them: each with its page, line, language and the `<!-- example: ... -->` marker before
it. The conventions are on docs/contributing/index.md ("Code blocks in the docs")."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from repo import ROOT

FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>.*)$")
MARKER = re.compile(r"^\s*<!--\s*example:\s*(?P<kind>[a-z-]+)(?P<args>[^>]*?)\s*-->\s*$")
LANGUAGES = ("python", "yaml", "json", "sh", "bash", "console", "toml", "text")
# Marker kind -> the languages it may stand before.
MARKERS = {
    "setup": ("python",),
    "continues": ("python",),
    "excerpt": LANGUAGES,
    "scenario-keys": ("yaml",),
    "output": ("text", "console"),
    "tree": ("text",),
    "usage": ("text",),
}


@dataclass(frozen=True)
class Block:
    page: Path
    line: int  # of the opening fence, 1-based
    language: str
    source: str
    marker: str = ""  # the marker's kind, "" without one
    marker_args: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT).as_posix()}:{self.line}"

    @property
    def first_line(self) -> int:
        """The page's line number of the block's first line."""
        return self.line + 1


def pages() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def blocks_of(page: Path, text: str | None = None) -> list[Block]:
    lines = (page.read_text(encoding="utf-8") if text is None else text).splitlines()
    found: list[Block] = []
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        indent, fence = len(opening["indent"]), opening["fence"]
        end = i + 1
        while end < len(lines) and lines[end].strip() != fence:
            end += 1
        # A fence indented in a list item: its lines lose that indent (and no more).
        body = [line[indent:] if not line[:indent].strip() else line.lstrip() for line in lines[i + 1 : end]]
        marker, args = "", ()
        previous = i - 1
        while previous >= 0 and not lines[previous].strip():
            previous -= 1
        if previous >= 0 and (m := MARKER.match(lines[previous])):
            marker, args = m["kind"], tuple(m["args"].replace(",", " ").split())
        language = opening["info"].strip().split(" ")[0] if opening["info"].strip() else ""
        found.append(Block(page, i + 1, language, "\n".join(body) + "\n", marker, args))
        i = end + 1
    return found


def all_blocks() -> list[Block]:
    return [block for page in pages() for block in blocks_of(page)]


def convention_problem(block: Block) -> str | None:
    """Why the block follows no known convention, or None."""
    if block.language not in LANGUAGES:
        shown = f"```{block.language}" if block.language else "a fence without a language"
        return f"{shown}: write one of {', '.join(LANGUAGES)}"
    if block.marker and block.marker not in MARKERS:
        return f"unknown marker `example: {block.marker}`: known are {', '.join(MARKERS)}"
    if block.marker and block.language not in MARKERS[block.marker]:
        return f"`example: {block.marker}` is not for ```{block.language} blocks"
    if block.language == "text" and not block.marker:
        return "a ```text block says what it is: `<!-- example: output|tree|usage -->` before it"
    if block.marker in ("setup", "excerpt") and not block.marker_args:
        return f"`example: {block.marker}` names what it means (a setup, a file)"
    return None
