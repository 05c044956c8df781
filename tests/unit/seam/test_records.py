"""Records kept small for big fleets must still behave like plain data to a test that
inspects them: copy, pickle, serialize, and refuse writes that would leak between codes."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fake_seam.fake import FakeSeam
from fake_seam.seam.records import NO_ISSUES
from fake_seam.wire import shapes


def test_a_code_without_errors_shares_one_read_only_empty_mapping(fake: FakeSeam, sdk: Any) -> None:
    a = sdk.access_codes.create(device_id="august_device_1", code="1357")
    b = sdk.access_codes.create(device_id="august_device_1", code="2468")
    first, second = (
        fake.cloud.store.access_codes[a.access_code_id],
        fake.cloud.store.access_codes[b.access_code_id],
    )
    assert first.errors is second.errors is NO_ISSUES and first.warnings is NO_ISSUES
    with pytest.raises(TypeError):
        first.errors["failed_to_set_on_device"] = (0.0, "x")  # would give every code the error
    assert second.errors == {} and json.dumps(second.errors) == "{}"
    assert pickle.loads(pickle.dumps(first.errors)) is NO_ISSUES
    assert copy.deepcopy(first.errors) is NO_ISSUES


def test_a_whole_fake_can_be_deep_copied_and_the_copy_goes_its_own_way(fake: FakeSeam, sdk: Any) -> None:
    made = sdk.access_codes.create(device_id="august_device_1", code="1357", name="Ada")
    twin = copy.deepcopy(fake.cloud)
    sdk.access_codes.update(access_code_id=made.access_code_id, name="Grace")
    assert twin.store.access_codes[made.access_code_id].name == "Ada"
    assert fake.cloud.store.access_codes[made.access_code_id].name == "Grace"


def test_a_code_attempt_shows_its_result_on_the_record_too(fake: FakeSeam, sdk: Any) -> None:
    made = sdk.access_codes.create(device_id="august_device_1", code="1357", name="Ada")
    attempt = next(
        a for a in fake.cloud.store.action_attempts.values() if a.action_type == "CREATE_ACCESS_CODE"
    )
    assert (
        attempt.result is not None and attempt.result["access_code"]["access_code_id"] == made.access_code_id
    )
    attempt.result = {"note": "steered"}  # what /_fake/update_action_attempt does
    assert attempt.result == {"note": "steered"} and attempt.snapshot is None


@given(st.floats(min_value=0, max_value=253402300799.999, allow_nan=False))
def test_timestamps_are_seams_format_to_the_millisecond_truncated(seconds: float) -> None:
    moment = datetime.fromtimestamp(seconds, UTC)
    expected = moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
    assert shapes.ts(seconds) == expected
