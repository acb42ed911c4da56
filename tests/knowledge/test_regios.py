"""Regional desks (knowledge/regios.yml): how to reach each desk, its source, the fallback, and the coverage.

Run with `-s` to see the coverage lines; the README states the same numbers and this test keeps them equal.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bridge.api.routes import arrangeur as arrangeur_route
from bridge.api.routes import regelingen as regelingen_route
from bridge.knowledge.arrangeur import bepaal_arrangeur
from bridge.knowledge.loader import KNOWLEDGE_DIR, KnowledgeBase, load_knowledge_base
from bridge.knowledge.models import Loket, RegiosFile, Rol, Uitkering
from bridge.knowledge.regios import DESKS, Dekking, contact, dekking, loket_sociale_partners, loket_van

README = Path(__file__).resolve().parents[2] / "README.md"
CHECKED = dt.date(2026, 12, 7)
# The only national sites a desk may fall back to.
NATIONAL = {"https://www.werkcentrum.nl", "https://www.lerenenwerken.nl"}


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


@pytest.fixture(scope="module")
def regios_file() -> RegiosFile:
    return RegiosFile.model_validate(yaml.safe_load((KNOWLEDGE_DIR / "regios.yml").read_text(encoding="utf-8")))


def _loketten(regios_file: RegiosFile) -> list[tuple[str, str, Loket]]:
    return [
        (regio.code, desk, loket)
        for regio in regios_file.regios
        for desk in DESKS
        if (loket := loket_van(regio, desk)) is not None
    ]


def _host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.")


def test_coverage_report(kb: KnowledgeBase) -> None:
    cover = dekking(kb.regios.values())
    print("\nDekking regionale loketten (gecontroleerd 2026-12-07):")
    for item in cover.values():
        print("  " + item.regel())
    assert set(cover) == set(DESKS)
    assert all(item.regios == 35 for item in cover.values())
    # Regression floor: what the 2026-12-07 check confirmed may not silently get lost.
    assert cover["werkgeversservicepunt"].website >= 6
    assert cover["werkcentrum"].website >= 2 and cover["werkcentrum"].adres >= 1
    assert cover["leerwerkloket"].website >= 1


def test_readme_states_the_coverage(kb: KnowledgeBase) -> None:
    cover = dekking(kb.regios.values())
    line = next(
        (ln for ln in README.read_text(encoding="utf-8").splitlines() if ln.startswith("| `knowledge/regios.yml`")), ""
    )
    assert line, "README.md mist de regel over knowledge/regios.yml"
    for label, desk in (
        ("Werkgeversservicepunt", "werkgeversservicepunt"),
        ("Werkcentrum", "werkcentrum"),
        ("leerwerkloket", "leerwerkloket"),
    ):
        match = re.search(rf"{label} (\d+)/35", line)
        assert match and int(match.group(1)) == cover[desk].website, f"README noemt een andere dekking voor {label}"
    telefoon = re.search(r"phone number (\d+)/35", line)
    assert telefoon and all(int(telefoon.group(1)) == item.telefoon for item in cover.values())


def test_every_desk_has_a_source_or_is_marked_unconfirmed(regios_file: RegiosFile) -> None:
    entries = _loketten(regios_file)
    assert len(entries) == 35 * 3, "elke regio heeft een WSP, een Werkcentrum en een leerwerkloket"
    for code, desk, loket in entries:
        where = f"{code} {desk}"
        assert loket.gecontroleerd == CHECKED, where
        if loket.bevestigd:
            assert loket.bron, f"{where}: bevestigd zonder bron"
            assert loket.url or loket.telefoon or loket.adres, f"{where}: bevestigd zonder contactgegevens"
        else:
            assert not (loket.url or loket.telefoon or loket.adres), f"{where}: contactgegevens zonder bevestiging"


def test_fallback_only_for_unconfirmed_desks(regios_file: RegiosFile) -> None:
    assert set(regios_file.terugval) == set(DESKS)
    assert {t.url for t in regios_file.terugval.values()} <= NATIONAL
    for code, desk, loket in _loketten(regios_file):
        if loket.bevestigd:
            assert loket.terugval is None, f"{code} {desk}: terugval bij een bevestigd loket"
            assert loket.url not in NATIONAL, f"{code} {desk}: de landelijke site is geen eigen website"
        else:
            assert loket.terugval == regios_file.terugval[desk].url, f"{code} {desk}: verkeerde terugval"


def test_a_confirmed_website_comes_from_a_page_on_that_site(regios_file: RegiosFile) -> None:
    # The source shows the website because it is a page of that website: nothing guessed.
    for code, desk, loket in _loketten(regios_file):
        if loket.url:
            assert loket.bron and _host(loket.bron) == _host(loket.url), f"{code} {desk}: bron niet op {loket.url}"


def test_model_refuses_unconfirmed_contact_details_and_confirmed_without_source() -> None:
    with pytest.raises(ValueError, match="zonder bevestiging"):
        Loket(naam="WSP X", url="https://wsp-x.example", terugval="https://www.werkcentrum.nl")
    with pytest.raises(ValueError, match="bron"):
        Loket(naam="WSP X", url="https://wsp-x.example", bevestigd=True)
    with pytest.raises(ValueError, match="terugval"):
        Loket(naam="WSP X")
    with pytest.raises(ValueError):
        Loket(naam="WSP X", telefoon="bel ons", bevestigd=True, bron="https://wsp-x.example/contact")
    assert Loket(naam="WSP X", telefoon="088 - 123 45 67", bevestigd=True, bron="https://wsp-x.example/c").telefoon


def test_contact_shows_own_details_or_the_fallback(kb: KnowledgeBase) -> None:
    rijnmond = contact(kb.regios["AM22"].werkgeversservicepunt)
    assert rijnmond["url"] == "https://wsprijnmond.nl" and rijnmond["bevestigd"] is True
    assert rijnmond["terugval"] is None and rijnmond["gecontroleerd"] == "2026-12-07"
    friesland = contact(kb.regios["AM02"].werkgeversservicepunt)
    assert friesland["url"] is None and friesland["bevestigd"] is False
    assert friesland["terugval"] == "https://www.werkcentrum.nl"


def test_sociale_partners_get_the_confirmed_desk_first(kb: KnowledgeBase) -> None:
    assert loket_sociale_partners(kb.regios["AM14"]).naam == "Werkcentrum regio Amersfoort"
    assert loket_sociale_partners(kb.regios["AM24"]).naam == "Leerwerkloket Zeeland"
    # Both unconfirmed: the leerwerkloket, as before.
    assert loket_sociale_partners(kb.regios["AM36"]) is kb.regios["AM36"].leerwerkloket


def test_arrangeur_names_how_to_reach_the_desk(kb: KnowledgeBase) -> None:
    employer = bepaal_arrangeur(kb, rol=Rol.werkgever, gemeente="Rotterdam").loket
    assert employer is not None
    assert employer["organisatie"] == "Werkgeversservicepunt Rijnmond"  # the handoff queue name
    assert employer["url"] == "https://wsprijnmond.nl" and employer["bevestigd"] is True
    renamed = bepaal_arrangeur(kb, rol=Rol.werkgever, gemeente="Tilburg").loket
    assert renamed is not None and renamed["organisatie"] == "Werkgeversservicepunt Midden-Brabant"
    assert renamed["naam"] == "WSP WerkHart" and renamed["terugval"] == "https://www.werkcentrum.nl"
    worker = bepaal_arrangeur(kb, rol=Rol.werkende, uitkering=Uitkering.geen, gemeente="Groningen").loket
    assert worker is not None and worker["adres"] and worker["bevestigd"] is True


def test_public_routes_show_contact_fields() -> None:
    app = FastAPI()
    app.include_router(regelingen_route.router)
    app.include_router(arrangeur_route.router)
    with TestClient(app) as client:
        regio = client.get("/api/regelingen", params={"gemeente": "Amersfoort"}).json()["regio"]
        assert regio["werkcentrum"]["url"] == "https://werkcentrumregioamersfoort.nl"
        assert regio["werkcentrum"]["bevestigd"] is True and regio["werkcentrum"]["gecontroleerd"] == "2026-12-07"
        assert regio["werkgeversservicepunt"]["terugval"] == "https://www.werkcentrum.nl"
        loket = client.post("/api/arrangeur", json={"rol": "werkgever", "gemeente": "Almere"}).json()["loket"]
        assert loket["organisatie"] == "Werkgeversservicepunt Flevoland"
        assert {"url", "telefoon", "adres", "bevestigd", "terugval"} <= set(loket)


def test_dekking_regel_is_dutch_and_complete() -> None:
    line = Dekking("werkcentrum", 35, 3, 2, 0, 1).regel()
    assert line == "werkcentrum: website 2/35, telefoon 0/35, adres 1/35, bevestigd 3/35"
