"""Handoff cases: service-token creation with the intake, staff-token listing."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.bridge.conftest import SERVICE_TOKEN, STAFF_TOKEN

INTAKE = {
    "rol": "werkgever",
    "gemeente": "Almere",
    "arbeidsmarktregio": "Flevoland",
    "sector": "bouw",
    "behoefte": "personeel_vinden",
    "arrangeur": "werkgeversservicepunt",
    "regelingen": ["loonkostensubsidie", "no-riskpolis"],
}


def _conversation(client: TestClient) -> str:
    return str(client.post("/api/conversations").json()["id"])


def test_case_is_created_with_intake_and_queue(client: TestClient) -> None:
    conversation_id = _conversation(client)
    response = client.post(
        "/internal/handoffs",
        json={"conversation_id": conversation_id, "reden": "gevraagd", "intake": INTAKE},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert response.status_code == 201
    assert response.json()["queue"] == "Werkgeversservicepunt Flevoland"

    listed = client.get("/api/handoffs", headers={"Authorization": f"Bearer {STAFF_TOKEN}"}).json()
    assert listed["count"] == 1
    [case] = listed["data"]
    assert case["conversation_id"] == conversation_id
    assert case["status"] == "wacht_op_medewerker"
    assert case["intake"]["regelingen"] == ["loonkostensubsidie", "no-riskpolis"]
    assert case["intake"]["transcript_url"] == f"/api/conversations/{conversation_id}"


def test_internal_endpoint_needs_the_service_token(client: TestClient) -> None:
    conversation_id = _conversation(client)
    body = {"conversation_id": conversation_id, "intake": INTAKE}
    assert client.post("/internal/handoffs", json=body).status_code == 401
    wrong = {"Authorization": f"Bearer {STAFF_TOKEN}"}
    assert client.post("/internal/handoffs", json=body, headers=wrong).status_code == 401


def test_staff_list_needs_the_staff_token(client: TestClient) -> None:
    assert client.get("/api/handoffs").status_code == 401
    assert client.get("/api/handoffs", headers={"Authorization": f"Bearer {SERVICE_TOKEN}"}).status_code == 401


def test_handoff_for_unknown_conversation_is_404(client: TestClient) -> None:
    response = client.post(
        "/internal/handoffs",
        json={"conversation_id": "nope", "intake": INTAKE},
        headers={"Authorization": f"Bearer {SERVICE_TOKEN}"},
    )
    assert response.status_code == 404
