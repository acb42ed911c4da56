"""Staff API on cases: queue, claim, read (audited), reply, isolation, transfer, handback, close."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from bridge.core.db import get_sessionmaker
from bridge.models import AuditLog, Message, StaffRole
from tests.bridge.conftest import ScriptedRasa
from tests.bridge.factories import GEMEENTE_INTAKE, UWV_INTAKE, login, make_case, make_staff


def _audit(case_id: str) -> list[str]:
    with get_sessionmaker()() as session:
        return list(session.scalars(select(AuditLog.action).where(AuditLog.case_id == case_id).order_by(AuditLog.id)))


def _messages(conversation_id: str) -> list[tuple[str, str | None]]:
    with get_sessionmaker()() as session:
        rows = session.scalars(select(Message).where(Message.conversation_id == conversation_id).order_by(Message.id))
        return [(m.author, m.text) for m in rows]


def test_queue_shows_own_cases_with_waiting_time(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    _, uwv_case = make_case(client, UWV_INTAKE)
    make_case(client, GEMEENTE_INTAKE)
    login(client, "sanne@uwv.example")
    queue = client.get("/api/staff/queue").json()
    assert queue["count"] == 1
    [case] = queue["data"]
    assert case["id"] == uwv_case
    assert case["queue"] == "UWV"
    assert case["status"] == "wacht_op_medewerker"
    assert case["waiting_seconds"] >= 0
    assert case["intake"]["uitkering"] == "ww"
    assert case["claimed_by"] is None


def test_claim_read_and_reply_reach_the_user(client: TestClient, rasa: ScriptedRasa) -> None:
    make_staff("UWV", "sanne@uwv.example", name="Sanne")
    conversation_id, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")

    claimed = client.post(f"/api/staff/cases/{case_id}/claim", headers=csrf)
    assert claimed.status_code == 200
    assert claimed.json()["claimed_by_me"] is True
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "medewerker"

    detail = client.get(f"/api/staff/cases/{case_id}").json()
    assert detail["intake"]["arrangeur"] == "uwv"
    assert detail["messages"][0]["text"] == "Ik ben mijn baan kwijt"

    sent = client.post(f"/api/staff/cases/{case_id}/messages", json={"text": "Goedemiddag, ik help u."}, headers=csrf)
    assert sent.status_code == 201
    assert sent.json()["author"] == "staff"
    assert sent.json()["staff_name"] == "Sanne"
    # The user sees it in the public transcript, and their answer goes to staff, not Rasa.
    public = client.get(f"/api/conversations/{conversation_id}").json()["messages"]
    assert ("staff", "Goedemiddag, ik help u.") in [(m["author"], m["text"]) for m in public]
    rasa.received.clear()
    answer = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "Dank u"})
    assert answer.json()["replies"] == []  # the medewerker answers live
    assert rasa.received == []
    assert _audit(case_id) == ["claim", "case_view", "reply"]


def test_every_transcript_view_is_audited(client: TestClient) -> None:
    staff_id = make_staff("UWV", "sanne@uwv.example")
    _, case_id = make_case(client)
    login(client, "sanne@uwv.example")
    for _ in range(3):
        assert client.get(f"/api/staff/cases/{case_id}").status_code == 200
    with get_sessionmaker()() as session:
        rows = session.scalars(select(AuditLog).where(AuditLog.case_id == case_id)).all()
    assert [(r.action, r.staff_id, r.organisation) for r in rows] == [("case_view", staff_id, "UWV")] * 3


def test_other_organisation_cannot_see_or_touch_a_case(client: TestClient) -> None:
    make_staff("Gemeente Almere", "piet@almere.example")
    _, uwv_case = make_case(client, UWV_INTAKE)
    for role_email, role in (("piet@almere.example", None), ("baas@almere.example", StaffRole.BEHEERDER)):
        if role is not None:
            make_staff("Gemeente Almere", role_email, role=role)
        other = TestClient(client.app)
        csrf = login(other, role_email)
        assert other.get(f"/api/staff/cases/{uwv_case}").status_code == 404
        for action, body in (
            ("claim", None),
            ("messages", {"text": "hoi"}),
            ("handback", None),
            ("close", {"outcome": "geholpen"}),
            ("transfer", {"queue": "Gemeente Almere", "note": "x"}),
        ):
            response = other.post(f"/api/staff/cases/{uwv_case}/{action}", json=body, headers=csrf)
            assert response.status_code == 404, (role_email, action)
        assert other.get("/api/staff/queue").json()["count"] == 0
        assert other.get("/api/handoffs").json()["count"] == 0
    assert _audit(uwv_case) == []  # nothing was shown, nothing was done


def test_a_medewerker_cannot_reply_on_a_colleagues_case_but_a_coordinator_can_take_over(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example", name="Sanne")
    make_staff("UWV", "ali@uwv.example", name="Ali")
    make_staff("UWV", "coord@uwv.example", role=StaffRole.COORDINATOR, name="Kim")
    _, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")
    client.post(f"/api/staff/cases/{case_id}/claim", headers=csrf)

    ali = TestClient(client.app)
    ali_csrf = login(ali, "ali@uwv.example")
    assert ali.post(f"/api/staff/cases/{case_id}/claim", headers=ali_csrf).status_code == 409
    assert ali.post(f"/api/staff/cases/{case_id}/messages", json={"text": "x"}, headers=ali_csrf).status_code == 409

    coordinator = TestClient(client.app)
    coord_csrf = login(coordinator, "coord@uwv.example")
    taken = coordinator.post(f"/api/staff/cases/{case_id}/claim", headers=coord_csrf).json()
    assert taken["claimed_by_name"] == "Kim"


def test_transfer_moves_case_with_intake_and_note(client: TestClient, rasa: ScriptedRasa) -> None:
    make_staff("UWV", "sanne@uwv.example")
    make_staff("Gemeente Almere", "piet@almere.example")
    conversation_id, case_id = make_case(client, UWV_INTAKE)
    csrf = login(client, "sanne@uwv.example")
    client.post(f"/api/staff/cases/{case_id}/claim", headers=csrf)
    moved = client.post(
        f"/api/staff/cases/{case_id}/transfer",
        json={"queue": "Gemeente Almere", "note": "Bijstand loopt nog; gemeente is arrangeur."},
        headers=csrf,
    )
    assert moved.status_code == 200
    assert client.get(f"/api/staff/cases/{case_id}").status_code == 404  # no longer ours
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "wacht_op_medewerker"

    gemeente = TestClient(client.app)
    login(gemeente, "piet@almere.example")
    [case] = gemeente.get("/api/staff/queue").json()["data"]
    assert case["id"] == case_id
    assert case["intake"] == {
        **UWV_INTAKE,
        "sector": None,
        "behoefte": None,
        "contact": None,
        "transcript_url": f"/api/conversations/{conversation_id}",
    }
    assert case["transferred_from"] == "UWV"
    assert case["note"] == "Bijstand loopt nog; gemeente is arrangeur."
    assert case["claimed_by"] is None
    assert "doorgezet naar Gemeente Almere" in _messages(conversation_id)[-1][1]
    assert _audit(case_id)[-1] == "transfer"


def test_transfer_to_unknown_or_same_organisation_is_refused(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    _, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")
    assert (
        client.post(
            f"/api/staff/cases/{case_id}/transfer", json={"queue": "Bestaat Niet", "note": "x"}, headers=csrf
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"/api/staff/cases/{case_id}/transfer", json={"queue": "UWV", "note": "x"}, headers=csrf
        ).status_code
        == 409
    )
    assert (
        client.post(
            f"/api/staff/cases/{case_id}/transfer", json={"queue": "Gemeente Almere", "note": "  "}, headers=csrf
        ).status_code
        == 422
    )


def test_handback_resumes_the_bot_with_the_staff_part_in_the_tracker(client: TestClient, rasa: ScriptedRasa) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")
    client.post(f"/api/staff/cases/{case_id}/messages", json={"text": "U kunt scholing aanvragen."}, headers=csrf)
    back = client.post(f"/api/staff/cases/{case_id}/handback", headers=csrf)
    assert back.status_code == 200
    assert back.json()["status"] == "gesloten"
    assert rasa.appended == [
        (conversation_id, {"event": "bot", "text": "U kunt scholing aanvragen.", "metadata": {"author": "staff"}}),
        (conversation_id, {"event": "resume"}),
    ]
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "bot"
    rasa.received.clear()
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "welke regelingen zijn er?"})
    assert rasa.received == [(conversation_id, "welke regelingen zijn er?")]
    assert client.get("/api/staff/queue").json()["count"] == 0
    assert "handback" in _audit(case_id)


def test_handback_works_while_rasa_is_down(client: TestClient, rasa: ScriptedRasa) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")
    rasa.down = True
    assert client.post(f"/api/staff/cases/{case_id}/handback", headers=csrf).status_code == 200
    rasa.down = False
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "bot"


def test_close_with_outcome(client: TestClient, rasa: ScriptedRasa) -> None:
    make_staff("UWV", "sanne@uwv.example")
    conversation_id, case_id = make_case(client)
    csrf = login(client, "sanne@uwv.example")
    assert (
        client.post(f"/api/staff/cases/{case_id}/close", json={"outcome": "weet_niet"}, headers=csrf).status_code == 422
    )
    closed = client.post(
        f"/api/staff/cases/{case_id}/close", json={"outcome": "geholpen", "note": "Afspraak gemaakt"}, headers=csrf
    )
    assert closed.status_code == 200
    detail = client.get(f"/api/staff/cases/{case_id}").json()
    assert (detail["status"], detail["outcome"], detail["outcome_note"]) == ("gesloten", "geholpen", "Afspraak gemaakt")
    assert detail["closed_at"] is not None
    assert client.get(f"/api/conversations/{conversation_id}").json()["status"] == "gesloten"
    assert (
        client.post(f"/api/staff/cases/{case_id}/messages", json={"text": "nog iets"}, headers=csrf).status_code == 409
    )
    assert client.get("/api/staff/queue").json()["count"] == 0
    # The person writes again: the bot answers.
    client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "hallo?"})
    assert rasa.received[-1] == (conversation_id, "hallo?")
    assert _audit(case_id)[:2] == ["close", "case_view"]


def test_reply_templates_belong_to_the_organisation(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    make_staff("Gemeente Almere", "piet@almere.example")
    csrf = login(client, "sanne@uwv.example")
    created = client.post(
        "/api/staff/templates", json={"title": "Welkom", "body": "Goedemiddag, ik help u."}, headers=csrf
    )
    assert created.status_code == 201
    assert [t["title"] for t in client.get("/api/staff/templates").json()] == ["Welkom"]
    other = TestClient(client.app)
    other_csrf = login(other, "piet@almere.example")
    assert other.get("/api/staff/templates").json() == []
    template_id = created.json()["id"]
    assert other.delete(f"/api/staff/templates/{template_id}", headers=other_csrf).status_code == 404
    assert client.delete(f"/api/staff/templates/{template_id}", headers=csrf).status_code == 204


def test_only_a_beheerder_creates_accounts_and_only_coordinators_read_the_audit_log(client: TestClient) -> None:
    make_staff("UWV", "sanne@uwv.example")
    make_staff("Elke Deur algemeen", "beheer@elkedeur.example", role=StaffRole.BEHEERDER)
    csrf = login(client, "sanne@uwv.example")
    body = {
        "organisation": "UWV",
        "email": "nieuw@uwv.example",
        "display_name": "Nieuw",
        "password": "een-lang-wachtwoord-1",
    }
    assert client.post("/api/staff/accounts", json=body, headers=csrf).status_code == 403
    assert client.get("/api/staff/audit").status_code == 403
    admin = TestClient(client.app)
    admin_csrf = login(admin, "beheer@elkedeur.example")
    created = admin.post("/api/staff/accounts", json=body, headers=admin_csrf)
    assert created.status_code == 201
    assert created.json()["organisation"] == "UWV"
    assert admin.post("/api/staff/accounts", json=body, headers=admin_csrf).status_code == 422  # e-mail taken
    assert "account_create" in [e["action"] for e in admin.get("/api/staff/audit").json()]
    login(TestClient(client.app), "nieuw@uwv.example", "een-lang-wachtwoord-1")
