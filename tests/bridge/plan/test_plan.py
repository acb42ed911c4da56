"""Mijn plan (issue 15): the offer, the link, the page per rol, ticks, afspraken, versions, PDF, privacy."""

from __future__ import annotations

import hashlib
import io
import logging
import re
from typing import Any

import pikepdf
import pypdf
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from bridge.core.db import get_engine, get_sessionmaker
from bridge.knowledge.loader import get_knowledge_base
from bridge.models import AuditLog, Plan, PlanVersie
from bridge.plan import render
from bridge.privacy.retention import RetentionPolicy, run_retention
from bridge.privacy.tracker_store import RasaTrackerStore
from bridge.services import plan_offer
from tests.bridge.conftest import ScriptedRasa
from tests.bridge.console.test_routes import _csrf, console_login
from tests.bridge.factories import make_staff
from tests.bridge.tracker_support import TrackerDB, age_conversation, tracker_db  # noqa: F401

ADVICE_REPLIES = [
    {"recipient_id": "x", "text": "Deze regelingen passen misschien bij u:"},
    {
        "recipient_id": "x",
        "text": "Wilt u meer regelingen zien, of met een medewerker praten?",
        "buttons": [
            {"title": "Meer regelingen", "payload": "/show_more"},
            {"title": "Spreek een medewerker", "payload": "/request_medewerker"},
        ],
    },
]
WERKZOEKENDE = {
    "rol": "werkzoekende",
    "uitkering": "ww",
    "gemeente": "Almere",
    "arbeidsmarktregio": "Flevoland",
    "sector": "zorg",
    "behoefte": "scholing",
    "arrangeur": "uwv",
    "regelingen": ["scholing-tijdens-ww", "stap-budget"],
}
WERKENDE = {
    "rol": "werkende",
    "uitkering": "geen",
    "gemeente": "Zwolle",
    "sector": "techniek",
    "behoefte": "scholing",
    "arrangeur": "sociale_partners",
    "regelingen": ["slim-scholingssubsidie"],
}
WERKGEVER = {
    "rol": "werkgever",
    "gemeente": "Almere",
    "sector": "bouw",
    "behoefte": "personeel_vinden",
    "arrangeur": "werkgeversservicepunt",
    "regelingen": ["no-riskpolis"],
}


def advised(client: TestClient, rasa: ScriptedRasa, slots: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """A conversation in which the bot has just given advice; returns (id, replies)."""
    conversation_id = str(client.post("/api/conversations").json()["id"])
    rasa.tracker_slots = dict(slots)
    rasa.replies = ADVICE_REPLIES
    replies = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "Wat kan ik doen?"})
    return conversation_id, replies.json()["replies"]


def plan_link(client: TestClient, conversation_id: str) -> dict[str, Any]:
    response = client.post(f"/api/conversations/{conversation_id}/plan")
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def test_advice_is_followed_by_the_offer(client: TestClient, rasa: ScriptedRasa) -> None:
    _, replies = advised(client, rasa, WERKZOEKENDE)
    assert (replies[-1]["author"], replies[-1]["text"], replies[-1]["buttons"]) == (
        "system",
        "Wilt u dit als overzicht bewaren?",
        [{"title": "Ja, bewaar mijn plan", "payload": "/plan"}],
    )
    # Not after every reply: a question of the intake gets no offer.
    conversation_id = str(client.post("/api/conversations").json()["id"])
    rasa.replies = [{"recipient_id": "x", "text": "In welke gemeente woont u?"}]
    other = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "hallo"}).json()["replies"]
    assert [r["text"] for r in other] == ["In welke gemeente woont u?"]


def test_the_link_is_a_random_token_stored_only_hashed(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id, _ = advised(client, rasa, WERKZOEKENDE)
    link = plan_link(client, conversation_id)
    token = link["pad"].removeprefix("/plan/")
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", token)  # 32 random bytes = 256 bits
    assert conversation_id not in link["url"]
    assert link["url"].endswith(link["pad"]) and link["pdf_url"].endswith(f"{link['pad']}/pdf")
    with get_sessionmaker()() as session:
        plan = session.scalars(select(Plan)).one()
        assert plan.token_hash == hashlib.sha256(token.encode()).hexdigest()
    # The token is in no table (messages, plans, versions, audit): only its hash.
    with get_engine().connect() as connection:
        for table in ("messages", "plannen", "plan_versies", "audit_log"):
            for row in connection.execute(text(f"SELECT * FROM {table}")):  # noqa: S608 - fixed table names
                assert token not in " ".join(str(cell) for cell in row), table
    # Asking again gives a new link; the old one stops working.
    second = plan_link(client, conversation_id)
    assert second["pad"] != link["pad"]
    assert client.get(link["pad"]).status_code == 404
    assert client.get(second["pad"]).status_code == 200


@pytest.mark.parametrize(
    ("slots", "expected", "absent"),
    [
        (
            WERKZOEKENDE,
            [
                "U zoekt werk.",
                "U heeft een WW-uitkering.",
                "U woont in Almere (arbeidsmarktregio Flevoland).",
                "U werkt in de sector zorg.",
                "U wilt: een opleiding of cursus volgen.",
                "<strong>UWV</strong> helpt u verder.",
                "Omdat u een WW-uitkering heeft, helpt UWV u verder.",
                "Scholing tijdens de WW",
                "Wat u krijgt",
                "Belangrijkste voorwaarden",
                "Waar vraagt u het aan",
                "Er is geen einddatum bekend.",
                "STAP-budget",
                "Deze regeling bestaat niet meer, kijk naar SLIM-scholingssubsidie (Ontwikkelpaden).",
                "Neem contact op met UWV.",
            ],
            # The ended scheme shows only its successor, not its content.
            ["STAP-budget was", "Scholingsbudget van maximaal"],
        ),
        (
            WERKENDE,
            [
                "U heeft werk.",
                "U heeft geen uitkering.",
                "U woont in Zwolle",
                "techniek",
                "<strong>De sociale partners</strong> helpt u verder.",
                "Omdat u werkt en geen uitkering heeft",
                "SLIM-scholingssubsidie (Ontwikkelpaden)",
                "31 december 2027",
            ],
            [],
        ),
        (
            WERKGEVER,
            [
                "U bent werkgever.",
                "Uw bedrijf zit in Almere",
                "Uw bedrijf werkt in de sector bouw.",
                "U wilt: personeel vinden.",
                "<strong>Het Werkgeversservicepunt</strong> helpt u verder.",
                "Omdat u werkgever bent",
                "No-riskpolis",
            ],
            ["U heeft geen uitkering."],
        ),
    ],
    ids=["werkzoekende", "werkende", "werkgever"],
)
def test_the_plan_page_for_each_rol(
    client: TestClient, rasa: ScriptedRasa, slots: dict[str, Any], expected: list[str], absent: list[str]
) -> None:
    conversation_id, _ = advised(client, rasa, slots)
    page = client.get(plan_link(client, conversation_id)["pad"])
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["cache-control"] == "no-store"
    assert '<html lang="nl">' in page.text
    for fragment in expected:
        assert fragment in page.text, fragment
    for fragment in absent:
        assert fragment not in page.text, fragment
    assert "Volgende stappen" in page.text and "Afspraken" in page.text and "Versie 1" in page.text
    kb = get_knowledge_base()
    for slug in slots["regelingen"]:
        regeling = kb.regelingen[slug]
        if regeling.status.value != "beeindigd":  # source link and peildatum of every open regeling
            assert f'<a href="{regeling.bronnen[0]}">' in page.text
            assert f"gecontroleerd op {render.datum(regeling.peildatum)}" in page.text


def test_no_plan_before_advice(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id = str(client.post("/api/conversations").json()["id"])
    rasa.tracker_slots = {"rol": None}
    response = client.post(f"/api/conversations/{conversation_id}/plan")
    assert response.status_code == 409
    assert response.json()["detail"].startswith("U heeft nog geen advies gekregen")
    # The button's payload in the chat gets a friendly answer from the bridge, not an error.
    replies = client.post(f"/api/conversations/{conversation_id}/messages", json={"payload": "/plan"}).json()
    assert [(r["author"], r["text"], r["buttons"]) for r in replies["replies"]] == [
        ("system", plan_offer.NO_ADVICE_TEXT, [])
    ]
    assert all(message != "/plan" for _, message in rasa.received)  # never sent to Rasa
    assert client.post("/api/conversations/00000000-0000-4000-8000-000000000000/plan").status_code == 404


def test_the_plan_payload_in_the_chat_gives_the_link_without_storing_it(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id, _ = advised(client, rasa, WERKZOEKENDE)
    reply = client.post(f"/api/conversations/{conversation_id}/messages", json={"payload": "/plan"}).json()["replies"]
    path = re.search(r"/plan/[A-Za-z0-9_-]{43}", reply[0]["text"])
    assert path is not None
    assert client.get(path.group(0)).status_code == 200
    stored = client.get(f"/api/conversations/{conversation_id}").json()["messages"]
    assert stored[-1]["text"] == plan_offer.LINK_STORED_TEXT
    assert all(path.group(0) not in (m["text"] or "") for m in stored)


def test_ticks_are_kept_as_a_new_version(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id, _ = advised(client, rasa, WERKZOEKENDE)
    pad = plan_link(client, conversation_id)["pad"]
    response = client.post(f"{pad}/stappen", data={"klaar": ["loket", "onbekende-stap"]}, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == pad
    page = client.get(pad).text
    assert 'value="loket" checked' in page
    assert "Versie 2" in page and "Afgevinkt: Neem contact op met UWV." in page
    # The same ticks again change nothing: no new version.
    answer = client.post(f"{pad}/stappen", data={"klaar": ["loket"]}, headers={"Accept": "application/json"})
    assert answer.json() == {"versie": 2}
    assert client.get(f"{pad}/stand").json() == {"versie": 2}
    # New advice keeps the ticks and makes a version with what changed.
    rasa.tracker_slots = {**WERKZOEKENDE, "regelingen": ["scholing-tijdens-ww", "ontwikkeladvies"]}
    replies = client.post(f"/api/conversations/{conversation_id}/messages", json={"text": "meer"}).json()["replies"]
    assert replies[-1]["text"] == plan_offer.UPDATED_TEXT
    page = client.get(pad).text
    assert "Versie 3" in page and "Nieuwe regeling: Ontwikkeladvies (loopbaanadvies)." in page
    assert 'value="loket" checked' in page


def _staff_case(client: TestClient, rasa: ScriptedRasa) -> tuple[str, str, str]:
    """A conversation with advice and a plan link, handed over to UWV; a UWV medewerker logged in to the console."""
    conversation_id, _ = advised(client, rasa, WERKZOEKENDE)
    pad = plan_link(client, conversation_id)["pad"]
    response = client.post(
        "/internal/handoffs",
        json={"conversation_id": conversation_id, "intake": WERKZOEKENDE},
        headers={"Authorization": "Bearer test-service-token"},
    )
    case_id = str(response.json()["id"])
    make_staff("UWV", "sanne@uwv.example")
    console_login(client, "sanne@uwv.example")
    return conversation_id, case_id, pad


def _add_afspraak(client: TestClient, case_id: str, **fields: str) -> str:
    csrf = _csrf(client.get(f"/console/zaken/{case_id}").text)
    response = client.post(
        f"/console/zaken/{case_id}/plan/afspraken", data={"csrf_token": csrf, **fields}, follow_redirects=False
    )
    assert response.status_code == 303
    return client.get(f"/console/zaken/{case_id}").text


def test_afspraken_from_the_console_appear_in_the_plan_and_are_audited(client: TestClient, rasa: ScriptedRasa) -> None:
    _, case_id, pad = _staff_case(client, rasa)
    client.get(pad)  # the person's visit: what comes after it is "new since your last visit"
    console = _add_afspraak(client, case_id, wat="Gesprek over scholing", wie="Sanne van UWV", wanneer="2026-12-15")
    assert "Plan van deze persoon" in console and "Gesprek over scholing" in console
    assert "Uiterlijk: 15 december 2026." in console
    page = client.get(pad).text
    assert "Gesprek over scholing" in page and "Wie: Sanne van UWV." in page
    assert "Veranderd sinds uw vorige bezoek" in page and "Nieuwe afspraak: Gesprek over scholing" in page
    assert "Opgeschreven door UWV" in page
    # Seen now: the next visit shows no changes.
    assert "Veranderd sinds uw vorige bezoek" not in client.get(pad).text
    with get_sessionmaker()() as session:
        actions = session.scalars(select(AuditLog.action).where(AuditLog.case_id == case_id)).all()
    assert actions.count("plan_view") == 2 and actions.count("plan_afspraak") == 1


def test_bad_afspraken_are_stored_as_text_masked_and_limited(client: TestClient, rasa: ScriptedRasa) -> None:
    _, case_id, pad = _staff_case(client, rasa)
    script = '<script>alert("x")</script><b>vet</b> {{ 7*7 }}'
    _add_afspraak(client, case_id, wat=script, wie="<img src=x onerror=alert(1)>")
    page = client.get(pad).text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt; {{ 7*7 }}" in page
    assert "<script>alert" not in page and "<img src=x" not in page
    console = _add_afspraak(client, case_id, wat="x" * 10_000)
    assert "De afspraak is te lang. Gebruik maximaal 2000 tekens." in console
    assert "x" * 2001 not in client.get(pad).text
    _add_afspraak(client, case_id, wat="Stuur loonstrook, BSN 111222333, IBAN NL91ABNA0417164300, bel 0612345678")
    page = client.get(pad).text
    for secret in ("111222333", "NL91ABNA0417164300", "0612345678"):
        assert secret not in page
    with get_sessionmaker()() as session:
        assert session.scalar(select(func.count()).select_from(PlanVersie)) == 3  # made, script, masked


def test_revoke_and_new_link(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id, _ = advised(client, rasa, WERKZOEKENDE)
    pad = plan_link(client, conversation_id)["pad"]
    renewed = client.post(f"{pad}/nieuwe-link", follow_redirects=False)
    assert renewed.status_code == 303
    new_pad = renewed.headers["location"]
    assert new_pad != pad and client.get(pad).status_code == 404
    revoked = client.post(f"{new_pad}/intrekken")
    assert "De link is ingetrokken" in revoked.text
    gone = client.get(new_pad)
    assert gone.status_code == 404 and "Dit plan is niet (meer) te openen" in gone.text
    assert gone.headers["content-type"].startswith("text/html")
    for suffix in ("/inhoud", "/pdf", "/stand"):
        assert client.get(f"{new_pad}{suffix}").status_code == 404
    assert client.get("/plan/niet-goed").status_code == 404


def _plan_rows() -> tuple[int, int]:
    with get_sessionmaker()() as session:
        return (
            session.scalar(select(func.count()).select_from(Plan)) or 0,
            session.scalar(select(func.count()).select_from(PlanVersie)) or 0,
        )


def test_erasure_removes_the_plan(client: TestClient, rasa: ScriptedRasa) -> None:
    conversation_id, _ = advised(client, rasa, WERKZOEKENDE)
    pad = plan_link(client, conversation_id)["pad"]
    client.post(f"{pad}/stappen", data={"klaar": ["loket"]})
    assert _plan_rows() == (1, 2)
    assert client.delete(f"/api/conversations/{conversation_id}").status_code == 204
    assert client.get(pad).status_code == 404
    assert _plan_rows() == (0, 0)


def test_retention_removes_the_plan_with_the_conversation(
    client: TestClient,
    rasa: ScriptedRasa,
    tracker_db: TrackerDB,
) -> None:
    old_id, _ = advised(client, rasa, WERKZOEKENDE)
    old_pad = plan_link(client, old_id)["pad"]
    recent_id, _ = advised(client, rasa, WERKENDE)
    recent_pad = plan_link(client, recent_id)["pad"]
    age_conversation(get_engine(), old_id, 40)
    store = RasaTrackerStore(tracker_db.url)
    try:
        with get_sessionmaker()() as session:
            run_retention(
                session,
                store,
                RetentionPolicy(transcript_days=30, case_summary_days=365, audit_log_days=365, login_attempt_days=30),
            )
    finally:
        store.close()
    assert client.get(old_pad).status_code == 404
    assert client.get(recent_pad).status_code == 200
    assert _plan_rows() == (1, 1)


def test_the_token_is_never_logged(client: TestClient, rasa: ScriptedRasa, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    conversation_id, _ = advised(client, rasa, WERKZOEKENDE)
    pad = plan_link(client, conversation_id)["pad"]
    token = pad.removeprefix("/plan/")
    client.get(pad)
    client.get(f"{pad}/pdf")
    client.post(
        f"{pad}/stappen",
        content=b"klaar=" + b"x" * 70_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )  # too large: logged, path masked
    records = [f"{r.getMessage()} {getattr(r, 'event_fields', '')}" for r in caplog.records]
    assert any("/plan/{token}" in line for line in records)
    assert all(token not in line for line in records)


def test_the_pdf_is_tagged_dutch_and_holds_the_plan(client: TestClient, rasa: ScriptedRasa) -> None:
    _, case_id, pad = _staff_case(client, rasa)
    _add_afspraak(client, case_id, wat="Intake voor scholing plannen", wie="U")
    response = client.get(f"{pad}/pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == 'attachment; filename="mijn-plan.pdf"'
    text_of_pdf = " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text_of_pdf.split())
    for fragment in (
        "Uw situatie",
        "U zoekt werk.",
        "UWV helpt u verder.",
        "Scholing tijdens de WW",
        "bestaat niet meer, kijk naar SLIM-scholingssubsidie",
        "Intake voor scholing plannen",
        f"http://testserver{pad}",
        "Afgedrukt op",
    ):
        assert fragment in flat, fragment
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        assert str(pdf.Root.Lang) == "nl"
        assert "/StructTreeRoot" in pdf.Root
        assert bool(pdf.Root.MarkInfo.Marked)
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        metadata = pdf.open_metadata()
        assert metadata.get("pdfuaid:part") == "1"
        assert metadata.get("dc:title") == "Mijn plan · Elke Deur"
        kinds = set()
        stack = [pdf.Root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Dictionary):
                if "/S" in node:
                    kinds.add(str(node.S))
                kids = node.get("/K")
                if isinstance(kids, pikepdf.Array):
                    stack.extend(kids)
                elif isinstance(kids, pikepdf.Dictionary):
                    stack.append(kids)
        assert {"/H1", "/H2", "/P", "/L", "/LI"} <= kinds


def test_migration_0008_up_and_down(database_url: str) -> None:
    """0008 alone: the tables appear with their unique token hash, and go again on downgrade to 0007."""
    from alembic import command
    from sqlalchemy import inspect

    from bridge.core.db import make_engine
    from tests.bridge.alembic.test_migrations import _config

    config = _config(database_url)
    command.upgrade(config, "0008")
    engine = make_engine(database_url)
    try:
        with engine.connect() as connection:
            inspector = inspect(connection)
            assert {"plannen", "plan_versies"} <= set(inspector.get_table_names())
            uniques = {tuple(u["column_names"]) for u in inspector.get_unique_constraints("plannen")}
            indexes = {tuple(i["column_names"]): i["unique"] for i in inspector.get_indexes("plannen")}
            assert ("token_hash",) in uniques and bool(indexes[("conversation_id",)])
            foreign = inspector.get_foreign_keys("plannen")[0]
            assert foreign["referred_table"] == "conversations" and foreign["options"].get("ondelete") == "CASCADE"
        command.downgrade(config, "0007")
        with engine.connect() as connection:
            assert not {"plannen", "plan_versies"} & set(inspect(connection).get_table_names())
    finally:
        engine.dispose()


def test_the_advice_markers_match_the_bots_responses() -> None:
    """The bridge recognises advice by the end of the bot's regelingen answer: keep both in step."""
    import yaml

    from bridge.core.config import PROJECT_ROOT

    responses = yaml.safe_load((PROJECT_ROOT / "bot" / "domain" / "regeling.yml").read_text())["responses"]
    knoppen = responses["utter_regelingen_knoppen"][0]
    assert plan_offer.is_advice([{"text": knoppen["text"], "buttons": knoppen["buttons"]}])
    geen = responses["utter_geen_regelingen"][0]
    assert plan_offer.is_advice([{"text": geen["text"], "buttons": geen.get("buttons", [])}])
    vraag = responses["utter_arrangeur_vraag_rol"][0]  # a question is no advice
    assert not plan_offer.is_advice([{"text": vraag["text"], "buttons": vraag["buttons"]}])
