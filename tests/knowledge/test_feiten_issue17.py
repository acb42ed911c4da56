"""The facts issue 17 asked to re-check, as the data now states them (each with its source in `controles`)."""

from __future__ import annotations

import datetime as dt

import pytest

from bridge.knowledge.dates import effective_status
from bridge.knowledge.loader import KnowledgeBase, load_knowledge_base
from bridge.knowledge.models import Sector, Status

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


def test_ontwikkeladvies_ended_in_2023_without_a_successor_for_individuals(kb: KnowledgeBase) -> None:
    r = kb.regelingen["ontwikkeladvies"]
    assert r.status is Status.beeindigd and r.geldig_tot == dt.date(2023, 12, 18)
    assert r.opvolger is None  # SLIM is for employers and no formal successor; the summary names it
    assert "SLIM" in r.samenvatting


def test_praktijkleren_derde_leerweg_has_ended(kb: KnowledgeBase) -> None:
    r = kb.regelingen["praktijkleren-derde-leerweg"]
    assert r.geldig_tot == dt.date(2026, 3, 31)
    assert effective_status(r, TODAY) is Status.beeindigd


def test_praktijkleren_names_its_latest_known_window(kb: KnowledgeBase) -> None:
    termijn = kb.regelingen["praktijkleren"].aanvragen.termijn or ""
    assert "17 september 2025" in termijn
    assert kb.regelingen["praktijkleren"].onzeker  # the 2026 window is not confirmed on rvo.nl


def test_stap_summary_says_only_part_of_the_money_went_to_slim(kb: KnowledgeBase) -> None:
    samenvatting = " ".join(kb.regelingen["stap-budget"].samenvatting.split())
    assert "Een deel van het geld" in samenvatting and "73,7" in samenvatting


def test_ips_start_date_is_not_claimed_for_the_uwv_route(kb: KnowledgeBase) -> None:
    r = kb.regelingen["ips"]
    assert r.geldig_van is None
    assert "1 maart 2023" in (r.opmerking or "")


def test_no_riskpolis_names_the_wajong_duration_and_the_open_question(kb: KnowledgeBase) -> None:
    r = kb.regelingen["no-riskpolis"]
    assert any("Wajong" in b.omschrijving and "zolang" in b.omschrijving for b in r.wat_je_krijgt)
    assert any("doelgroepregister" in o for o in r.onzeker)


def test_fundeon_is_no_bouw_fund_and_finished_sector_plans_are_past(kb: KnowledgeBase) -> None:
    assert "fundeon-fonds" not in kb.sectoren[Sector.bouw].fondsen
    assert kb.fondsen["fundeon-fonds"].sectoren == []
    assert "SectorplanPlus" not in " ".join(kb.sectoren[Sector.zorg].verwijzing)
    assert "Vroeger" in kb.fondsen["fcb-kinderopvang"].wat_betaalt[0].omschrijving
