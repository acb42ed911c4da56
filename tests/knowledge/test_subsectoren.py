"""The five funds the sector question could never reach, reached by the person's words or a follow-up (issue 17)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bridge.api.routes import regelingen
from bridge.knowledge.deps import get_today
from bridge.knowledge.loader import KnowledgeBase, load_knowledge_base
from bridge.knowledge.models import Sector
from bridge.knowledge.subsectoren import vervolgvraag, vind_subsector

VIJF = (
    "sociaal-fonds-bakkersbedrijf",
    "sol-levensmiddelenindustrie",
    "fcb-vleeswarenindustrie",
    "gf-groothandelsfonds",
    "sovu",
)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture
def client() -> Iterator[TestClient]:
    app = FastAPI()
    app.include_router(regelingen.router)
    app.dependency_overrides[get_today] = lambda: dt.date(2026, 12, 7)
    with TestClient(app) as c:
        yield c


@pytest.mark.parametrize(
    ("tekst", "sector", "fonds"),
    [
        ("Ik werk bij een bakkerij in Almere en wil een cursus doen.", None, "sociaal-fonds-bakkersbedrijf"),
        (
            "Wij zijn een warme bakker en zoeken scholing voor ons personeel.",
            "detailhandel",
            "sociaal-fonds-bakkersbedrijf",
        ),
        ("Ik werk in de levensmiddelenindustrie aan de lopende band.", None, "sol-levensmiddelenindustrie"),
        ("Ik werk in een vleeswarenfabriek en wil verder leren.", "techniek", "fcb-vleeswarenindustrie"),
        ("Wij zijn een groothandel in groente en fruit.", None, "gf-groothandelsfonds"),
        ("Ik ben uitvaartverzorger en wil een opleiding.", None, "sovu"),
    ],
)
def test_the_persons_words_reach_the_fund(client: TestClient, tekst: str, sector: str | None, fonds: str) -> None:
    params = {"rol": "werkende", "behoefte": "scholing", "situatie": tekst}
    if sector:
        params["sector"] = sector
    body = client.get("/api/regelingen", params=params).json()
    assert body["oo_fondsen"][0]["slug"] == fonds
    assert body["sector"]["subsector"] and body["sector"]["fondsen"][0] == fonds


@pytest.mark.parametrize(
    ("sector", "fonds_naam"),
    [
        ("detailhandel", "Sociaal Fonds Bakkersbedrijf"),
        ("detailhandel", "GF Groothandelsfonds"),
        ("transport_logistiek", "GF Groothandelsfonds"),
        ("techniek", "SOL"),
        ("landbouw", "FCB Vleeswarenindustrie"),
        ("zakelijke_dienstverlening", "SOVU"),
    ],
)
def test_the_sector_alone_offers_the_branche_fund_as_a_follow_up(
    client: TestClient, sector: str, fonds_naam: str
) -> None:
    body = client.get("/api/regelingen", params={"rol": "werkende", "sector": sector}).json()
    assert body["sector"]["subsector"] is None
    assert fonds_naam in body["sector"]["vervolgvraag"]


def test_each_of_the_five_funds_is_reachable_both_ways(kb: KnowledgeBase) -> None:
    for slug in VIJF:
        ouders = [s for s, e in kb.sectoren.items() if any(slug in sub.fondsen for sub in e.subsectoren)]
        assert ouders, slug
        assert all(kb.fondsen[slug].naam in (vervolgvraag(kb, kb.sectoren[s]) or "") for s in ouders), slug
        woorden = [
            w for s in ouders for sub in kb.sectoren[s].subsectoren if slug in sub.fondsen for w in sub.trefwoorden
        ]
        treffer = vind_subsector(kb, f"ik werk bij een {woorden[0]}")
        assert treffer is not None and slug in [f.slug for f in treffer.fondsen], slug


def test_every_fund_with_a_sector_is_reachable(kb: KnowledgeBase) -> None:
    for slug, fonds in kb.fondsen.items():
        for sector in fonds.sectoren:
            entry = kb.sectoren[sector]
            assert slug in entry.fondsen or any(slug in sub.fondsen for sub in entry.subsectoren), (slug, sector)


@pytest.mark.parametrize(
    "tekst",
    [
        "Ik haal elke ochtend brood bij de bakker.",
        "De uitvaart van mijn vader was vorige week.",
        "Ik verkoop vleeswaren in de supermarkt.",
        "Mijn naam is Jan Bakker.",
    ],
)
def test_customer_words_and_surnames_do_not_pick_a_branche(kb: KnowledgeBase, tekst: str) -> None:
    assert vind_subsector(kb, tekst) is None


def test_the_sector_slot_keeps_its_contract_values(kb: KnowledgeBase) -> None:
    assert set(kb.sectoren) == set(Sector)  # sub-sectors are no new slot values
