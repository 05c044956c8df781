"""Hostile values a careless or malicious client sends, as a Hypothesis strategy, how to put one
in a JSON body or a query, and the furnished fake they are sent to (tests/behaviour/
test_hostile_input.py sends one to every parameter of every route the fake's OpenAPI document
lists; tests/api/test_fuzz.py fuzzes the same fake).

`HOSTILE` draws lone surrogates, NUL and other control characters, bidi overrides, long and
1 MiB strings, NaN and +-Infinity (which only a lax JSON writer emits), 1e308, -1, integers past
64 bits, empty values, wrong types, and arrays nested far deeper than any parameter (`Deep`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from hypothesis import strategies as st
from moments import T0

from fake_seam.fake import DEFAULT_API_KEY, FakeSeam

LONE_SURROGATE = "\ud800"
MIB = 1 << 20
BASELINE_DEVICE = "august_device_2"  # holds the unmanaged code; what list routes filter on


@dataclass(frozen=True)
class Deep:
    """An array nested `levels` deep: `[[[...]]]`, written out as text (no encoder recurses so far)."""

    levels: int


HOSTILE: st.SearchStrategy[Any] = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=()), max_size=20),  # surrogates, NUL, controls
    st.sampled_from(
        [
            LONE_SURROGATE,
            f"Door {LONE_SURROGATE}",
            "\x00",
            "\x1b[2J\x07",
            "\u202e",
            "x" * 10_001,
            "x" * (MIB - 256),  # under the body limit, over any string's
            "x" * MIB,  # a body over the limit
            "",
            " ",
            "null",
            "-1",
        ]
    ),
    st.sampled_from([float("inf"), float("-inf"), float("nan"), 1e308, -1e308, -1, 0, -0.0, 2**64, 2**70]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.booleans(),
    st.none(),
    st.sampled_from([Deep(64), Deep(1_000), Deep(5_000)]),
    st.lists(st.integers(), max_size=3),
    st.lists(st.text(max_size=3), max_size=3),
    st.dictionaries(st.text(max_size=3), st.one_of(st.integers(), st.text(max_size=3)), max_size=2),
)


def encode(body: dict[str, Any]) -> bytes:
    """`body` as a lax JSON writer sends it: NaN and Infinity as bare words, a lone surrogate
    escaped, a `Deep` value as its brackets."""
    deep: dict[str, Deep] = {}

    def placeholder(value: Any) -> Any:
        if isinstance(value, Deep):
            key = f"__deep_{len(deep)}__"
            deep[key] = value
            return key
        raise TypeError(type(value).__name__)

    text = json.dumps(body, default=placeholder)
    for key, value in deep.items():
        text = text.replace(json.dumps(key), "[" * value.levels + "]" * value.levels)
    return text.encode()


def as_query_value(value: Any) -> str:
    """A value as one query-string value (a string as is; anything else as JSON would write it)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Deep):
        return "[" * value.levels + "]" * value.levels
    return json.dumps(value)


def furnished_ids(fake: FakeSeam) -> dict[str, str]:
    """A code, an unmanaged code and an action attempt on the seed's first locks, and the ids a
    route's id parameters are given. The fake's RNG is seeded: every furnished fake has the
    same ids."""
    auth = {"authorization": f"Bearer {DEFAULT_API_KEY}"}

    def call(path: str, **params: Any) -> Any:
        status, _, payload = fake.api.handle("POST", path, "", auth, json.dumps(params).encode())
        assert status == 200, payload
        return json.loads(payload)

    code = call("/access_codes/create", device_id="august_device_1", code="4821", name="Hostile")
    call(
        "/access_codes/simulate/create_unmanaged_access_code",
        device_id=BASELINE_DEVICE,
        code="9753",
        name="Keypad",
    )
    unmanaged = call("/access_codes/unmanaged/list", device_id=BASELINE_DEVICE)["access_codes"][0]
    attempt = call("/locks/unlock_door", device_id="august_device_1")
    event = call("/events/list", since="2000-01-01T00:00:00Z")["events"][0]
    return {
        "access_code_id": code["access_code"]["access_code_id"],
        "unmanaged_access_code_id": unmanaged["access_code_id"],
        "common_code_key": code["access_code"]["common_code_key"] or "none",
        "action_attempt_id": attempt["action_attempt"]["action_attempt_id"],
        "event_id": event["event_id"],
    }


def furnished() -> tuple[FakeSeam, dict[str, str]]:
    """A fresh fake (the default seed, frozen at `moments.T0`), furnished, and its ids."""
    fake = FakeSeam(frozen=True, now=T0)
    return fake, furnished_ids(fake)
