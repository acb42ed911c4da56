"""Builders for bridge tests: staff accounts, logins and handoff cases."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from bridge.core.db import get_sessionmaker
from bridge.models import StaffRole
from bridge.services.staff import create_staff_account
from tests.bridge.conftest import SERVICE_TOKEN

PASSWORD = "correct-paard-batterij-niet"
UWV_INTAKE: dict[str, Any] = {
    "rol": "werkzoekende",
    "uitkering": "ww",
    "gemeente": "Almere",
    "arbeidsmarktregio": "Flevoland",
    "arrangeur": "uwv",
    "regelingen": ["ww-scholing"],
}
GEMEENTE_INTAKE: dict[str, Any] = {
    "rol": "werkzoekende",
    "uitkering": "bijstand",
    "gemeente": "Almere",
    "arbeidsmarktregio": "Flevoland",
    "arrangeur": "gemeente",
}


def make_staff(organisation: str, email: str, role: StaffRole = StaffRole.MEDEWERKER, name: str = "Sanne") -> str:
    """Create a staff account directly in the database; returns its id."""
    with get_sessionmaker()() as session:
        return create_staff_account(
            session, organisation=organisation, email=email, password=PASSWORD, display_name=name, role=role
        ).id


def login(client: TestClient, email: str, password: str = PASSWORD) -> dict[str, str]:
    """Log in through the API (the client keeps the cookie); returns the CSRF header for later POSTs."""
    response = client.post("/api/staff/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"X-CSRF-Token": response.json()["csrf_token"]}


def make_case(client: TestClient, intake: dict[str, Any] | None = None, reden: str = "gevraagd") -> tuple[str, str]:
    """A conversation with one user message, handed over by the action server; returns (conversation, case)."""
    conversation_id = str(client.post("/api/conversations").json()["id"])
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "Ik ben mijn baan kwijt"})
    response = client.post(
        "/internal/handoffs",
        json={"conversation_id": conversation_id, "reden": reden, "intake": intake or UWV_INTAKE},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert response.status_code == 201, response.text
    return conversation_id, str(response.json()["id"])
