"""Staff login: argon2 hashes, session cookies, CSRF, throttling, roles and the token path."""

from __future__ import annotations

from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update

from bridge.core.db import get_sessionmaker
from bridge.models import LoginAttempt, StaffAccount, StaffSession
from bridge.services import staff as staff_service
from tests.bridge.conftest import STAFF_TOKEN
from tests.bridge.factories import GEMEENTE_INTAKE, PASSWORD, UWV_INTAKE, login, make_case, make_staff


def test_password_is_stored_as_argon2id_and_weak_passwords_are_refused(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    with get_sessionmaker()() as session:
        account = session.scalar(select(StaffAccount))
        assert account is not None
        assert account.password_hash.startswith("$argon2id$")
        assert PASSWORD not in account.password_hash
        for weak in ("kort", "aaaaaaaaaaaaaaaa"):
            with pytest.raises(staff_service.WeakPassword):
                staff_service.create_staff_account(
                    session, organisation="UWV", email="x@uwv.example", password=weak, display_name="X"
                )


def test_login_sets_a_hardened_session_cookie(client: TestClient) -> None:
    make_staff("UWV", "Sanne@UWV.example")
    response = client.post("/api/staff/login", json={"email": " sanne@uwv.EXAMPLE ", "password": PASSWORD})
    assert response.status_code == 200
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("elkedeur_staff=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert response.json()["staff"]["organisation"] == "UWV"
    assert client.get("/api/staff/me").json()["email"] == "sanne@uwv.example"
    with get_sessionmaker()() as session:  # the database holds only a hash of the cookie token
        [row] = session.scalars(select(StaffSession)).all()
        assert row.token_hash not in cookie


def test_wrong_password_and_unknown_account_look_the_same(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    wrong = client.post("/api/staff/login", json={"email": "sanne@uwv.example", "password": "fout-wachtwoord-123"})
    unknown = client.post("/api/staff/login", json={"email": "niemand@uwv.example", "password": "fout-wachtwoord-123"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert client.get("/api/staff/me").status_code == 401


def test_login_is_throttled_per_account_and_address(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    make_staff("UWV", "ali@uwv.example")
    bad = {"email": "sanne@uwv.example", "password": "fout-wachtwoord-123"}
    for _ in range(staff_service.MAX_FAILURES_PER_ACCOUNT_AND_ADDRESS):
        assert client.post("/api/staff/login", json=bad).status_code == 401
    # Now even the right password is refused for a while, with a clear Dutch message.
    blocked = client.post("/api/staff/login", json={"email": "sanne@uwv.example", "password": PASSWORD})
    assert blocked.status_code == 429
    assert "kwartier" in blocked.json()["detail"]
    # Another account from the same address is not affected.
    login(TestClient(client.app), "ali@uwv.example")
    # After the window the account can log in again.
    with get_sessionmaker()() as session:
        session.execute(update(LoginAttempt).values(created_at=staff_service.utcnow() - timedelta(minutes=16)))
        session.commit()
    login(client, "sanne@uwv.example")


def test_login_is_throttled_per_address_across_accounts(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staff_service, "MAX_FAILURES_PER_ADDRESS", 3)
    make_staff("UWV", "sanne@uwv.example")
    for i in range(3):
        bad = {"email": f"gok{i}@uwv.example", "password": "fout-wachtwoord-123"}
        assert client.post("/api/staff/login", json=bad).status_code == 401
    assert client.post("/api/staff/login", json={"email": "sanne@uwv.example", "password": PASSWORD}).status_code == 429


def test_state_changing_requests_need_the_csrf_token(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    _, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")
    assert client.post(f"/api/staff/cases/{case_id}/claim").status_code == 403
    assert client.post(f"/api/staff/cases/{case_id}/claim", headers={"X-CSRF-Token": "geraden"}).status_code == 403
    assert client.get(f"/api/staff/cases/{case_id}").json()["claimed_by"] is None
    assert client.post(f"/api/staff/cases/{case_id}/claim", headers=csrf).status_code == 200


def test_logout_and_expiry_end_the_session(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    csrf = login(client, "sanne@uwv.example")
    assert client.post("/api/staff/logout", headers=csrf).status_code == 204
    assert client.get("/api/staff/me").status_code == 401

    login(client, "sanne@uwv.example")
    with get_sessionmaker()() as session:
        session.execute(update(StaffSession).values(expires_at=staff_service.utcnow() - timedelta(seconds=1)))
        session.commit()
    assert client.get("/api/staff/me").status_code == 401
    with get_sessionmaker()() as session:
        assert session.scalars(select(StaffSession)).all() == []


def test_idle_sessions_expire(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    login(client, "sanne@uwv.example")
    with get_sessionmaker()() as session:
        idle = staff_service.utcnow() - staff_service.SESSION_IDLE_TIMEOUT - timedelta(seconds=1)
        session.execute(update(StaffSession).values(last_seen_at=idle))
        session.commit()
    assert client.get("/api/staff/me").status_code == 401


def test_deactivated_account_loses_access(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    login(client, "sanne@uwv.example")
    with get_sessionmaker()() as session:
        session.execute(update(StaffAccount).values(active=False))
        session.commit()
    assert client.get("/api/staff/me").status_code == 401
    assert client.post("/api/staff/login", json={"email": "sanne@uwv.example", "password": PASSWORD}).status_code == 401


def test_handoff_list_with_token_sees_all_and_with_session_only_own(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    make_case(client, UWV_INTAKE)
    make_case(client, GEMEENTE_INTAKE)
    everything = client.get("/api/handoffs", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).json()
    assert everything["count"] == 2
    login(client, "sanne@uwv.example")
    own = client.get("/api/handoffs").json()
    assert own["count"] == 1
    assert own["data"][0]["queue"] == "UWV"
    assert TestClient(client.app).get("/api/handoffs").status_code == 401


def _denials(caplog: pytest.LogCaptureFixture) -> list[dict[str, object]]:
    """The fields of every ED-6002 (access denied) line."""
    return [
        r.__dict__["event_fields"]
        for r in caplog.records
        if r.name == "elkedeur.events" and r.__dict__.get("event_id") == "ED-6002"
    ]


def test_a_refused_api_login_is_logged_without_the_address_or_password(
    client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staff_service, "MAX_FAILURES_PER_ADDRESS", 2)
    caplog.set_level("INFO", logger="elkedeur.events")
    make_staff("UWV", "sanne@uwv.example")
    for email in ("sanne@uwv.example", "niemand@uwv.example"):
        assert (
            client.post("/api/staff/login", json={"email": email, "password": "fout-wachtwoord-123"}).status_code == 401
        )
    assert client.post("/api/staff/login", json={"email": "sanne@uwv.example", "password": PASSWORD}).status_code == 429
    assert _denials(caplog) == [
        {"path": "/api/staff/login", "reason": "login"},
        {"path": "/api/staff/login", "reason": "login"},
        {"path": "/api/staff/login", "reason": "login_geblokkeerd"},
    ]
    for secret in ("sanne@uwv.example", "niemand@uwv.example", "fout-wachtwoord-123", PASSWORD):
        assert secret not in caplog.text and secret not in str([r.__dict__.get("event_fields") for r in caplog.records])
    assert all(not r.__dict__.get("dropped_fields") for r in caplog.records if r.name == "elkedeur.events")
