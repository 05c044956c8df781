"""The scenario library fake-seam ships: a catalogue of what goes wrong with smart-lock access
codes (docs/scenarios.md), to replay (`fake-seam replay --library`), read and copy
(`fake-seam scenarios`, `fake-seam scenarios --copy DIR`).

An installed wheel holds the files in this package's `library/` folder; an editable install
from a clone reads them where they are written, the checkout's `scenarios/`.
"""

from __future__ import annotations

import shutil
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
SUFFIXES = (".yaml", ".yml")


class LibraryMissing(RuntimeError):
    """Neither an installed library nor a checkout's `scenarios/` is there."""


def library_dir() -> Path:
    installed, checkout = _PACKAGE / "library", _PACKAGE.parent.parent
    if installed.is_dir():
        return installed
    if (checkout / "pyproject.toml").is_file() and (checkout / "scenarios").is_dir():
        return checkout / "scenarios"
    raise LibraryMissing(
        f"the scenario library is not installed (looked in {_PACKAGE / 'library'}); reinstall fake-seam"
    )


def library_files() -> list[Path]:
    return sorted(p for p in library_dir().iterdir() if p.suffix in SUFFIXES and p.is_file())


def summary(path: Path) -> str:
    """The file's first comment line: every library file opens with what it shows."""
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if line.startswith("#"):
                return line.lstrip("#").strip()
            if line.strip():
                break
    return ""


def copy_library(destination: Path) -> tuple[list[Path], list[Path]]:
    """Copy every library file into `destination` (made if needed). Files already there are
    left as they are: returns (copied, kept)."""
    destination.mkdir(parents=True, exist_ok=True)
    copied: list[Path] = []
    kept: list[Path] = []
    for source in library_files():
        target = destination / source.name
        if target.exists():
            kept.append(target)
        else:
            shutil.copyfile(source, target)
            copied.append(target)
    return copied, kept
