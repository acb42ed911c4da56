"""Fuzz every operation of the bridge's OpenAPI spec with schemathesis (issue 8).

The public API, the staff API (with a logged-in beheerder's session cookie and CSRF header) and
the internal handoff endpoint (with the service token) get schema-valid and schema-invalid
requests. Checks: no 5xx (only /health may say 503: it reports Rasa down, as it is here), every
status code is documented, and every documented response body matches its schema.

A request that names an object (a conversation, case, template or regeling in its path, or a
conversation in a handoff body) is sent as generated, which mostly finds nothing (404), and once
more for a fresh real object, so the generated bodies also reach the code behind the 404. All
operations share one database per backend, so what one operation creates (cases, templates,
accounts, audit rows) shows up in the answers of the next. Generated strings are now and then
one of the OWASP injection strings of payloads.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import schemathesis
from schemathesis.checks import not_a_server_error
from schemathesis.python.asgi import ASGIClient
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance
from sqlalchemy import select
from sqlalchemy.orm import Session

from bridge.api.staff_auth import SESSION_COOKIE
from bridge.core.config import PROJECT_ROOT, get_settings
from bridge.core.db import get_sessionmaker
from bridge.main import create_app
from bridge.models import ReplyTemplate, StaffAccount, StaffRole
from bridge.services.staff import start_session
from tests.bridge.conftest import SERVICE_TOKEN
from tests.bridge.factories import make_case, make_staff
from tests.conftest import empty_database
from tests.security import payloads
from tests.security.conftest import Bridge, running_bridge

STAFF_EMAIL = "beheer@uwv.example"  # cases from make_case land in the UWV queue
BASE_URL = "http://testserver"
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 8,  # with `deterministic`, every run sends the same requests
        "generation": {
            "max-examples": 30,
            "deterministic": True,
            "database": "none",
            # Mix the OWASP injection strings into the generated strings.
            "dictionaries": {"string": {"dictionary": "owasp", "probability": 0.2}},
        },
        "dictionaries": {"owasp": {"values": payloads.ALL}},
        "operations": [
            {
                "include-path": "/health",
                "checks": {"not_a_server_error": {"expected-statuses": ["2xx", "4xx", "503"]}},
            }
        ],
    }
)


def _served_spec() -> dict[str, Any]:
    """The spec the app serves at /openapi.json (building the app connects to nothing)."""
    spec = create_app().openapi()
    get_settings.cache_clear()  # read while importing; each test app reads its own settings
    return spec


# Loaded at import, not with schemathesis.pytest.from_fixture: that one fails on pytest 9.2
# (it sets `node._nodeid`). Not from_asgi either: it would start a second lifespan of the app,
# next to the one of the `running_bridge` test client, and keep it running until exit.
schema = schemathesis.openapi.from_dict(_served_spec(), config=CONFIG)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzzed_bridge(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Bridge]:
    directory = tmp_path_factory.mktemp("fuzz")
    with empty_database(request.param, directory) as url, running_bridge(url, directory / "rasa-tracker.db") as bridge:
        make_staff("UWV", STAFF_EMAIL, role=StaffRole.BEHEERDER, name="Bea")
        yield bridge


def _beheerder(session: Session) -> StaffAccount:
    account = session.scalar(select(StaffAccount).where(StaffAccount.email == STAFF_EMAIL))
    assert account is not None
    return account


def _staff_credentials() -> tuple[dict[str, str], dict[str, str]]:
    """A fresh session for the beheerder (a fuzzed logout may have ended the previous one)."""
    with get_sessionmaker()() as session:
        new_session = start_session(session, _beheerder(session))
    return {SESSION_COOKIE: new_session.token}, {"X-CSRF-Token": new_session.csrf_token}


def _credentials(path: str) -> tuple[dict[str, str], dict[str, str]]:
    """(cookies, headers) that a real caller of this path sends."""
    if path.startswith("/internal/"):
        return {}, {"Authorization": f"Bearer {SERVICE_TOKEN}"}
    if path.startswith(("/api/staff/", "/api/handoffs")) and path != "/api/staff/login":
        return _staff_credentials()
    return {}, {}


def _new_conversation(bridge: Bridge) -> str:
    conversation_id = str(bridge.client.post("/api/conversations").json()["id"])
    bridge.client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "Ik zoek werk in Almere"})
    return conversation_id


def _new_case(bridge: Bridge) -> str:
    return make_case(bridge.client)[1]


def _new_template(_: Bridge) -> int:
    with get_sessionmaker()() as session:
        organisation_id = _beheerder(session).organisation_id
        template = ReplyTemplate(organisation_id=organisation_id, title="Groet", body="Goedemiddag!")
        session.add(template)
        session.commit()
        return template.id


def _a_regeling(_: Bridge) -> str:
    return sorted((PROJECT_ROOT / "knowledge" / "regelingen").glob("*.yml"))[0].stem


REAL_OBJECTS: dict[str, Callable[[Bridge], object]] = {
    "conversation_id": _new_conversation,
    "case_id": _new_case,
    "template_id": _new_template,
    "slug": _a_regeling,
}


def _send(case: schemathesis.Case, fuzzer: ASGIClient) -> Any:
    """Send the case; the checks raise on a 5xx, an undocumented status or a body off its schema."""
    cookies, headers = _credentials(case.path)
    response = case.call_and_validate(
        session=fuzzer, base_url=BASE_URL, cookies=cookies, headers=headers, checks=CHECKS
    )
    if cookies or headers:
        # The fuzzer got past authentication: otherwise every staff and internal case would only see 401.
        assert response.status_code != 401, f"{case.method} {case.path}: credentials refused"
    return response


def _point_at_real_objects(case: schemathesis.Case, bridge: Bridge) -> bool:
    """Replace the ids the request names (path, or the handoff body) by fresh real ones."""
    named = [name for name in REAL_OBJECTS if name in (case.path_parameters or {})]
    for name in named:
        case.path_parameters[name] = REAL_OBJECTS[name](bridge)
    if isinstance(case.body, dict) and isinstance(case.body.get("conversation_id"), str):
        case.body["conversation_id"] = _new_conversation(bridge)
        return True
    return bool(named)


@schema.parametrize()
def test_api_conforms_to_its_spec(case: schemathesis.Case, fuzzed_bridge: Bridge) -> None:
    fuzzer = ASGIClient(fuzzed_bridge.app)  # in-process; the app's lifespan runs in the fixture
    _send(case, fuzzer)
    if _point_at_real_objects(case, fuzzed_bridge):
        response = _send(case, fuzzer)
        # A fresh real object is found: the generated body reaches the code behind the 404.
        assert response.status_code != 404 or _may_be_missing(case), f"{case.method} {case.path}: {response.text}"


def _may_be_missing(case: schemathesis.Case) -> bool:
    """404 for a real object is right here: another method than the operation's (schemathesis also sends
    those, expecting a refusal), or asking for a callback request that was never made."""
    return case.method.upper() != case.operation.method.upper() or (
        case.method.upper() == "GET" and case.path.endswith("/terugbelverzoek")
    )
