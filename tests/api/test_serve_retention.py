"""`fake-seam serve --retention-days/--retention-count`: the served fake keeps what they say."""

from __future__ import annotations

import argparse
import signal

import pytest
from seam import Seam
from test_serve import FAST, fails, serve

from fake_seam import cli
from fake_seam.seam import Settings
from fake_seam.serve import settings_of


def parsed(monkeypatch: pytest.MonkeyPatch, *flags: str) -> argparse.Namespace:
    seen: list[argparse.Namespace] = []
    monkeypatch.setattr(cli, "serve", lambda args: seen.append(args) or 0)
    assert cli.main(["serve", *flags]) == 0
    return seen[0]


def test_the_flags_become_the_fakes_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    args = parsed(monkeypatch, "--retention-days", "2.5", "--retention-count", "50")
    assert settings_of(args) == Settings(retention_seconds=2.5 * 86400, retention_count=50)
    unlimited = parsed(monkeypatch, "--retention-count", "none")
    assert settings_of(unlimited) == Settings(retention_seconds=None, retention_count=None)
    assert settings_of(parsed(monkeypatch)) == Settings()


@pytest.mark.parametrize("flag,value", [("--retention-days", "-1"), ("--retention-count", "many")])
def test_a_bad_limit_is_refused_before_serving(flag: str, value: str) -> None:
    code, err = fails(flag, value)
    assert code == 2
    assert flag in err and "Traceback" not in err


def test_a_served_fake_keeps_the_count_it_was_given() -> None:
    served = serve("--retention-count", "2")
    try:
        seam = Seam(api_key=served.api_key, endpoint=served.endpoint, wait_for_action_attempt=FAST)
        for i in range(3):
            seam.access_codes.create(device_id="schlage_device_id", name=f"Guest {i}")
        assert len(seam.events.list(since="2000-01-01T00:00:00Z")) == 2
    finally:
        code, _, err = served.stop(signal.SIGINT)
    assert code == 0, err
