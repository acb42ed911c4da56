"""Every source of the knowledge base against the one allow-list, knowledge/bronnen-domeinen.yml (issue 17)."""

from __future__ import annotations

import pytest

from bridge.knowledge.bronnen import (
    DOMEINEN_FILE,
    MAX_AANDEEL_SECUNDAIR,
    Soort,
    lees_domeinen,
    rapport,
    soort,
)
from bridge.knowledge.loader import KnowledgeBase, load_knowledge_base


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_the_allow_list_is_one_file_in_the_knowledge_base() -> None:
    assert DOMEINEN_FILE.name == "bronnen-domeinen.yml" and DOMEINEN_FILE.parent.name == "knowledge"
    domeinen = lees_domeinen()
    assert "wetten.overheid.nl" in domeinen.primair and "uwv.nl" in domeinen.primair
    assert not domeinen.primair & domeinen.secundair


@pytest.mark.parametrize(
    ("url", "verwacht"),
    [
        ("https://wetten.overheid.nl/BWBR0045419/2023-05-01", Soort.primair),
        ("https://zoek.officielebekendmakingen.nl/stcrt-2025-7276.html", Soort.primair),  # subdomain
        ("https://inspiratie.uwv.nl/meedoen/x", Soort.primair),
        ("https://www.rijksoverheid.nl/actueel", Soort.primair),  # www. is ignored
        ("https://2017.uwvjaarverslag.nl/jaarverslag-2017/a", Soort.primair),
        ("https://www.rendement.nl/x", Soort.secundair),
        ("https://fakeuwv.nl/x", Soort.onbekend),  # not a subdomain of uwv.nl
        ("https://ab2a25c4-5277.azurewebsites.net/x", Soort.onbekend),  # a staging address is never a source
    ],
)
def test_domain_classification(url: str, verwacht: Soort) -> None:
    assert soort(url) is verwacht


def test_every_regeling_source_is_on_the_allow_list_and_secondary_ones_stay_rare(kb: KnowledgeBase) -> None:
    r = rapport({slug: reg.bronnen for slug, reg in kb.regelingen.items()})
    # The numbers are in every failure message (run `python -m bridge.knowledge.bronnen` for the full report).
    assert not r.onbekend, f"{r.tekst()}; onbekende domeinen: {r.onbekend}"
    assert not r.zonder_primair, f"{r.tekst()}; zonder primaire bron: {r.zonder_primair}"
    assert r.aandeel_secundair <= MAX_AANDEEL_SECUNDAIR, r.tekst()


def test_primary_sources_come_first_so_the_card_links_to_one(kb: KnowledgeBase) -> None:
    # The bot's card shows the first source (bot/actions/regelingen.py `bron`).
    eerst_secundair = [slug for slug, reg in kb.regelingen.items() if soort(reg.bronnen[0]) is not Soort.primair]
    assert not eerst_secundair


def test_every_fund_and_sector_source_is_classified(kb: KnowledgeBase) -> None:
    # Funds are reported, not gated on the 10 %: many rest on old pages (knowledge/oo-fondsen, `onzeker`).
    bronnen = {slug: f.bronnen for slug, f in kb.fondsen.items()}
    bronnen |= {f"_sectoren:{s.value}": e.bronnen for s, e in kb.sectoren.items()}
    r = rapport(bronnen)
    assert not r.onbekend, f"{r.tekst()}; onbekende domeinen: {r.onbekend}"


def test_rechecked_facts_name_a_primary_source_and_the_check_date(kb: KnowledgeBase) -> None:
    for slug in ("ontwikkeladvies", "praktijkleren-derde-leerweg", "no-riskpolis", "stap-budget", "ips"):
        controles = kb.regelingen[slug].controles
        assert controles, slug
        assert any(soort(c.bron) is Soort.primair for c in controles), slug
        assert all(c.datum.isoformat() == "2026-12-07" for c in controles), slug
    assert kb.fondsen["fundeon-fonds"].controles
