"""Make the README's picture of the console (`docs/images/console.png`) from a real run: the
browser story of `tests/browser/test_console_page.py`, which saves its view of an offline lock where
`FAKE_SEAM_CONSOLE_SCREENSHOT` says. Needs Debian's `chromium` and `chromium-driver`.

    python tools/console_screenshot.py [--out docs/images/console.png]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "console.png")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        # The test writes outside the tree (the suite checks it writes nothing in it); the copy
        # into docs/ is this tool's, after the run.
        shot = Path(scratch) / "console.png"
        env = {**os.environ, "FAKE_SEAM_CONSOLE_SCREENSHOT": str(shot)}
        test = "tests/browser/test_console_page.py"
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", test, "-k", "story"], cwd=ROOT, env=env)
        if done.returncode or not shot.exists():
            print("console_screenshot: the story failed or was skipped; nothing written", file=sys.stderr)
            return 1
        args.out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shot, args.out)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
