"""Durations read one way everywhere: `/_fake` routes, `FakeSeam` methods and scenario files
all take a number of seconds or text such as `1m`, `1h30m`, `500ms` (one parser)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx
import pytest

from fake_seam.clock import parse_duration
from fake_seam.controls import InvalidControlInput
from fake_seam.fake import FakeSeam
from fake_seam.scenarios import reading

FAKE_START = "2026-12-01T12:00:00Z"


@pytest.mark.parametrize(
    ("written", "seconds"),
    [("1m", 60), ("90", 90), (90, 90), ("1h30m", 5400), ("500ms", 0.5), ("2.5s", 2.5), ("1d", 86400)],
)
def test_advance_over_http_takes_the_durations_scenarios_take(
    fake: FakeSeam, raw: httpx.Client, written: Any, seconds: float
) -> None:
    before = fake.clock.timestamp()
    answer = raw.post("/_fake/clock/advance", json={"seconds": written})
    assert answer.status_code == 200, answer.text
    assert fake.clock.timestamp() - before == pytest.approx(seconds)


def test_advance_from_python_takes_a_duration_text(fake: FakeSeam) -> None:
    before = fake.now()
    assert fake.advance("1m") - before == timedelta(minutes=1)
    assert fake.advance(timedelta(seconds=30)) - before == timedelta(seconds=90)


def test_go_offline_for_a_duration_text(fake: FakeSeam, raw: httpx.Client) -> None:
    answer = raw.post(
        "/_fake/devices/go_offline", json={"device_id": "august_device_1", "for_seconds": "10m"}
    )
    assert answer.status_code == 200, answer.text
    fake.advance("9m")
    assert not fake.device("august_device_1").lock.online  # type: ignore[union-attr]
    fake.advance("1m")
    assert fake.device("august_device_1").lock.online  # type: ignore[union-attr]


@pytest.mark.parametrize("written", ["soon", "-1m", "1 fortnight", ""])
def test_a_bad_duration_is_invalid_input_naming_the_parameter(
    fake: FakeSeam, raw: httpx.Client, written: str
) -> None:
    before = fake.clock.timestamp()
    answer = raw.post("/_fake/clock/advance", json={"seconds": written})
    assert answer.status_code == 400
    error = answer.json()["error"]
    assert error["type"] == "invalid_input"
    assert "seconds" in error["validation_errors"]
    assert fake.clock.timestamp() == before  # a rejected request changes nothing
    with pytest.raises(InvalidControlInput, match="seconds"):
        fake.advance(written)


def test_scenario_files_read_durations_with_the_same_parser() -> None:
    assert reading.parse_duration is parse_duration
