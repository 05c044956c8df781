"""The docs site: its reference pages are what the code generates now, every page is in its
navigation, the README's scenario replays as shown, and every test the page on Seam's
backup-code guide names exists."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
import yaml
from repo import ROOT

from fake_seam.scenarios import parse_scenario, run_scenario

pytest_plugins = ["pytester"]

DOCS = ROOT / "docs"


def test_the_generated_reference_pages_are_fresh() -> None:
    """A control, message, route or flag changed without `python tools/gen_docs.py` fails here."""
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr


def nav_pages(node: object) -> set[str]:
    if isinstance(node, str):
        return {node}
    if isinstance(node, dict):
        return {page for value in node.values() for page in nav_pages(value)}
    if isinstance(node, list):
        return {page for item in node for page in nav_pages(item)}
    return set()


def test_every_page_is_in_the_navigation_and_every_entry_is_a_page() -> None:
    # `mkdocs build --strict` fails on a broken link, but only mentions a page left out of nav.
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    assert nav_pages(config["nav"]) == pages


def test_the_readme_scenario_replays_green() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = [block for block in re.findall(r"```yaml\n(.*?)```", readme, re.DOTALL) if "steps:" in block]
    assert blocks
    for block in blocks:
        result = run_scenario(parse_scenario(block))
        assert result.passed and result.checks, block


def test_every_sentence_of_the_guide_has_a_test_and_every_mark_a_sentence() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    from gen_docs import guide_marks
    from guide import SENTENCES

    marks = guide_marks()
    assert set(marks) <= set(SENTENCES), sorted(set(marks) - set(SENTENCES))
    untested = [sentence for sentence in SENTENCES if not marks.get(sentence)]
    assert not untested, untested


def test_a_failing_marked_test_names_its_sentence(pytester: pytest.Pytester) -> None:
    pytester.makeconftest((ROOT / "tests" / "conftest.py").read_text())
    pytester.syspathinsert(ROOT / "tests")
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.guide("retrieve")
        def test_broken():
            assert False
        """
    )
    result = pytester.runpytest("-p", "no:randomly")
    result.stdout.fnmatch_lines(["*Seam's guide*", "*4. Retrieve a backup access code: To retrieve*"])


def test_every_setting_and_flag_says_what_it_sets() -> None:
    """The settings page reads each description from the code (a flag's help, the comment on a
    `Settings` field): a field added without one shows an empty cell."""
    rows = [
        line
        for line in (DOCS / "reference" / "settings.md").read_text().splitlines()
        if line.startswith("| `")
    ]
    assert rows
    empty = [row.split("|")[1].strip() for row in rows if not row.split("|")[-2].strip()]
    assert not empty, empty


def test_every_error_message_reads_with_example_values() -> None:
    """No `{device_id}` or `(expression)` hole in the errors page: each message is shown as a
    user would read it (the generator's EXAMPLES)."""
    rows = [
        line for line in (DOCS / "reference" / "errors.md").read_text().splitlines() if line.startswith("| `")
    ]
    holes = [row for row in rows if re.search(r"\{[^}]*\}|\| \(|: \(|<[a-z_]+>", row.split("|")[3])]
    assert rows and not holes, holes
