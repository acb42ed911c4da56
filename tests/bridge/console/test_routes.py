"""The staff console pages: login with CSRF and throttling, queue, case page, actions, isolation."""

from __future__ import annotations

import logging
import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from bridge.core.db import get_sessionmaker
from bridge.models import AuditLog
from tests.bridge.conftest import ScriptedRasa
from tests.bridge.factories import GEMEENTE_INTAKE, PASSWORD, make_case, make_staff


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "form without csrf_token"
    return match.group(1)


def console_login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the login form; returns the session's CSRF token from the queue page."""
    form = client.get("/console/login")
    response = client.post(
        "/console/login",
        data={"email": email, "password": password, "csrf_token": _csrf(form.text)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console", response.headers["location"]
    return _csrf(client.get("/console").text)


def test_console_requires_login(client: TestClient) -> None:
    response = client.get("/console", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/login"
    page = client.get("/console/login")
    assert page.status_code == 200
    assert "Aanmelden" in page.text
    assert "<script>" not in page.text and "onclick" not in page.text  # no inline scripts (CSP-ready)


def test_login_form_needs_its_csrf_token(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    client.get("/console/login")
    response = client.post(
        "/console/login",
        data={"email": "sanne@uwv.example", "password": PASSWORD, "csrf_token": "vals"},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/console/login?fout=verlopen"
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_login_form_shows_throttling(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    for expected in ["onjuist"] * 5 + ["geblokkeerd"]:
        token = _csrf(client.get("/console/login").text)
        response = client.post(
            "/console/login",
            data={"email": "sanne@uwv.example", "password": "niet-het-goede-1", "csrf_token": token},
            follow_redirects=False,
        )
        assert response.headers["location"] == f"/console/login?fout={expected}"
    assert "Te veel mislukte pogingen" in client.get("/console/login?fout=geblokkeerd").text


def test_queue_page_shows_waiting_cases_with_intake(client: TestClient) -> None:
    make_staff("Gemeente Almere", "piet@almere.example")
    make_case(client)  # UWV
    _, case_id = make_case(client, {**GEMEENTE_INTAKE, "behoefte": "werk_vinden"}, reden="crisis")
    console_login(client, "piet@almere.example")
    page = client.get("/console")
    assert page.status_code == 200
    assert "Wachtrij van Gemeente Almere" in page.text
    assert "<strong>1 persoon</strong> wacht" in page.text
    assert f"/console/zaken/{case_id}" in page.text
    assert "Voorrang" in page.text and "Bijstand" in page.text and "werk vinden" in page.text
    assert page.headers["cache-control"] == "no-store"
    assert client.get("/console/wachtrij").text.count("/console/zaken/") == 1


def test_case_page_claim_reply_and_close_through_forms(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example", name="Sanne")
    conversation_id, case_id = make_case(client)
    csrf = console_login(client, "sanne@uwv.example")
    page = client.get(f"/console/zaken/{case_id}")
    assert page.status_code == 200
    assert page.text.index("Wat deze persoon nodig heeft") < page.text.index("Ik ben mijn baan kwijt")
    assert "Zaak oppakken" in page.text

    # A form without the CSRF token changes nothing.
    assert client.post(f"/console/zaken/{case_id}/oppakken", data={}, follow_redirects=False).status_code == 403
    client.post(f"/console/zaken/{case_id}/oppakken", data={"csrf_token": csrf})
    client.post(f"/console/zaken/{case_id}/antwoord", data={"csrf_token": csrf, "text": "Goedemiddag <b>meneer</b>"})
    page = client.get(f"/console/zaken/{case_id}")
    assert "Goedemiddag &lt;b&gt;meneer&lt;/b&gt;" in page.text  # escaped, never rendered as HTML
    public = client.get(f"/api/conversations/{conversation_id}").json()
    assert public["status"] == "medewerker"

    closed = client.post(f"/console/zaken/{case_id}/afsluiten", data={"csrf_token": csrf, "outcome": "geholpen"})
    assert closed.url.path == "/console"
    assert "De zaak is afgesloten." in closed.text
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "gesloten"
    with get_sessionmaker()() as session:
        actions = list(
            session.scalars(select(AuditLog.action).where(AuditLog.case_id == case_id).order_by(AuditLog.id))
        )
    # Every page showing the transcript counts as a view, including those after a form redirect.
    assert actions == ["case_view", "claim", "case_view", "reply", "case_view", "case_view", "close"]


def test_transfer_and_handback_forms(client: TestClient, rasa: ScriptedRasa) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    _, second_case = make_case(client)
    csrf = console_login(client, "sanne@uwv.example")
    page = client.get(f"/console/zaken/{case_id}")
    assert '<option value="Gemeente Almere">' in page.text  # the default organisations exist
    no_note = client.post(
        f"/console/zaken/{case_id}/doorzetten", data={"csrf_token": csrf, "queue": "Gemeente Almere", "note": " "}
    )
    assert "Schrijf een korte notitie" in no_note.text
    moved = client.post(
        f"/console/zaken/{case_id}/doorzetten",
        data={"csrf_token": csrf, "queue": "Gemeente Almere", "note": "Bijstand"},
    )
    assert "Zaak doorgezet naar Gemeente Almere." in moved.text
    assert client.get(f"/console/zaken/{case_id}").status_code == 404

    client.post(f"/console/zaken/{second_case}/terug-naar-bot", data={"csrf_token": csrf})
    assert rasa.appended[-1][1] == {"event": "resume"}


def test_templates_page(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    _, case_id = make_case(client)
    csrf = console_login(client, "sanne@uwv.example")
    client.post("/console/sjablonen", data={"csrf_token": csrf, "title": "Welkom", "body": "Goedemiddag, ik help u."})
    assert "Goedemiddag, ik help u." in client.get("/console/sjablonen").text
    assert '<option value="Goedemiddag, ik help u.">Welkom</option>' in client.get(f"/console/zaken/{case_id}").text


def test_other_organisations_case_page_is_404(client: TestClient) -> None:
    make_staff("Gemeente Almere", "piet@almere.example")
    _, uwv_case = make_case(client)
    csrf = console_login(client, "piet@almere.example")
    assert client.get(f"/console/zaken/{uwv_case}").status_code == 404
    assert client.post(f"/console/zaken/{uwv_case}/oppakken", data={"csrf_token": csrf}).status_code == 404


def test_logout_form(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    csrf = console_login(client, "sanne@uwv.example")
    client.post("/console/logout", data={"csrf_token": csrf})
    assert client.get("/console", follow_redirects=False).status_code == 303


def test_static_assets_are_served(client: TestClient) -> None:
    assert "WebSocket" in client.get("/console/static/console.js").text
    assert client.get("/console/static/console.css").status_code == 200


def test_a_form_on_a_closed_case_goes_back_to_the_case_with_the_reason(client: TestClient) -> None:
    """CaseConflict raised under /console: one exception handler sends the form back (the API answers 409)."""
    make_staff("UWV", "sanne@uwv.example", name="Sanne")
    _, case_id = make_case(client)
    csrf = console_login(client, "sanne@uwv.example")
    client.post(f"/console/zaken/{case_id}/afsluiten", data={"csrf_token": csrf, "outcome": "geholpen"})
    for action, data in (
        ("oppakken", {}),
        ("antwoord", {"text": "Nog iets"}),
        ("terug-naar-bot", {}),
        ("doorzetten", {"queue": "Gemeente Almere", "note": "graag"}),
    ):
        response = client.post(
            f"/console/zaken/{case_id}/{action}", data={"csrf_token": csrf, **data}, follow_redirects=False
        )
        assert response.status_code == 303, action
        assert response.headers["location"] == f"/console/zaken/{case_id}", action
        page = client.get(response.headers["location"])
        assert "Deze zaak is al afgesloten." in page.text, action


def _denials(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """The fields of every ED-6002 (access denied) line."""
    return [
        r.__dict__["event_fields"]
        for r in caplog.records
        if r.name == "elkedeur.events" and r.__dict__.get("event_id") == "ED-6002"
    ]


def test_console_refusals_are_logged_without_personal_data(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="elkedeur.events")
    make_staff("UWV", "sanne@uwv.example")
    _, case_id = make_case(client)

    # The login form: an expired form token, then a wrong password, then (after five) the block.
    client.get("/console/login")
    client.post(
        "/console/login",
        data={"email": "sanne@uwv.example", "password": PASSWORD, "csrf_token": "vals"},
        follow_redirects=False,
    )
    assert _denials(caplog) == [{"path": "/console/login", "reason": "csrf"}]
    for _ in range(6):
        token = _csrf(client.get("/console/login").text)
        client.post(
            "/console/login",
            data={"email": "sanne@uwv.example", "password": "niet-het-goede-1", "csrf_token": token},
            follow_redirects=False,
        )
    assert _denials(caplog)[1:] == [{"path": "/console/login", "reason": "login"}] * 5 + [
        {"path": "/console/login", "reason": "login_geblokkeerd"}
    ]

    # A logged-in form without (or with a wrong) CSRF token: 403, logged with the path without the case id.
    caplog.clear()
    make_staff("UWV", "ali@uwv.example")
    console_login(client, "ali@uwv.example")
    assert client.post(f"/console/zaken/{case_id}/oppakken", data={}, follow_redirects=False).status_code == 403
    assert client.post("/console/logout", data={"csrf_token": "geraden"}, follow_redirects=False).status_code == 403
    assert _denials(caplog) == [
        {"path": "/console/zaken/{id}/oppakken", "reason": "csrf"},
        {"path": "/console/logout", "reason": "csrf"},
    ]
    for secret in ("sanne@uwv.example", "ali@uwv.example", "niet-het-goede-1", PASSWORD, case_id):
        assert secret not in caplog.text and secret not in str([r.__dict__.get("event_fields") for r in caplog.records])
    assert all(not r.__dict__.get("dropped_fields") for r in caplog.records if r.name == "elkedeur.events")
