"""Callback requests (terugbelverzoek): given on purpose with consent, kept only with the open case,
never in the transcript or the logs, gone on close, handback, withdrawal and erasure; staff of the
case's own organisation see them (audited). SQLite and PostgreSQL."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from bridge.core.config import PROJECT_ROOT
from bridge.core.db import get_engine, get_sessionmaker
from bridge.models import AuditLog, CallbackRequest, CaseSummary, HandoffCase, Message
from bridge.schemas.callback import (
    CONSENT_REQUIRED,
    CONSENT_TEXT,
    CONSENT_VERSION,
    PHONE_INVALID,
    PHONE_NOT_ALLOWED,
    mask_email,
    mask_phone,
    normalise_phone,
)
from tests.bridge.conftest import STAFF_TOKEN
from tests.bridge.factories import PASSWORD, UWV_INTAKE, login, make_case, make_staff
from tests.bridge.tracker_support import TrackerDB, cells_containing, tracker_db  # noqa: F401

TYPED = "06-48273915"
E164 = "+31648273915"
# Every way the number could show up somewhere it must not be.
NUMBER_FORMS = [E164, "0648273915", "648273915", "48273915", "06 48273915", TYPED]
EMAIL = "fatima.yilmaz@voorbeeld.nl"
WEB_CHAT = PROJECT_ROOT / "connectors" / "web" / "static" / "elkedeur-chat.js"


def _url(conversation_id: str) -> str:
    return f"/api/conversations/{conversation_id}/terugbelverzoek"


def _ask(client: TestClient, conversation_id: str, **overrides: Any) -> Any:
    body = {"telefoonnummer": TYPED, "dagdeel": "ochtend", "toestemming": True, **overrides}
    return client.post(_url(conversation_id), json=body)


def _kept() -> list[CallbackRequest]:
    with get_sessionmaker()() as session:
        return list(session.scalars(select(CallbackRequest)))


def _texts(conversation_id: str) -> list[str | None]:
    with get_sessionmaker()() as session:
        return list(
            session.scalars(select(Message.text).where(Message.conversation_id == conversation_id).order_by(Message.id))
        )


def _audit(case_id: str) -> list[tuple[str, dict[str, Any] | None]]:
    with get_sessionmaker()() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.case_id == case_id).order_by(AuditLog.id))
        return [(row.action, row.detail) for row in rows]


# ---- phone numbers (no database) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "e164"),
    [
        ("06-48273915", "+31648273915"),
        ("06 4827 3915", "+31648273915"),
        ("+31648273915", "+31648273915"),
        ("+31 6 48273915", "+31648273915"),
        ("0031648273915", "+31648273915"),
        ("010-1234567", "+31101234567"),
        ("(020) 123 45 67", "+31201234567"),
        ("085-1234567", "+31851234567"),
    ],
)
def test_dutch_numbers_are_normalised_to_e164(typed: str, e164: str) -> None:
    assert normalise_phone(typed) == e164


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12345", PHONE_INVALID),
        ("06-1234567", PHONE_INVALID),  # one digit short
        ("bel me maar", PHONE_INVALID),
        ("+32470123456", PHONE_INVALID),  # Belgian: staff call Dutch numbers
        ("0900-1234567", PHONE_NOT_ALLOWED),  # paid service number
        ("0800-1234", PHONE_NOT_ALLOWED),
    ],
)
def test_other_input_is_refused(typed: str, message: str) -> None:
    with pytest.raises(ValueError, match=message[:20]):
        normalise_phone(typed)


def test_masks_show_only_the_ends() -> None:
    assert mask_phone("+31648273915") == "06 ** ** ** 15"
    assert mask_phone("+31101234567") == "01 ** ** ** 67"
    assert mask_email(EMAIL) == "f***@voorbeeld.nl"


def test_the_web_chat_shows_the_consent_text_the_bridge_records() -> None:
    # The version stored with each request names this text; the widget must show exactly it.
    assert CONSENT_TEXT in WEB_CHAT.read_text(encoding="utf-8")


# ---- the public API -------------------------------------------------------------------------------


def test_callback_is_kept_with_the_open_case_and_shown_masked(client: TestClient) -> None:
    conversation_id, case_id = make_case(client)

    response = _ask(client, conversation_id, email=EMAIL)

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["telefoonnummer"] == "06 ** ** ** 15"
    assert body["email"] == "f***@voorbeeld.nl"
    assert body["dagdeel"] == "ochtend"
    assert body["toestemming_versie"] == CONSENT_VERSION
    assert body["toestemming_gegeven_op"].endswith(("Z", "+00:00"))  # UTC with an offset, on SQLite too
    [kept] = _kept()
    assert (kept.case_id, kept.telefoonnummer, kept.email, kept.dagdeel) == (case_id, E164, EMAIL, "ochtend")
    assert kept.consent_version == CONSENT_VERSION and kept.consent_at is not None
    # The transcript says that it happened, without the number.
    assert _texts(conversation_id)[-1] == "U heeft gevraagd om teruggebeld te worden. Uw voorkeur: ochtend."
    assert client.get(_url(conversation_id)).json() == body
    # The number is only in the callback table: not in messages, cases or anywhere else.
    assert {table for table, _ in cells_containing(get_engine(), NUMBER_FORMS + [EMAIL])} == {"terugbelverzoeken"}


def test_sending_again_replaces_the_details(client: TestClient) -> None:
    conversation_id, _ = make_case(client)
    assert _ask(client, conversation_id).status_code == 201
    again = _ask(client, conversation_id, telefoonnummer="010-1234567", dagdeel="geen voorkeur")
    assert again.status_code == 201
    assert again.json()["telefoonnummer"] == "01 ** ** ** 67"
    assert [(k.telefoonnummer, k.dagdeel) for k in _kept()] == [("+31101234567", "geen voorkeur")]
    assert _texts(conversation_id)[-1] == "U heeft uw terugbelverzoek gewijzigd."


@pytest.mark.parametrize("consent", [False, None, "true", 1, "ja"])
def test_consent_must_be_literally_true(client: TestClient, consent: Any) -> None:
    conversation_id, _ = make_case(client)
    body: dict[str, Any] = {"telefoonnummer": TYPED}
    if consent is not None:
        body["toestemming"] = consent
    response = client.post(_url(conversation_id), json=body)
    assert response.status_code == 422
    assert [error["msg"] for error in response.json()["detail"]] == [CONSENT_REQUIRED]
    assert _kept() == []


def test_a_wrong_number_gets_a_dutch_answer_that_does_not_log_it(client: TestClient) -> None:
    conversation_id, _ = make_case(client)
    response = _ask(client, conversation_id, telefoonnummer="0900-8844")
    assert response.status_code == 422
    assert [error["msg"] for error in response.json()["detail"]] == [PHONE_NOT_ALLOWED]
    bad_email = _ask(client, conversation_id, email="niet-een-adres")
    assert bad_email.status_code == 422
    assert "e-mailadres klopt niet" in bad_email.json()["detail"][0]["msg"]
    assert _kept() == []


def test_no_open_case_is_409_and_unknown_conversation_404(client: TestClient) -> None:
    conversation_id = client.post("/api/conversations").json()["id"]
    response = _ask(client, conversation_id)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("U kunt alleen om terugbellen vragen")
    assert client.get(_url(conversation_id)).status_code == 404
    unknown = "00000000-0000-4000-8000-000000000000"
    assert _ask(client, unknown).status_code == 404
    assert client.delete(_url(unknown)).status_code == 404
    assert _kept() == []


def test_withdrawing_deletes_at_once(client: TestClient) -> None:
    conversation_id, _ = make_case(client)
    _ask(client, conversation_id)

    assert client.delete(_url(conversation_id)).status_code == 204

    assert _kept() == []
    assert _texts(conversation_id)[-1] == "U heeft uw terugbelverzoek ingetrokken. Uw telefoonnummer is verwijderd."
    assert client.get(_url(conversation_id)).status_code == 404
    # Idempotent: nothing left to withdraw, no second notice.
    count = len(_texts(conversation_id))
    assert client.delete(_url(conversation_id)).status_code == 204
    assert len(_texts(conversation_id)) == count


def test_rate_limited_like_messages(
    database_url: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    monkeypatch.setenv("RATE_LIMIT_PER_CONVERSATION", "3/minute")
    client: TestClient = request.getfixturevalue("client")
    conversation_id, _ = make_case(client)
    statuses = [_ask(client, conversation_id).status_code for _ in range(4)]
    assert statuses == [201, 201, 201, 429]
    limited = _ask(client, conversation_id)
    assert limited.json()["detail"].startswith("U stuurt veel berichten")
    assert int(limited.headers["Retry-After"]) >= 1


# ---- never in the logs ----------------------------------------------------------------------------


def test_the_number_never_reaches_the_logs(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    caplog.set_level(logging.DEBUG)

    _ask(client, conversation_id, email=EMAIL)
    _ask(client, conversation_id, telefoonnummer="06-4827391")  # invalid (too short): refused
    client.get(_url(conversation_id))
    csrf = login(client, "sanne@uwv.example")
    client.get(f"/api/staff/cases/{case_id}")
    client.get(f"/console/zaken/{case_id}")
    client.post(f"/api/staff/cases/{case_id}/close", json={"outcome": "geholpen"}, headers=csrf)

    assert caplog.records, "nothing was logged at all: the check would prove nothing"
    for record in caplog.records:
        logged = record.getMessage() + repr(record.__dict__)
        for needle in [*NUMBER_FORMS, "4827391", EMAIL]:
            assert needle not in logged, (record.name, needle)


# ---- deletion: close, handback, erasure, cascade ----------------------------------------------------


def test_closing_the_case_deletes_the_details_and_the_summary_never_has_them(
    tracker_db: TrackerDB,
    client: TestClient,
) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    _ask(client, conversation_id, email=EMAIL)
    csrf = login(client, "sanne@uwv.example")

    closed = client.post(f"/api/staff/cases/{case_id}/close", json={"outcome": "geholpen"}, headers=csrf)

    assert closed.status_code == 200
    assert _kept() == []
    assert cells_containing(get_engine(), NUMBER_FORMS + [EMAIL]) == []
    # Nothing to call back for any more: asking again needs a new case.
    assert client.get(_url(conversation_id)).status_code == 404
    assert _ask(client, conversation_id).status_code == 409
    # Erasing the conversation turns the closed case into a summary: without the details.
    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
    with get_sessionmaker()() as session:
        summary = session.get(CaseSummary, case_id)
        assert summary is not None and "contact" not in summary.intake
    assert cells_containing(get_engine(), NUMBER_FORMS + [EMAIL]) == []


def test_handing_back_to_the_bot_deletes_the_details(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    _ask(client, conversation_id)
    csrf = login(client, "sanne@uwv.example")
    assert client.post(f"/api/staff/cases/{case_id}/handback", headers=csrf).status_code == 200
    assert _kept() == []


def test_erasing_the_conversation_deletes_the_details_of_an_open_case(
    tracker_db: TrackerDB,
    client: TestClient,
) -> None:
    conversation_id, _ = make_case(client)
    kept_conversation, kept_case = make_case(client)
    _ask(client, conversation_id)
    _ask(client, kept_conversation, telefoonnummer="010-1234567")

    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204

    assert [k.case_id for k in _kept()] == [kept_case]  # the other person's request stays
    assert cells_containing(get_engine(), NUMBER_FORMS) == []


def test_the_database_cascades_when_a_case_row_goes(client: TestClient) -> None:
    # ON DELETE CASCADE on both databases (SQLite through the engine's PRAGMA foreign_keys=ON).
    conversation_id, case_id = make_case(client)
    _ask(client, conversation_id)
    with get_sessionmaker()() as session:
        session.execute(delete(HandoffCase).where(HandoffCase.id == case_id))
        session.commit()
    assert _kept() == []


# ---- staff: own organisation only, audited ----------------------------------------------------------


def test_own_staff_see_the_details_in_the_api_and_the_view_is_audited(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    login(client, "sanne@uwv.example")
    before = client.get(f"/api/staff/cases/{case_id}").json()
    assert before["terugbelverzoek"] is None

    _ask(client, conversation_id, email=EMAIL)
    detail = client.get(f"/api/staff/cases/{case_id}").json()

    callback = detail["terugbelverzoek"]
    assert (callback["telefoonnummer"], callback["telefoonnummer_weergave"]) == (E164, "06 48273915")
    assert (callback["email"], callback["dagdeel"]) == (EMAIL, "ochtend")
    assert callback["toestemming_versie"] == CONSENT_VERSION
    assert "U heeft gevraagd om teruggebeld te worden. Uw voorkeur: ochtend." in [m["text"] for m in detail["messages"]]
    # The audit row says that contact details were shown, never which.
    assert _audit(case_id) == [("case_view", None), ("case_view", {"contactgegevens_getoond": True})]


def test_own_staff_see_the_details_in_the_console(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    _ask(client, conversation_id)
    form = client.get("/console/login").text
    token = form.split('name="csrf_token" value="', 1)[1].split('"', 1)[0]
    client.post("/console/login", data={"email": "sanne@uwv.example", "password": PASSWORD, "csrf_token": token})

    queue = client.get("/console").text
    page = client.get(f"/console/zaken/{case_id}").text

    assert "Wil teruggebeld worden" in queue and "48273915" not in queue  # the queue shows only that
    assert 'href="tel:+31648273915"' in page and "06 48273915" in page
    assert "Terugbelverzoek" in page and "ochtend" in page
    assert _audit(case_id) == [("case_view", {"contactgegevens_getoond": True})]


def test_other_organisations_get_404_and_see_nothing(client: TestClient) -> None:
    make_staff("Gemeente Almere", "piet@almere.example")
    conversation_id, case_id = make_case(client, UWV_INTAKE)
    _ask(client, conversation_id)
    login(client, "piet@almere.example")
    assert client.get(f"/api/staff/cases/{case_id}").status_code == 404
    assert client.get(f"/console/zaken/{case_id}").status_code == 404
    assert "Wil teruggebeld worden" not in client.get("/console").text
    # The all-queues staff token list carries no callback details either.
    listing = client.get("/api/handoffs", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).text
    assert all(form not in listing for form in NUMBER_FORMS)
    assert _audit(case_id) == []


def test_a_transfer_takes_the_request_to_the_new_organisation(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    make_staff("Gemeente Almere", "piet@almere.example")
    conversation_id, case_id = make_case(client, UWV_INTAKE)
    _ask(client, conversation_id)
    csrf = login(client, "sanne@uwv.example")
    moved = client.post(
        f"/api/staff/cases/{case_id}/transfer", json={"queue": "Gemeente Almere", "note": "bijstand"}, headers=csrf
    )
    assert moved.status_code == 200
    assert client.get(f"/api/staff/cases/{case_id}").status_code == 404
    other = TestClient(client.app)
    login(other, "piet@almere.example")
    assert other.get(f"/api/staff/cases/{case_id}").json()["terugbelverzoek"]["telefoonnummer"] == E164
