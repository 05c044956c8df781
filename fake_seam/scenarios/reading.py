"""Reading a scenario file: values that remember their line, the problems found on the way
(every one reported, each with its line), and the durations and times a file writes."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fake_seam.clock import parse_duration, to_datetime

__all__ = ["parse_duration"]  # the one duration parser, read here by scenario files


class LineDict(dict):
    """A mapping that remembers the line of itself and of each key (1-based)."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        return getattr(self, "key_lines", {}).get(key, self.line)


class LineList(list):
    """A sequence that remembers the line of itself and of each item (1-based)."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        lines = getattr(self, "item_lines", [])
        return lines[index] if index < len(lines) else self.line


@dataclass
class Problem:
    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


class ScenarioError(ValueError):
    """A scenario file that cannot run: every problem found in it, each with its line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class Checker:
    """Collects problems while a file is checked, so one run reports all of them."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def raise_if_any(self) -> None:
        if self.problems:
            self.problems.sort(key=lambda p: p.line or 0)
            raise ScenarioError(self.problems)


def parse_time(value: Any) -> datetime:
    if isinstance(value, datetime):
        return to_datetime(value)
    try:
        return to_datetime(str(value))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 time (write e.g. 2026-12-01T15:00:00Z)") from None


def did_you_mean(word: str, choices: tuple[str, ...] | list[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
