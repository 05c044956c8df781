"""`FakeSeamMachine`, the state machine of tests/behaviour/test_stateful.py, for the program
Hypothesis printed on docs/hypothesis.md."""

import runpy

from repo import TESTS

FakeSeamMachine = runpy.run_path(str(TESTS / "behaviour" / "test_stateful.py"))["FakeSeamMachine"]
