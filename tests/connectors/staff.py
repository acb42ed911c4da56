"""A counter worker acting through the real bridge's staff API (for the channel tests)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from bridge.services.staff import create_staff_account
from tests.e2e.conftest import RunningSystem

PASSWORD = "balie-test-wachtwoord-7Q"


def open_case(system: RunningSystem, conversation_id: str, timeout: float = 30.0) -> dict[str, Any]:
    """The handoff case of a conversation, as the staff list shows it."""
    deadline = time.monotonic() + timeout
    with system.client() as client:
        while time.monotonic() < deadline:
            cases = client.get("/api/handoffs", headers=system.staff_headers()).json()["data"]
            found = [c for c in cases if c["conversation_id"] == conversation_id]
            if found:
                return dict(found[0])
            time.sleep(0.3)
    raise AssertionError(f"no handoff case for conversation {conversation_id}")


def staff_account(system: RunningSystem, organisation: str, name: str) -> str:
    """Create a medewerker account (password PASSWORD) directly in the system's database; its e-mail."""
    email = f"{uuid.uuid4().hex[:10]}@balie.test"
    engine = create_engine(system.env["DATABASE_URL"])
    try:
        with Session(engine) as session:
            create_staff_account(session, organisation=organisation, email=email, password=PASSWORD, display_name=name)
    finally:
        engine.dispose()
    return email


class Medewerker:
    """A logged-in staff member of the case's organisation (account created directly in the system's DB)."""

    def __init__(self, system: RunningSystem, organisation: str, name: str = "Sanne") -> None:
        email = staff_account(system, organisation, name)
        self.client = httpx.Client(base_url=system.base_url, timeout=30.0)
        response = self.client.post("/api/staff/login", json={"email": email, "password": PASSWORD})
        assert response.status_code == 200, response.text
        self.headers = {"X-CSRF-Token": response.json()["csrf_token"]}

    def claim(self, case_id: str) -> None:
        response = self.client.post(f"/api/staff/cases/{case_id}/claim", headers=self.headers)
        assert response.status_code == 200, response.text

    def typing(self, case_id: str) -> None:
        response = self.client.post(f"/api/staff/cases/{case_id}/typing", headers=self.headers)
        assert response.status_code == 204, response.text

    def reply(self, case_id: str, text: str) -> dict[str, Any]:
        response = self.client.post(f"/api/staff/cases/{case_id}/messages", json={"text": text}, headers=self.headers)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def close(self) -> None:
        self.client.close()
