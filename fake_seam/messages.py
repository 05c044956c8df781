"""Every message string the fake sends or raises, in one place (as fakeredis keeps `_msgs.py`).

Clients and their tests compare these words exactly: zod's for validation, Seam's for its
errors and warnings, the hardware's for a refused PIN. Fixed strings are constants; a message
that names a value is a small function returning the string. A leaf module: it imports
nothing from fake_seam, so every layer may use it.
"""

from __future__ import annotations

from collections.abc import Sequence

# -- zod: issue messages ---------------------------------------------------------------

REQUIRED = "Required"
INVALID = "Invalid"  # a failed regex
INVALID_EMAIL = "Invalid email"
INVALID_URL = "Invalid url"
INVALID_INPUT = "Invalid input"  # a union none of whose options parsed
INVALID_DATETIME = "Invalid datetime"
# Not zod's (JavaScript strings may hold one): Seam could not store it either.
UNENCODABLE_STRING = "Invalid string: contains a lone surrogate, which UTF-8 cannot encode"
EXPECTED_INTEGER = "Expected integer, received float"
NUMBER_NOT_FINITE = "Number must be finite"
NOT_JSON = "Invalid input: not a value JSON can hold"


def expected_received(expected: str, received: str) -> str:
    return f"Expected {expected}, received {received}"


def string_too_short(minimum: int) -> str:
    return f"String must contain at least {minimum} character(s)"


def string_too_long(maximum: int) -> str:
    return f"String must contain at most {maximum} character(s)"


def number_greater_than(bound: str) -> str:
    return f"Number must be greater than {bound}"


def number_at_least(bound: str) -> str:
    return f"Number must be greater than or equal to {bound}"


def number_less_than(bound: str) -> str:
    return f"Number must be less than {bound}"


def number_at_most(bound: str) -> str:
    return f"Number must be less than or equal to {bound}"


def invalid_enum_value(expected: str, value: str) -> str:
    return f"Invalid enum value. Expected {expected}, received '{value}'"


def invalid_literal_value(expected: str) -> str:
    return f"Invalid literal value, expected {expected}"


def array_exactly(size: int) -> str:
    return f"Array must contain exactly {size} element(s)"


def array_at_least(size: int) -> str:
    return f"Array must contain at least {size} element(s)"


def array_at_most(size: int) -> str:
    return f"Array must contain at most {size} element(s)"


# -- nextlove: how Seam's server sums up zod issues in `error.message` -------------------


def param_required(path: str) -> str:
    return f"{path} is required"


def issue_for_param(message: str, path: str) -> str:
    return f'{message} for "{path}"'


def input_errors(summaries: Sequence[str]) -> str:
    return f"{len(summaries)} Input Errors: " + ", ".join(summaries)


# -- Seam's query-string parser ----------------------------------------------------------


def unparseable_parameter(name: str, reason: str) -> str:
    return f"Could not parse parameter: '{name}' {reason}"


REPEATED_NOT_ARRAY = "has repeated values but is not an array parameter"
MIXED_ARRAY_FORMATS = "mixes the repeated and bracket array formats"
MIXED_EMPTY_VALUES = "mixes empty values with other values"
COMMA_IN_BRACKET_ARRAY = 'uses the bracket array format with a value containing a comma ","'
COMMA_AND_REPEATED = 'mixes the comma and repeated array formats, or repeats a value containing a comma ","'
EMPTY_IN_COMMA_ARRAY = "uses the comma array format with one or more empty values"
NESTED_IN_RECORD = (
    "is nested inside a record parameter, but a record value type may not be an object, array, or record"
)


def conflicts_with_nested(nested: str) -> str:
    return f"conflicts with the nested parameter '{nested}'"


# -- requests the API layer refuses before any route runs ---------------------------------

INVALID_JSON_BODY = "Invalid input: the request body is not valid JSON"


def payload_too_large(limit: int) -> str:
    return f"The request body is larger than fake-seam's limit of {limit} bytes"


INVALID_JSON = "Invalid JSON"
INVALID_PAGE_CURSOR = "Invalid page cursor"
UNAUTHORIZED = "Unauthorized"
GATEWAY_UNAVAILABLE = "Service Unavailable"  # a gateway's plain-text answer, not a Seam error body


def route_not_found(path: str) -> str:
    return f"Route {path} not found"


def method_not_allowed(method: str, path: str, allowed: Sequence[str]) -> str:
    return f"{method} is not allowed on {path}; use {' or '.join(sorted(allowed))}"


def internal_error(path: str) -> str:
    return f"fake-seam failed on {path}"


# -- the control plane (`/_fake/*`) and the server's own refusals ---------------------------

CONTROL_TOKEN_HEADER = "x-fake-seam-control-token"
CONTROL_TOKEN_MISSING = f"This fake-seam's /_fake routes need the {CONTROL_TOKEN_HEADER} header"
CONTROL_TOKEN_WRONG = f"The {CONTROL_TOKEN_HEADER} header does not match this fake-seam's control token"
CONTROL_TOKEN_UNPRINTABLE = "a control token is one or more printable ASCII characters, no spaces"
INVALID_HTTP_REQUEST = "Invalid HTTP request: fake-seam could not parse it (a bad byte in a header?)"
REQUEST_HEADER_TIMEOUT = "The request's headers did not arrive in time"


def control_host_refused(host: str) -> str:
    # A page can point its own name at 127.0.0.1 (DNS rebinding): loopback names only.
    return (
        f"/_fake routes answer only requests addressed to this machine by a loopback name, "
        f"not {host!r}; start fake-seam with --control-token to reach them by another name"
    )


def control_needs_json(content_type: str) -> str:
    sent = f"'{content_type[:100]}'" if content_type else "no content type"
    return f"/_fake routes take a JSON body (content-type: application/json); this request sent {sent}"


CONTROL_BEYOND_LOOPBACK = (
    "/_fake routes answer on a non-loopback address only with a control token: "
    "start fake-seam with --control-token"
)


def needs_control_token(param: str) -> str:
    return f"{param} is honoured only on a fake-seam started with --control-token (and sent with it)"


def control_token_required(host: str) -> str:
    return (
        f"serving on {host}, which is not loopback, needs a control token: pass --control-token TOKEN "
        f"(or set FAKE_SEAM_CONTROL_TOKEN) so that only those who know it can use /_fake"
    )


def beyond_loopback(host: str) -> str:
    return (
        f"fake-seam: warning: serving on {host}, reachable from other machines; "
        f"/_fake routes need the {CONTROL_TOKEN_HEADER} header"
    )


# -- Seam: not found ---------------------------------------------------------------------

DEVICE_NOT_FOUND = "Device not found"
EVENT_NOT_FOUND = "Event not found"
CONNECTED_ACCOUNT_NOT_FOUND = "Connected account not found"
ACCESS_CODE_NOT_FOUND = "Could not find an access_code with device_id or access_code_id"
UNMANAGED_ACCESS_CODE_NOT_FOUND = "Could not find an unmanaged access_code with that code"

# -- Seam: access codes ------------------------------------------------------------------

CANNOT_SHARE_CODE = "No code is accepted by every device; pass behavior_when_code_cannot_be_shared"
CANNOT_UNMANAGE_CODE = "A managed access code cannot be made unmanaged here"
CODE_LENGTHS_BOTH_WAYS = "Pass supported_code_lengths or min_code_length/max_code_length, not both"
MAX_BELOW_MIN_CODE_LENGTH = "max_code_length must be at least min_code_length"
CODE_LENGTHS_OUT_OF_RANGE = "Code lengths must be between 1 and 12"

ENDS_AT_NEEDS_STARTS_AT = "ends_at is required when starts_at is given"
ENDS_AT_BEFORE_STARTS_AT = "ends_at must be later than starts_at"
ENDS_AT_IN_THE_PAST = "ends_at must be in the future"
ENDS_AT_REQUIRED_FOR_TIME_BOUND = "ends_at is required for a time_bound access code"
CANNOT_SPECIFY_PIN = "This device does not allow choosing the code (cannot_specify_pin_code)"
DUPLICATE_ACCESS_CODE = "An access code with this code already exists on the device"
CODE_CANNOT_MOVE = "An access code cannot move to another device"


def no_access_codes_on(device_id: str | None) -> str:
    return f"Device {device_id} does not support access codes"


# The `message` of an access code's errors and warnings, by their `error_code`/`warning_code`.
ERROR_MESSAGES = {
    "failed_to_set_on_device": "Failed to set code on device.",
    "no_space_for_access_code_on_device": "No space for access code on device.",
    "duplicate_code_on_device": "Duplicate access code detected on device.",
    "failed_to_remove_from_device": "Failed to remove code from device.",
}
WARNING_MESSAGES = {
    "delay_in_setting_on_device": "Delay in setting code on device.",
    "delay_in_removing_from_device": "Delay in removing code from device.",
}


def failed_to_set(error_code: str) -> str:
    """An access code error whose code has no message of its own."""
    return f"Failed to set code on device ({error_code})."


# -- Seam: backup access code pools ------------------------------------------------------

BACKUP_ONLY_TIME_BOUND = "Backup access codes are only supported for time_bound access codes"
BACKUP_POOL_UNSUPPORTED = (
    "This device does not support backup access code pools "
    "(properties.supports_backup_access_code_pool is false)"
)
# A device's pool errors and warnings, by their code.
DEVICE_CONDITION_MESSAGES = {
    "empty_backup_access_code_pool": "There are no more backup codes available in the pool.",
    "partial_backup_access_code_pool": "Seam is having trouble refilling the backup access code pool.",
    "many_active_backup_codes": "Multiple backup codes have been pulled from the device.",
}

PULL_FOR_AN_ENDED_CODE = (
    "This access code has ended (its ends_at has passed); it has no backup access code to pull"
)
PULL_FOR_A_BACKUP = "This access code is itself a backup access code; pull for the original code"


def pool_not_enabled(device_id: str) -> str:
    return (
        f"The backup access code pool is not enabled for device {device_id}; "
        "create a time_bound access code with use_backup_access_code_pool: true first"
    )


def pool_switched_off(device_id: str) -> str:
    return (
        f"The backup access code pool of device {device_id} is switched off "
        "(backup_access_code_pool_enabled: false); switch it on with /devices/update first"
    )


def no_backup_ready(device_id: str) -> str:
    return f"No backup access code is ready in the pool of device {device_id}"


def backup_name_on_lock(access_code_id: str) -> str:
    """How Seam names a backup code in the lock's slot (Seam's guide)."""
    return f"Backup {access_code_id} (Seam)"


# -- the fake's clock --------------------------------------------------------------------


# -- durations (scenario files, `/_fake/clock/advance`, `for_seconds`, Python) ------------

DURATION_EXAMPLES = "10m, 1h30m, 2.5s, 500ms, 1d"
NOT_A_DURATION_TYPE = f"a duration is a number of seconds or text like {DURATION_EXAMPLES}"
NEGATIVE_DURATION = "a duration cannot be negative"


def not_a_duration(value: object) -> str:
    return f"{value!r} is not a duration (write e.g. {DURATION_EXAMPLES})"


def clock_out_of_range(earliest: str, latest: str) -> str:
    return f"The fake's clock runs from {earliest} to {latest}; this would move it outside"


# -- Seam: devices, workspaces, action attempts -------------------------------------------

DEVICE_OFFLINE = "Device is offline"
ACCOUNT_DISCONNECTED = "Account Disconnected"
WORKSPACE_NOT_FOUND = "Workspace not found"
ACTION_ATTEMPT_NOT_FOUND = "Action attempt not found"
ACTION_ATTEMPT_FAILED = "Action attempt failed"


def device_exists(device_id: str) -> str:
    return f"A device with id {device_id} already exists"


def not_a_lock(device_id: str | None) -> str:
    return f"Device {device_id} is not a lock"


def metadata_value(key: str) -> str:
    return f"custom_metadata.{key} must be a string, number or boolean"


# -- Seam: credentials -------------------------------------------------------------------

PUBLISHABLE_KEY_ALONE = "A publishable key alone cannot call this route"
MISSING_AUTHORIZATION = "Missing or malformed Authorization header"
MISSING_WORKSPACE_HEADER = "A personal access token needs the seam-workspace header"
TOKEN_NOT_IN_WORKSPACE = "This personal access token has no access to that workspace"
INVALID_TOKEN = "Invalid API key or token"


def needs_personal_access_token(route: str) -> str:
    return f"{route} needs a personal access token"


def needs_workspace_credential(route: str) -> str:
    return f"{route} needs an API key or a personal access token, not a client session token"


# -- Seed files --------------------------------------------------------------------------


def no_seed_file(path: str) -> str:
    return f"{path}: no such seed file (use default, empty or a JSON file)"


def seed_not_json(path: str, line: int, problem: str) -> str:
    return f"{path}:{line}: not valid JSON: {problem}"


def seed_not_an_object(path: str) -> str:
    return f"{path}: a seed file is a JSON object with a 'workspaces' list"


def seed_entry_missing(missing: object) -> str:
    return f"seed: workspace entry is missing {missing}"


def seed_entry_rejected(where: str, problem: str) -> str:
    """A seed entry the model refuses (a PIN the lock does not take, a full lock, ...)."""
    return f"seed: {where}: {problem}"


SEED_STARTS_AT_WITHOUT_ENDS_AT = "starts_at needs an ends_at (a code with neither is ongoing)"
SEED_ENDS_BEFORE_STARTS = "ends_at must be after starts_at"
SEED_NOT_A_TIME = "not an ISO 8601 time"
SEED_PIN_TAKEN = "PIN already on this lock"
SEED_ID_TAKEN = "access_code_id already used"
SEED_NOT_A_LOCK = "only locks hold access codes"


def seed_no_original(original: str) -> str:
    return (
        f"pulled_backup_of must name a code of this device that is no backup and has no other "
        f"pulled backup ({original})"
    )


# -- Seam: events ------------------------------------------------------------------------

SINCE_OR_BETWEEN_REQUIRED = "Either since or between is required"

# -- Seam: locks -------------------------------------------------------------------------


def no_keypad(device_id: str) -> str:
    return f"Device {device_id} has no keypad"


CODE_NOT_ON_LOCK = "The code entered is not on the lock"
UNMANAGED_CODE_ID_NOT_FOUND = "Could not find an unmanaged access_code with access_code_id"


def no_such_code_on(code: str, device_id: str) -> str:
    return f"No code {code} is on device {device_id}"


def code_already_on_device(code: str) -> str:
    return f"Code {code} is already on the device"


# -- the hardware: why a lock refuses a PIN or a name -------------------------------------

PIN_DIGITS_ONLY = "code must contain digits only"
PIN_NO_ZEROS = "code cannot contain 0 on this device (no_zeros)"
PIN_STARTS_WITH_12 = "code cannot start with 12 on this device (cannot_start_with_12)"
PIN_TRIPLE_DIGIT = "code cannot repeat a digit three times in a row (no_triple_consecutive_ints)"
PIN_SEQUENCE = "code cannot be an ascending or descending sequence (no_ascending_or_descending_sequence)"
PIN_THREE_UNIQUE_DIGITS = "code needs at least three different digits (at_least_three_unique_digits)"
PIN_CONTAINS_089 = "code cannot contain 0, 8 or 9 on this device (cannot_contain_089)"
PIN_CONTAINS_0789 = "code cannot contain 0, 7, 8 or 9 on this device (cannot_contain_0789)"
PIN_ALL_SAME_DIGITS = "code cannot be one digit repeated (no_all_same_digits)"
PIN_FIRST_FOUR_DIGITS = (
    "code's first four digits must differ from every other code on the device (unique_first_four_digits)"
)
NAME_NOT_UNIQUE = "name must be unique on this device (name_must_be_unique)"
NO_FREE_PIN = "no free code left that this device accepts"
NO_FREE_SLOT = "the device has no free slot for another code"


def pin_length(lengths: str, got: int) -> str:
    return f"code must be {lengths} digits long on this device, got {got}"


def name_too_short(minimum: int) -> str:
    return f"name must be at least {minimum} characters on this device"


def name_too_long(maximum: int) -> str:
    return f"name must be at most {maximum} characters on this device"


def pin_already_on_lock(code: str) -> str:
    return f"code {code} is already on this device"


# -- webhooks -------------------------------------------------------------------------------

WEBHOOK_NOT_FOUND = "Webhook not found"
WEBHOOK_URL_NOT_HTTP = "Webhook url must be an http or https URL"


def webhook_status(status_code: int) -> str:
    return f"the receiver answered {status_code}"


def outbox_full(limit: int) -> str:
    return f"given up unsent: more than {limit:,} deliveries were waiting for this webhook"


# -- onboarding -----------------------------------------------------------------------------

CONNECT_WEBVIEW_NOT_FOUND = "Connect webview not found"
USER_IDENTITY_NOT_FOUND = "User identity not found"
CLIENT_SESSION_NOT_FOUND = "Client session not found"
CONNECT_WEBVIEW_NOT_PENDING = "Connect webview is no longer pending: it was completed or failed already"
USER_IDENTITY_KEY_TAKEN = "A user identity with this user_identity_key already exists"
CLIENT_SESSION_KEY_OR_ID = "Give client_session_id or user_identifier_key"


def provider_not_accepted(provider: str, accepted: list[str]) -> str:
    return f"Provider {provider!r} is not accepted by this connect webview (accepted: {', '.join(accepted)})"


CONNECT_WEBVIEW_PAGE_TITLE = "Connect your locks (fake-seam)"


# -- the mocked SDK and the remote client -------------------------------------------------


def not_a_control_answer(path: str, status: int, text: str) -> str:
    return f"{path} answered {status} without a Seam error body: {text[:200]!r}"


NO_ACTIVE_MOCK = "no mock_seam() is active: start one (with, decorator or the mock_seam fixture) first"
MOCK_NOT_STARTED = "this mock_seam() was stopped more often than it was started"
SDK_MISSING = "mock_seam() patches the official Seam SDK, which fake-seam depends on: pip install fake-seam"


# -- the call log (`fake.calls`): what its assertions say ------------------------------

NO_CALL_YET = "no call recorded yet"


def calls_to(count: int, path: str, params: dict[str, object], times: int | None, seen: str) -> str:
    """`assert_called` / `assert_not_called` failing: what was asked, and what was sent."""
    wanted = " with " + ", ".join(f"{k}={v!r}" for k, v in params.items()) if params else ""
    expected = "" if times is None else f" (expected {times})"
    return f"{count or 'no'} call(s) to {path}{wanted}{expected}; {seen}"


def calls_seen(same_path_params: list[dict[str, object]], paths: list[str]) -> str:
    if same_path_params:
        return f"its calls had params {same_path_params}"
    return f"calls made: {paths or 'none'}"


# -- the state file (`serve --state`, `state check`, `state export`) -----------------------


def state_file_missing(path: str) -> str:
    return f"{path}: no such state file"


def state_file_not_a_file(path: str) -> str:
    return f"{path}: not a file"


def state_file_unreadable(path: str, reason: str) -> str:
    return f"{path}: not a usable state file ({reason}); it was left as it is"


def state_file_not_ours(path: str) -> str:
    return f"{path}: not a fake-seam state file; it was left as it is"


def state_file_locked(path: str) -> str:
    return f"{path}: in use by another fake-seam (a state file has one server at a time)"


def state_file_other_version(path: str, found: object, found_by: str, ours: int, ours_by: str) -> str:
    return (
        f"{path}: state format {found} written by fake-seam {found_by}; this is fake-seam {ours_by} "
        f"(format {ours}): export it with that version (fake-seam state export) and --seed the JSON"
    )


def state_file_diverged(path: str, seq: int, call: str, status: int, recorded: int) -> str:
    return (
        f"{path}: entry {seq} ({call}) answers {status} on replay but answered {recorded}: "
        "the file was written by different code; it was left as it is"
    )


def state_file_damaged(path: str, reason: str) -> str:
    return f"{path}: damaged state ({reason}); it was left as it is"


# -- scenarios and webhooks ---------------------------------------------------------------

NO_SCENARIO_RECEIVER = (
    "no webhook receiver: register one first, e.g. `call: webhooks.create` with "
    "`params: {url: ${webhook_receiver}}`"
)


def unverified_deliveries(types: list[str]) -> str:
    return f"these did not verify with the webhook's secret: {types}"
