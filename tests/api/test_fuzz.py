"""Schemathesis fuzzes every operation of the fake's own `/openapi.json`: no answer is a 5xx,
every answer matches the schema the document declares for its status, and every status and
content type is declared.

The document is read from `/openapi.json` of an in-process fake; each generated request goes to
a fresh, furnished fake (`hostile.furnished`: the default seed, a code, an unmanaged code and an action attempt, frozen at one instant) through `InProcessAdapter`, which hands it to
`Api.handle` as the ASGI app does, without an event loop thread in between. Half the time an id
parameter is set to an id the seed holds, so the 200 answers (devices, codes, events) are checked
too, not only the 404s a random id gets.

Budget (docs/wire-protocol.md): `EXAMPLES` generated requests per operation, derandomized, without
schemathesis' coverage phase. Each test reports the requests it sent (`fuzzed_requests`), and
the run's total is printed at the end (conftest.py).
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx
import pytest
import requests
import schemathesis
import urllib3
from hostile import BASELINE_DEVICE, furnished
from hypothesis import HealthCheck, Phase, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from fake_seam.fake import DEFAULT_API_KEY, DEFAULT_ENDPOINT, FakeSeam

EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
AUTH = {"authorization": f"Bearer {DEFAULT_API_KEY}"}


def seed_ids(ids: dict[str, str]) -> dict[str, list[str]]:
    """The ids an id parameter may be set to (the rest of the time it is fuzzed)."""
    return {
        "device_id": ["august_device_1", BASELINE_DEVICE, "ecobee_device_1", "salto_device_1"],
        "access_code_id": [ids["access_code_id"], ids["unmanaged_access_code_id"]],
        "connected_account_id": ["john_connected_account_id", "jane_connected_account_id"],
        "workspace_id": ["seed_workspace_1"],
        "action_attempt_id": [ids["action_attempt_id"]],
        "event_id": [ids["event_id"]],
        "common_code_key": [ids["common_code_key"]],
    }


class InProcessAdapter(requests.adapters.HTTPAdapter):
    """`requests` to a fake's `Api`, the way `fake_seam.api.transport` carries httpx: the
    request's method, path, query, headers and body go to `Api.handle`, its answer comes back."""

    def __init__(self) -> None:
        super().__init__()
        self.fake = FakeSeam(frozen=True)
        self.sent = 0
        self.ids: dict[str, list[str]] = {}

    def reset(self) -> None:
        self.fake, ids = furnished()
        self.ids = seed_ids(ids)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        url = urlsplit(request.url or "")
        body = request.body or b""
        status, headers, payload = self.fake.api.handle(
            request.method or "GET",
            unquote(url.path),
            url.query,
            {name.lower(): value for name, value in request.headers.items()},
            body.encode() if isinstance(body, str) else body,
            f"{url.scheme}://{url.netloc}",
        )
        self.sent += 1
        raw = urllib3.HTTPResponse(
            body=io.BytesIO(payload),
            headers=[(name.decode("latin-1"), value.decode("latin-1")) for name, value in headers],
            status=status,
            preload_content=False,
            version=11,
        )
        return self.build_response(request, raw)


def served_document() -> dict[str, Any]:
    """`GET /openapi.json` of an in-process fake, as a client reads it."""
    with httpx.Client(transport=FakeSeam().transport(), base_url=DEFAULT_ENDPOINT) as client:
        answer = client.get("/openapi.json")
    assert answer.status_code == 200
    document: dict[str, Any] = answer.json()
    return document


schema = schemathesis.openapi.from_dict(served_document())
schema.config.update(base_url=DEFAULT_ENDPOINT)
# Requests the document allows, and requests it does not (each must be a declared 4xx).
schema.config.generation.update(modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], deterministic=True)
SEED = 20261126  # with `derandomize`: the same requests every run, whatever ran before


@pytest.fixture(scope="module")
def session() -> Any:
    with requests.Session() as session:
        adapter = InProcessAdapter()
        session.mount(DEFAULT_ENDPOINT, adapter)
        yield session, adapter


def with_seed_ids(container: Any, ids: dict[str, list[str]], data: st.DataObject) -> None:
    if not isinstance(container, dict):
        return
    for name, known in ids.items():
        if name in container and data.draw(st.booleans(), label=f"seed {name}"):
            container[name] = data.draw(st.sampled_from(known), label=name)


@schema.parametrize()
@schema.given(data=st.data())
@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_answers_as_its_document_says(
    case: Any, data: st.DataObject, session: Any, record_property: Any
) -> None:
    client, adapter = session
    adapter.reset()  # a fresh seed: no request sees another's leftovers
    with_seed_ids(case.body, adapter.ids, data)
    with_seed_ids(case.query, adapter.ids, data)
    before = adapter.sent
    case.call_and_validate(session=client, headers=AUTH, checks=CHECKS)
    assert adapter.sent == before + 1
    record_property("fuzzed_requests", 1)
