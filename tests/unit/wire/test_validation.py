"""Request parameters: query-string coercion and zod-compatible validation (no HTTP)."""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from repo import ROOT, SPEC
from seam.url_search_params_serializer import serialize_url_search_params

from fake_seam.wire import params
from fake_seam.wire.params import DEFAULTS, ROUTES
from fake_seam.wire.validation import (
    InvalidInput,
    Route,
    invalid,
    parse_params,
    parse_query,
    parse_timestamp,
)


def parse(path: str, query: list[tuple[str, str]] | str = (), body: object = None) -> Any:
    return parse_params(ROUTES[path], list(query) if not isinstance(query, str) else query, body)


def error(path: str, query: list[tuple[str, str]] | str = (), body: object = None) -> InvalidInput:
    with pytest.raises(InvalidInput) as info:
        parse(path, query, body)
    return info.value


def messages(err: InvalidInput, *path: str) -> list[str]:
    node = err.validation_errors
    for key in path:
        node = node[key]
    return node["_errors"]


# ------------------------------------------------------------------------- routes


def test_every_spec_path_has_a_route_with_the_spec_methods() -> None:
    spec = json.loads(SPEC.read_text()) if SPEC.exists() else None
    if spec is None:
        pytest.skip("spec not available")
    assert set(ROUTES) == set(spec["paths"])
    for path, item in spec["paths"].items():
        route = ROUTES[path]
        assert route.path == path
        assert route.methods == frozenset(m.upper() for m in item)


def test_route_is_a_frozen_dataclass_naming_its_model() -> None:
    route = ROUTES["/access_codes/create"]
    assert isinstance(route, Route)
    assert route.params is params.AccessCodesCreateParams
    assert route.methods == frozenset({"POST"})
    assert ROUTES["/access_codes/update"].methods == frozenset({"PATCH", "POST", "PUT"})
    assert ROUTES["/devices/list"].methods == frozenset({"GET", "POST"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        route.path = "/x"  # type: ignore[misc]


def test_defaults_record_the_spec_defaults() -> None:
    assert DEFAULTS["/access_codes/create"] == {
        "attempt_for_offline_device": True,
        "sync": False,
    }
    assert DEFAULTS["/devices/list"] == {"limit": 500}
    assert DEFAULTS["/webhooks/create"] == {"event_types": ["*"]}
    assert "/devices/get" not in DEFAULTS


def test_params_without_a_body_schema_validate_to_an_empty_model() -> None:
    model = parse("/workspaces/get", [("anything", "1")], {"other": 2})
    assert model.model_dump() == {}


# --------------------------------------------------------------- absent and present


def test_absent_params_are_none_and_unset_not_the_spec_default() -> None:
    model = parse("/access_codes/create", body={"device_id": "august_device_1"})
    assert model.device_id == "august_device_1"
    assert model.sync is None
    assert model.attempt_for_offline_device is None
    assert model.model_fields_set == {"device_id"}


def test_seeded_ids_are_not_checked_as_uuids() -> None:
    model = parse("/devices/get", [("device_id", "august_device_1")])
    assert model.device_id == "august_device_1"


def test_explicit_null_is_kept_for_nullable_params() -> None:
    model = parse("/devices/update", body={"device_id": "d", "name": None})
    assert model.name is None
    assert "name" in model.model_fields_set


def test_null_is_rejected_for_params_that_are_not_nullable() -> None:
    err = error("/devices/list", body={"device_ids": None, "search": None})
    assert messages(err, "device_ids") == ["Expected array, received null"]
    assert messages(err, "search") == ["Expected string, received null"]


def test_unknown_params_and_strict_flag_are_ignored() -> None:
    model = parse(
        "/devices/get",
        [("_strict", "true"), ("device_id", "d"), ("unknown", "x")],
        {"_strict": True, "whatever": [1, 2]},
    )
    assert model.model_dump(exclude_unset=True) == {"device_id": "d"}


def test_body_wins_over_query_on_a_clash() -> None:
    model = parse("/devices/list", [("limit", "5"), ("search", "q")], {"limit": 7})
    assert model.limit == 7
    assert model.search == "q"


def test_a_body_that_is_not_an_object_is_invalid_input() -> None:
    err = error("/devices/list", body=[1, 2])
    assert err.message == "Expected object, received array"
    assert err.validation_errors == {"_errors": ["Expected object, received array"]}
    assert error("/devices/list", body="x").message == "Expected object, received string"


# ------------------------------------------------------------------ query coercion


def test_repeated_keys_make_an_array() -> None:
    model = parse("/devices/list", [("device_ids", "a"), ("device_ids", "b")])
    assert model.device_ids == ["a", "b"]


def test_a_single_value_is_a_one_item_array() -> None:
    assert parse("/devices/list", [("device_ids", "a")]).device_ids == ["a"]


def test_comma_and_bracket_array_formats() -> None:
    assert parse("/devices/list", [("device_ids", "a,b")]).device_ids == ["a", "b"]
    brackets = [("device_ids[]", "a"), ("device_ids[]", "b")]
    assert parse("/devices/list", brackets).device_ids == ["a", "b"]


def test_an_empty_value_is_the_empty_array_for_an_array_param() -> None:
    model = parse("/devices/list", [("device_ids", "")])
    assert model.device_ids == []
    assert "device_ids" in model.model_fields_set


def test_an_empty_value_is_null_otherwise() -> None:
    assert parse("/devices/list", [("page_cursor", "")]).page_cursor is None
    err = error("/devices/get", [("device_id", "")])
    assert messages(err, "device_id") == ["Expected string, received null"]


def test_booleans_are_coerced() -> None:
    assert parse("/access_codes/delete", [("access_code_id", "c"), ("sync", "true")]).sync is True
    assert parse("/access_codes/delete", [("access_code_id", "c"), ("sync", "false")]).sync is False
    # Seam's parser is generous with booleans.
    assert parse("/access_codes/delete", [("access_code_id", "c"), ("sync", "1")]).sync is True


def test_numbers_are_coerced() -> None:
    model = parse("/devices/list", [("limit", "10")])
    assert model.limit == 10 and isinstance(model.limit, int)
    assert parse("/devices/list", [("limit", "2.5")]).limit == 2.5
    assert parse("/action_attempts/list", [("limit", " 3 ")]).limit == 3


def test_strings_are_not_coerced() -> None:
    model = parse("/devices/get", [("device_id", "123"), ("name", "true")])
    assert model.device_id == "123"
    assert model.name == "true"


def test_uncoercible_values_reach_validation_unchanged() -> None:
    err = error("/devices/list", [("limit", "abc")])
    assert err.message == 'Expected number, received string for "limit"'
    assert err.validation_errors == {
        "_errors": [],
        "limit": {"_errors": ["Expected number, received string"]},
    }
    err = error("/access_codes/delete", [("access_code_id", "c"), ("sync", "maybe")])
    assert messages(err, "sync") == ["Expected boolean, received string"]


def test_dotted_keys_nest_objects() -> None:
    model = parse(
        "/devices/list",
        [("custom_metadata_has.floor", "2"), ("custom_metadata_has.tag", "front")],
    )
    # A record of string|boolean values is read as strings, as Seam's parser does.
    assert model.custom_metadata_has == {"floor": "2", "tag": "front"}


def test_enum_arrays_from_the_query() -> None:
    model = parse("/events/list", [("event_types", "lock.locked,lock.unlocked")])
    assert model.event_types == ["lock.locked", "lock.unlocked"]


def test_a_raw_query_string_is_accepted() -> None:
    model = parse("/devices/list", "?device_ids=a&device_ids=b&limit=3&_strict=true")
    assert model.device_ids == ["a", "b"]
    assert model.limit == 3


def test_repeated_values_for_a_scalar_are_unparseable() -> None:
    err = error("/devices/get", [("device_id", "a"), ("device_id", "b")])
    assert err.message == (
        "Could not parse parameter: 'device_id' has repeated values but is not an array parameter"
    )
    assert messages(err, "device_id") == [err.message]


def test_mixed_array_formats_are_unparseable() -> None:
    err = error("/devices/list", [("device_ids", "a"), ("device_ids[]", "b")])
    assert "mixes the repeated and bracket array formats" in err.message
    err = error("/devices/list", [("device_ids", "a"), ("device_ids", "")])
    assert "mixes empty values with other values" in err.message


def test_parse_query_only_returns_declared_params() -> None:
    model = params.DevicesListParams
    assert parse_query(model, [("_strict", "true"), ("device_ids", "")]) == {"device_ids": []}


@pytest.mark.parametrize(
    ("path", "sent", "expected"),
    [
        (
            "/devices/list",
            {"device_ids": ["a", "b"], "limit": 20, "custom_metadata_has": {"tag": "x"}},
            {"device_ids": ["a", "b"], "limit": 20, "custom_metadata_has": {"tag": "x"}},
        ),
        ("/devices/list", {"device_ids": ["only"]}, {"device_ids": ["only"]}),
        ("/devices/list", {"device_ids": []}, {"device_ids": []}),
        (
            "/access_codes/delete",
            {"access_code_id": "c", "sync": True},
            {"access_code_id": "c", "sync": True},
        ),
        (
            "/events/list",
            {"since": datetime(2026, 11, 26, 10, tzinfo=UTC), "limit": 1.5},
            {"since": "2026-11-26T10:00:00.000Z", "limit": 1.5},
        ),
    ],
)
def test_what_the_python_sdk_serializes_parses_back(
    path: str, sent: dict[str, Any], expected: dict[str, Any]
) -> None:
    query = serialize_url_search_params(sent, strict=True)
    assert query.endswith("_strict=true")
    model = parse(path, query)
    assert model.model_dump(exclude_unset=True) == expected


# ------------------------------------------------------------------ JSON strictness


@pytest.mark.parametrize(
    ("body", "param", "message"),
    [
        ({"device_ids": ["a"], "limit": "5"}, "limit", "Expected number, received string"),
        ({"limit": True}, "limit", "Expected number, received boolean"),
        ({"search": 5}, "search", "Expected string, received number"),
        ({"device_ids": 123}, "device_ids", "Expected array, received number"),
        ({"device_ids": "a"}, "device_ids", "Expected array, received string"),
        ({"custom_metadata_has": "x"}, "custom_metadata_has", "Expected object, received string"),
        ({"unstable_location_id": []}, "unstable_location_id", "Expected string, received array"),
        ({"search": {}}, "search", "Expected string, received object"),
    ],
)
def test_json_values_are_not_coerced(body: dict[str, Any], param: str, message: str) -> None:
    assert messages(error("/devices/list", body=body), param) == [message]


def test_json_booleans_must_be_booleans() -> None:
    err = error("/access_codes/delete", body={"access_code_id": "c", "sync": "true"})
    assert messages(err, "sync") == ["Expected boolean, received string"]
    err = error("/access_codes/delete", body={"access_code_id": "c", "sync": 1})
    assert messages(err, "sync") == ["Expected boolean, received number"]


def test_integers() -> None:
    route = "/access_codes/report_device_constraints"
    err = error(route, body={"device_id": "d", "min_code_length": 4.5})
    assert messages(err, "min_code_length") == ["Expected integer, received float"]
    err = error(route, body={"device_id": "d", "min_code_length": "4"})
    assert messages(err, "min_code_length") == ["Expected number, received string"]
    model = parse(route, body={"device_id": "d", "min_code_length": 6.0})
    assert model.min_code_length == 6 and isinstance(model.min_code_length, int)


# -------------------------------------------------------------------- zod messages


def test_required() -> None:
    err = error("/access_codes/create", body={})
    assert err.message == "device_id is required"
    assert err.validation_errors == {"_errors": [], "device_id": {"_errors": ["Required"]}}


def test_enum_value() -> None:
    err = error("/access_codes/create", body={"device_id": "d", "max_time_rounding": "2h"})
    assert messages(err, "max_time_rounding") == [
        "Invalid enum value. Expected '1hour' | '1day' | '1h' | '1d', received '2h'"
    ]
    assert err.message == (
        "Invalid enum value. Expected '1hour' | '1day' | '1h' | '1d', received '2h' for \"max_time_rounding\""
    )


def test_enum_given_another_type() -> None:
    err = error("/access_codes/create", body={"device_id": "d", "max_time_rounding": 1})
    assert messages(err, "max_time_rounding") == ["Expected '1hour' | '1day' | '1h' | '1d', received number"]


def test_literal() -> None:
    err = error("/devices/unmanaged/update", body={"device_id": "d", "is_managed": False})
    assert messages(err, "is_managed") == ["Invalid literal value, expected true"]


def test_string_lengths_and_pattern_report_every_failed_check() -> None:
    route = "/access_codes/create"
    assert messages(error(route, body={"device_id": "d", "code": "123"}), "code") == [
        "String must contain at least 4 character(s)"
    ]
    assert messages(error(route, body={"device_id": "d", "code": "1" * 13}), "code") == [
        "String must contain at most 12 character(s)"
    ]
    assert messages(error(route, body={"device_id": "d", "code": "12a4"}), "code") == ["Invalid"]
    assert messages(error(route, body={"device_id": "d", "code": "1a"}), "code") == [
        "String must contain at least 4 character(s)",
        "Invalid",
    ]
    # JavaScript's `$` does not match before a trailing newline, nor `\d` a non-ASCII digit.
    assert messages(error(route, body={"device_id": "d", "code": "1234\n"}), "code") == ["Invalid"]
    assert messages(error(route, body={"device_id": "d", "code": "١٢٣٤"}), "code") == ["Invalid"]
    assert parse(route, body={"device_id": "d", "code": "1234"}).code == "1234"


def test_min_length_one_rejects_the_empty_string() -> None:
    err = error("/devices/list", body={"search": ""})
    assert messages(err, "search") == ["String must contain at least 1 character(s)"]


def test_number_bounds() -> None:
    route = "/locks/configure_auto_lock"
    low = error(route, body={"device_id": "d", "auto_lock_enabled": True, "auto_lock_delay_seconds": 0})
    assert messages(low, "auto_lock_delay_seconds") == ["Number must be greater than or equal to 1"]
    high = error(route, body={"device_id": "d", "auto_lock_enabled": True, "auto_lock_delay_seconds": 61})
    assert messages(high, "auto_lock_delay_seconds") == ["Number must be less than or equal to 60"]
    err = error("/action_attempts/list", [("limit", "0")])
    assert messages(err, "limit") == ["Number must be greater than 0"]


def test_array_lengths() -> None:
    err = error("/events/list", body={"between": ["2026-01-01T00:00:00Z"]})
    assert messages(err, "between") == ["Array must contain exactly 2 element(s)"]
    err = error(
        "/access_codes/report_device_constraints", body={"device_id": "d", "supported_code_lengths": []}
    )
    assert messages(err, "supported_code_lengths") == ["Array must contain at least 1 element(s)"]
    err = error("/events/list", body={"space_ids": [f"s{i}" for i in range(101)]})
    assert messages(err, "space_ids") == ["Array must contain at most 100 element(s)"]


def test_array_item_errors_are_keyed_by_index() -> None:
    err = error("/devices/list", body={"device_ids": ["a", 2, "c", None]})
    assert err.validation_errors == {
        "_errors": [],
        "device_ids": {
            "_errors": [],
            "1": {"_errors": ["Expected string, received number"]},
            "3": {"_errors": ["Expected string, received null"]},
        },
    }
    assert err.message == (
        '2 Input Errors: Expected string, received number for "device_ids.1", '
        'Expected string, received null for "device_ids.3"'
    )


def test_nested_object_errors_nest() -> None:
    err = error(
        "/devices/report_provider_metadata",
        body={"devices": [{"device_id": "d", "schlage_metadata": {}}, {}]},
    )
    assert err.validation_errors == {
        "_errors": [],
        "devices": {
            "_errors": [],
            "0": {
                "_errors": [],
                "schlage_metadata": {"_errors": [], "time_zone": {"_errors": ["Required"]}},
            },
            "1": {"_errors": [], "device_id": {"_errors": ["Required"]}},
        },
    }
    assert err.message == (
        "2 Input Errors: devices.0.schlage_metadata.time_zone is required, devices.1.device_id is required"
    )


def test_nested_objects_validate_to_models() -> None:
    model = parse(
        "/devices/report_provider_metadata",
        body={"devices": [{"device_id": "d", "schlage_metadata": {"time_zone": "Europe/Paris"}}]},
    )
    assert model.devices[0].schlage_metadata.time_zone == "Europe/Paris"
    assert model.model_dump(exclude_unset=True) == {
        "devices": [{"device_id": "d", "schlage_metadata": {"time_zone": "Europe/Paris"}}]
    }
    err = error("/devices/update", body={"device_id": "d", "properties": "x"})
    assert messages(err, "properties") == ["Expected object, received string"]


def test_record_value_errors_are_keyed_by_key() -> None:
    err = error("/devices/update", body={"device_id": "d", "custom_metadata": {"k": "x" * 501}})
    assert messages(err, "custom_metadata", "k") == ["String must contain at most 500 character(s)"]
    assert messages(err, "custom_metadata") == []
    model = parse("/devices/update", body={"device_id": "d", "custom_metadata": {"a": None, "b": True}})
    assert model.custom_metadata == {"a": None, "b": True}


def test_a_union_that_matches_nothing_is_invalid_input() -> None:
    err = error("/devices/list", body={"custom_metadata_has": {"k": 5}})
    assert err.message == 'Invalid input for "custom_metadata_has.k"'
    # zod's format() lists what each option of the union said.
    assert messages(err, "custom_metadata_has", "k") == [
        "Expected string, received number",
        "Expected boolean, received number",
    ]


def test_a_union_of_enums() -> None:
    assert parse("/devices/list", [("device_type", "august_lock")]).device_type == "august_lock"
    assert parse("/devices/list", [("device_types", "ecobee_thermostat")]).device_types == [
        "ecobee_thermostat"
    ]
    err = error("/devices/list", [("device_type", "toaster")])
    assert err.message == 'Invalid input for "device_type"'
    assert "Invalid enum value. Expected 'ring_camera', received 'toaster'" in messages(err, "device_type")


def test_several_problems_are_counted_in_the_message() -> None:
    err = error("/access_codes/create", body={"device_id": 5, "sync": "true"})
    assert err.message == (
        '2 Input Errors: Expected string, received number for "device_id", '
        'Expected boolean, received string for "sync"'
    )


# --------------------------------------------------------------- top-level oneOf


def test_a_body_that_is_a_union_of_objects() -> None:
    route = "/connected_accounts/get"
    assert parse(route, [("connected_account_id", "c")]).connected_account_id == "c"
    model = parse(route, body={"email": "jane@example.com"})
    assert model.email == "jane@example.com"
    assert model.connected_account_id is None
    # zod keeps what the first matching option parsed.
    both = parse(route, body={"connected_account_id": "c", "email": "jane@example.com"})
    assert both.model_dump(exclude_unset=True) == {"connected_account_id": "c"}


def test_a_body_union_that_matches_nothing() -> None:
    err = error("/connected_accounts/get", body={})
    assert err.message == "Invalid input"
    assert err.validation_errors == {
        "_errors": [],
        "connected_account_id": {"_errors": ["Required"]},
        "email": {"_errors": ["Required"]},
    }


def test_a_body_union_reports_the_option_that_only_failed_a_check() -> None:
    err = error("/connected_accounts/get", body={"email": "not an email"})
    assert err.message == 'Invalid email for "email"'
    assert err.validation_errors == {"_errors": [], "email": {"_errors": ["Invalid email"]}}


# ------------------------------------------------------------- helpers for handlers


def test_invalid_builds_the_same_error_shape() -> None:
    err = invalid("ends_at", "ends_at must be later than starts_at")
    assert isinstance(err, InvalidInput)
    assert err.validation_errors == {
        "_errors": [],
        "ends_at": {"_errors": ["ends_at must be later than starts_at"]},
    }
    assert err.message == 'ends_at must be later than starts_at for "ends_at"'
    assert invalid("device_id", "Required").message == "device_id is required"


def test_invalid_nests_a_dotted_param() -> None:
    err = invalid("between.1", "Invalid datetime")
    assert err.validation_errors == {
        "_errors": [],
        "between": {"_errors": [], "1": {"_errors": ["Invalid datetime"]}},
    }


def test_invalid_input_body() -> None:
    err = error("/access_codes/create", body={})
    assert err.status == 400
    assert err.type == "invalid_input"
    assert err.body() == {
        "error": {
            "type": "invalid_input",
            "message": "device_id is required",
            "validation_errors": {"_errors": [], "device_id": {"_errors": ["Required"]}},
        },
        "ok": False,
    }
    assert str(err) == "device_id is required"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-26T10:00:00.000Z", datetime(2026, 11, 26, 10, tzinfo=UTC)),
        ("2026-11-26T10:00:00Z", datetime(2026, 11, 26, 10, tzinfo=UTC)),
        ("2026-11-26T12:00:00+02:00", datetime(2026, 11, 26, 10, tzinfo=UTC)),
        ("2026-11-26T05:30:00-04:30", datetime(2026, 11, 26, 10, tzinfo=UTC)),
        ("2026-11-26T10:00:00", datetime(2026, 11, 26, 10, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(text: str, expected: datetime) -> None:
    parsed = parse_timestamp(text, "starts_at")
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.tzinfo is UTC


def test_parse_timestamp_keeps_milliseconds() -> None:
    parsed = parse_timestamp("2026-11-26T10:00:00.123Z", "since")
    assert parsed.microsecond == 123000
    assert parsed.astimezone(timezone(timedelta(hours=1))).hour == 11


@pytest.mark.parametrize("text", ["", "tomorrow", "26/11/2026", "2026-13-01T00:00:00Z", "T10:00"])
def test_parse_timestamp_rejects_what_is_not_iso_8601(text: str) -> None:
    with pytest.raises(InvalidInput) as info:
        parse_timestamp(text, "ends_at")
    assert info.value.validation_errors == {
        "_errors": [],
        "ends_at": {"_errors": ["Invalid datetime"]},
    }
    assert info.value.message == 'Invalid datetime for "ends_at"'


# ------------------------------------------------------------------------ generator


HAS_RUFF = bool(shutil.which("ruff")) or Path(sys.executable).with_name("ruff").exists()


@pytest.mark.skipif(not SPEC.exists() or not HAS_RUFF, reason="needs the spec and ruff")
def test_params_module_is_up_to_date_with_the_generator() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "gen_params.py"), "--check"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
