"""Every code block of the README and the docs pages is run or checked, so a snippet missing an
import, a flag that does not exist or a seed with a misspelt key fails here, named by its page
and line (`docs/pytest.md:11`). The conventions, and the marker a block that is not whole
needs, are on docs/contributing/index.md ("Code blocks in the docs")."""

from __future__ import annotations

import contextlib
import importlib.util
import io
import json
import re
import shlex
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
import yaml
from doc_blocks import Block, all_blocks, blocks_of, convention_problem
from repo import ROOT

from fake_seam import FakeSeam
from fake_seam.scenarios import parse_scenario, run_scenario
from fake_seam.scenarios.report import text as report_text
from fake_seam.server import ThreadedServer

pytest_plugins = ["pytester"]

BLOCKS = all_blocks()
SETUPS = Path(__file__).parent / "setups"
# The dev server's address in a snippet stands for the server the test starts for it.
DEV_SERVER = "http://127.0.0.1:8080"
# pytester puts sys.modules back after each inner run (see tests/plugin/test_plugin.py).
INNER = ("-p", "no:cacheprovider", "-p", "no:hypothesispytest", "-q", "--continue-on-collection-errors")
TEST_FUNCTION = re.compile(r"^\s*(?:async\s+)?def test_", re.MULTILINE)
# Top-level keys a scenario fragment (`example: scenario-keys`) is completed with.
ONE_STEP = "steps:\n  - advance: 1s\n"


def where(block: Block) -> str:
    return block.where


def of(language: str | tuple[str, ...], *, excerpts: bool = False) -> list[Block]:
    languages = (language,) if isinstance(language, str) else language
    return [
        b
        for b in BLOCKS
        if b.language in languages and (b.marker == "excerpt") == excerpts and not convention_problem(b)
    ]


def chain(block: Block) -> list[Block]:
    """The block with the python blocks it continues (`example: continues`), first first."""
    if block.marker != "continues":
        return [block]
    earlier = [b for b in blocks_of(block.page) if b.language == "python" and b.line < block.line]
    if not earlier:
        raise AssertionError(f"{block.where}: `example: continues` but no python block comes before it")
    return [*chain(earlier[-1]), block]


def setup_names(blocks: list[Block]) -> list[str]:
    names = [name for b in blocks if b.marker == "setup" for name in b.marker_args]
    for name in names:
        assert (SETUPS / f"{name}.py").is_file(), f"no setup {name!r} in tests/examples/setups/"
    return names


def padded(block: Block) -> str:
    """The block's source with its page's line numbers: a traceback points into the page."""
    return "\n" * block.line + block.source


# -- every block follows a convention ---------------------------------------------------------


@pytest.mark.parametrize("block", BLOCKS, ids=where)
def test_every_block_follows_a_known_convention(block: Block) -> None:
    problem = convention_problem(block)
    assert problem is None, f"{block.where}: {problem}"


def test_a_block_without_a_convention_fails() -> None:
    page = ROOT / "docs" / "page.md"
    text = "```\nplain\n```\n\n```ruby\nputs 1\n```\n\n<!-- example: guess -->\n```python\nx = 1\n```\n"
    problems = [convention_problem(b) for b in blocks_of(page, text)]
    assert all(problems), problems
    text = "<!-- example: output -->\n\n```text\nok\n```\n"
    assert [convention_problem(b) for b in blocks_of(page, text)] == [None]


def test_every_language_and_marker_is_met() -> None:
    """The conventions below are all in use, so none of them is dead code that passes anything."""
    languages = {b.language for b in BLOCKS}
    assert {"python", "yaml", "json", "sh", "toml", "text"} <= languages, languages
    markers = {b.marker for b in BLOCKS}
    assert {"setup", "excerpt", "scenario-keys", "output", "tree", "usage"} <= markers, markers


# -- python -----------------------------------------------------------------------------------


def is_test_module(blocks: list[Block]) -> bool:
    return any(TEST_FUNCTION.search(b.source) for b in blocks)


PYTHON = of("python")
SCRIPTS = [b for b in PYTHON if not is_test_module(chain(b))]
TEST_MODULES = [b for b in PYTHON if is_test_module(chain(b))]


@pytest.mark.parametrize("block", SCRIPTS, ids=where)
def test_python_block_runs_as_a_script(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fresh namespace, a fresh server on loopback and the environment `Seam()` reads."""
    blocks = chain(block)
    with ThreadedServer(FakeSeam()) as server:
        monkeypatch.setenv("SEAM_ENDPOINT", server.endpoint)
        monkeypatch.setenv("SEAM_API_KEY", server.api_key)
        for name in ("SEAM_PERSONAL_ACCESS_TOKEN", "SEAM_WORKSPACE_ID", "SEAM_API_URL"):
            monkeypatch.delenv(name, raising=False)
        namespace: dict[str, Any] = {"__name__": "__main__"}
        for name in setup_names(blocks):
            path = SETUPS / f"{name}.py"
            exec(compile(path.read_text(), str(path), "exec"), namespace)
        for part in blocks:
            source = padded(part).replace(DEV_SERVER, server.endpoint)
            code = compile(source, part.page.relative_to(ROOT).as_posix(), "exec")
            exec(code, namespace)


def module_name(block: Block) -> str:
    slug = re.sub(r"[^a-z0-9]+", "_", block.page.relative_to(ROOT).as_posix().lower()).strip("_")
    return f"test_{slug}_line{block.line}"


def test_python_test_modules_pass_under_the_plugin(pytester: pytest.Pytester) -> None:
    """Each block that defines tests is a test module of a project with no conftest, run by
    pytest with fake-seam's plugin; all in one run (each run pays for the SDK's imports). A
    block both the README and a page show runs once."""
    modules: dict[str, str] = {}
    places: dict[str, list[str]] = {}
    by_source: dict[str, str] = {}
    expected = 0
    for block in TEST_MODULES:
        blocks = chain(block)
        source = "".join(b.source for b in blocks)
        for name in setup_names(blocks):
            (pytester.path / f"{name}.py").write_text((SETUPS / f"{name}.py").read_text())
        if source in by_source:
            places[by_source[source]].append(block.where)
            continue
        name = module_name(block)
        by_source[source] = name
        places[name] = [block.where]
        # The page's line numbers, so a failure's traceback points into the page.
        modules[name] = "\n" * blocks[0].line + source
        expected += len(TEST_FUNCTION.findall(source))
    for name, text in modules.items():
        # As written: makepyfile would dedent and strip it.
        (pytester.path / f"{name}.py").write_text(text)
    result = pytester.runpytest_inprocess(*INNER)
    failed = [
        report
        for kind in ("pytest_runtest_logreport", "pytest_collectreport")
        for report in result.reprec.getreports(kind)
        if report.failed
    ]
    if failed:
        lines = []
        for report in failed:
            module = Path(report.nodeid.split("::")[0]).stem
            lines.append(f"{', '.join(places.get(module, [module]))}: {report.nodeid}\n{report.longreprtext}")
        pytest.fail("\n\n".join(lines), pytrace=False)
    result.assert_outcomes(passed=expected)


# -- excerpts (any language) ------------------------------------------------------------------


def elided(line: str) -> bool:
    return not line.strip() or line.strip() in ("# ...", "...")


@pytest.mark.parametrize("block", [b for b in BLOCKS if b.marker == "excerpt"], ids=where)
def test_an_excerpt_is_lines_of_its_file_in_order(block: Block) -> None:
    """`example: excerpt PATH`: every line of the block is a line of PATH, in order (blank
    lines and `# ...` stand for what is left out), so the docs show code as it is."""
    path = ROOT / block.marker_args[0]
    assert path.is_file(), f"{block.where}: no file {block.marker_args[0]}"
    file_lines = path.read_text().splitlines()
    position = 0
    for offset, line in enumerate(block.source.splitlines()):
        if elided(line):
            continue
        try:
            position = file_lines.index(line.rstrip(), position) + 1
        except ValueError:
            pytest.fail(
                f"{block.where}: line {block.first_line + offset} is not in {block.marker_args[0]} "
                f"(after its line {position}): {line.strip()!r}",
                pytrace=False,
            )


# -- yaml: scenarios --------------------------------------------------------------------------


@pytest.mark.parametrize("block", of("yaml"), ids=where)
def test_yaml_block_is_a_scenario_that_replays_green(block: Block) -> None:
    text = padded(block) + (ONE_STEP if block.marker == "scenario-keys" else "")
    data = yaml.safe_load(text)
    assert isinstance(data, dict) and "steps" in data, (
        f"{block.where}: a ```yaml block is a scenario (with `steps:`), or top-level keys of one "
        "marked `<!-- example: scenario-keys -->`"
    )
    scenario = parse_scenario(text, path=block.page.relative_to(ROOT).as_posix())
    result = run_scenario(scenario)
    assert result.passed and result.checks or block.marker == "scenario-keys", report_text([result])


# -- json: seeds and the rest -----------------------------------------------------------------

SEED_KEYS = {"workspaces", "personal_access_tokens"}


@pytest.mark.parametrize("block", of("json"), ids=where)
def test_json_block_parses_and_a_seed_builds_a_fake(block: Block) -> None:
    try:
        data = json.loads(block.source)
    except json.JSONDecodeError as problem:
        pytest.fail(
            f"{block.where}: line {block.first_line + problem.lineno - 1}: {problem.msg}", pytrace=False
        )
    if isinstance(data, dict) and SEED_KEYS & set(data):
        FakeSeam(seed=data)  # the seed schema's SeedError names the field


# -- toml: pytest's ini options ---------------------------------------------------------------


@pytest.mark.parametrize("block", of("toml"), ids=where)
def test_toml_block_parses_and_names_ini_options_pytest_knows(
    block: Block, pytestconfig: pytest.Config
) -> None:
    data = tomllib.loads(block.source)
    options = data.get("tool", {}).get("pytest", {}).get("ini_options", {})
    for key in options:
        try:
            pytestconfig.getini(key)
        except ValueError:
            pytest.fail(f"{block.where}: pytest has no ini option {key!r}", pytrace=False)


# -- shell: commands parse --------------------------------------------------------------------

SEPARATORS = {"&&", "||", ";", "|", "&"}
REDIRECTS = {">", ">>", "<", "2>"}


def shell_commands(block: Block) -> Iterator[tuple[int, list[str]]]:
    """(page line, argv) of each command of a shell block; a console block's are after `$ `."""
    lines = block.source.splitlines()
    joined: list[tuple[int, str]] = []
    for offset, line in enumerate(lines):
        if block.language == "console":
            if not line.startswith("$ "):
                continue
            line = line[2:]
        if joined and joined[-1][1].endswith("\\"):
            joined[-1] = (joined[-1][0], joined[-1][1][:-1] + " " + line)
        else:
            joined.append((block.first_line + offset, line))
    for number, line in joined:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|<>")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        argv: list[str] = []
        tokens = iter(list(lexer))
        for token in tokens:
            if token in SEPARATORS:
                if argv:
                    yield number, argv
                argv = []
            elif token in REDIRECTS:
                next(tokens, None)
            else:
                argv.append(token)
        if argv:
            yield number, argv


def fake_seam_parser() -> Any:
    sys.path.insert(0, str(ROOT / "tools"))
    from gen_docs import cli_parser

    return cli_parser()


def check_fake_seam(argv: list[str]) -> str | None:
    errors = io.StringIO()
    with contextlib.redirect_stderr(errors), contextlib.redirect_stdout(io.StringIO()):
        try:
            fake_seam_parser().parse_args(argv[1:])
        except SystemExit as stopped:
            if stopped.code:
                return errors.getvalue().strip().splitlines()[-1]
    return None


def extras() -> set[str]:
    return set(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["optional-dependencies"])


def check_pip(argv: list[str]) -> str | None:
    if argv[1:2] != ["install"]:
        return f"pip {' '.join(argv[1:2])}: only `pip install` is shown"
    for argument in argv[2:]:
        if argument.startswith("-"):
            continue
        m = re.fullmatch(r"(fake-seam|\.)(?:\[([a-z,-]+)\])?", argument)
        if not m:
            return f"pip install {argument}: the docs install fake-seam (or the checkout, `.`)"
        unknown = set((m[2] or "").split(",")) - {""} - extras()
        if unknown:
            return f"pip install {argument}: no extra {', '.join(sorted(unknown))} in pyproject.toml"
    return None


@cache
def tool_help(path: Path) -> str:
    done = subprocess.run(
        [sys.executable, str(path), "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout


def check_python(argv: list[str]) -> str | None:
    if argv[1:2] == ["-m"]:
        return None if importlib.util.find_spec(argv[2]) else f"no module {argv[2]}"
    path = ROOT / argv[1]
    if not path.is_file():
        return f"no file {argv[1]} in the repository"
    unknown = [
        a.split("=")[0] for a in argv[2:] if a.startswith("--") and a.split("=")[0] not in tool_help(path)
    ]
    return f"{argv[1]} has no {', '.join(unknown)}" if unknown else None


def check_pytest(argv: list[str], pytester: pytest.Pytester) -> str | None:
    paths = [a for a in argv[1:] if not a.startswith("-") and "/" in a]
    missing = [p for p in paths if not (ROOT / p).exists()]
    if missing:
        return f"no {', '.join(missing)} in the repository"
    flags = [a for a in argv[1:] if a not in paths]
    try:
        pytester.parseconfig(*flags)
    except (pytest.UsageError, SystemExit) as problem:
        return f"pytest refuses {' '.join(flags)}: {problem}"
    return None


def check_curl(argv: list[str]) -> str | None:
    from fake_seam.api.handler import load_routes
    from fake_seam.controls import CONTROLS

    urls = [a for a in argv[1:] if a.startswith("http")]
    if len(urls) != 1:
        return "a curl line names one URL"
    path = urlparse(urls[0]).path
    if path not in load_routes():
        return f"no route {path}"
    if "-d" in argv:
        body = json.loads(argv[argv.index("-d") + 1])
        control = next((c for c in CONTROLS.values() if c.path == path), None)
        if control is not None:
            unknown = set(body) - set(control.params.model_fields)
            if unknown:
                return f"{path} takes no {', '.join(sorted(unknown))}"
    return None


def check_tool(argv: list[str]) -> str | None:
    """ruff, mypy, lint-imports: installed beside this Python by the dev extra."""
    if not (Path(sys.executable).parent / argv[0]).exists():
        return f"{argv[0]} is not installed by the dev extra"
    missing = [a for a in argv[1:] if not a.startswith("-") and "/" in a and not (ROOT / a).exists()]
    return f"no {', '.join(missing)} in the repository" if missing else None


def check_command(argv: list[str], pytester: pytest.Pytester) -> str | None:
    while argv and re.fullmatch(r"[A-Z_]+=\S*", argv[0]):  # NAME=value before a command
        argv = argv[1:]
    name = argv[0]
    if name == "fake-seam":
        return check_fake_seam(argv)
    if name in ("pip", "pip3"):
        return check_pip(argv)
    if name in ("python", "python3"):
        return check_python(argv)
    if name == "pytest":
        return check_pytest(argv, pytester)
    if name == "curl":
        return check_curl(argv)
    if name in ("ruff", "mypy", "lint-imports"):
        return check_tool(argv)
    if name in (".", "source") and argv[1:] == [".venv/bin/activate"]:
        return None
    if name == "export":
        return None
    return f"`{name}`: no check knows this command (tests/examples/test_doc_blocks.py, check_command)"


@pytest.mark.parametrize("block", of(("sh", "bash", "console")), ids=where)
def test_shell_block_commands_parse(block: Block, pytester: pytest.Pytester) -> None:
    problems = [
        f"{block.page.relative_to(ROOT).as_posix()}:{number}: {problem}"
        for number, argv in shell_commands(block)
        if (problem := check_command(argv, pytester))
    ]
    assert not problems, "\n".join(problems)


def test_a_shell_command_that_does_not_exist_fails(pytester: pytest.Pytester) -> None:
    page = ROOT / "docs" / "page.md"
    text = (
        "```sh\nfake-seam serve --no-such-flag\nfake-seam nosuch\npip install 'fake-seam[nosuch]'\n"
        "curl -X POST http://127.0.0.1:8080/_fake/nosuch\nmake all\n```\n"
    )
    [block] = blocks_of(page, text)
    problems = [check_command(argv, pytester) for _, argv in shell_commands(block)]
    assert all(problems), problems
    assert check_command(["fake-seam", "replay", "--library"], pytester) is None


# -- text: what a block shows -----------------------------------------------------------------


@pytest.mark.parametrize("block", [b for b in of("text") if b.marker == "usage"], ids=where)
def test_a_usage_block_names_commands_and_flags_that_exist(block: Block) -> None:
    parser = fake_seam_parser()
    commands = next(a for a in parser._actions if a.choices and "serve" in a.choices).choices
    for usage in re.split(r"\n(?=fake-seam )", block.source):
        words = usage.split()
        assert words[:1] == ["fake-seam"] and words[1] in commands, f"{block.where}: {usage}"
        known = {flag for action in commands[words[1]]._actions for flag in action.option_strings}
        unknown = set(re.findall(r"--[a-z][a-z-]*", usage)) - known
        assert not unknown, f"{block.where}: fake-seam {words[1]} has no {', '.join(sorted(unknown))}"


@pytest.mark.parametrize("block", [b for b in of("text") if b.marker == "tree"], ids=where)
def test_a_tree_block_names_paths_that_exist(block: Block) -> None:
    missing = []
    for line in block.source.splitlines():
        if not line or line[0].isspace():
            continue
        names = re.match(r"[^\s,]+(?:, [^\s,]+)*", line)[0].split(", ")  # type: ignore[index]
        folder = Path(names[0]).parent
        for index, name in enumerate(names):
            path = ROOT / name if index == 0 else ROOT / folder / name
            if not path.exists():
                missing.append(name)
    assert not missing, f"{block.where}: no {', '.join(missing)} in the repository"
