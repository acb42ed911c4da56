"""The knowledge routers over HTTP: /api/regelingen, /api/arrangeur, /api/rekenhulp."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from bridge.api.routes import arrangeur, regelingen, rekenhulp
from bridge.knowledge.deps import get_today

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def app() -> FastAPI:
    app = FastAPI()
    for module in (regelingen, arrangeur, rekenhulp):
        app.include_router(module.router)
    app.dependency_overrides[get_today] = lambda: TODAY
    return app


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as c:
        yield c


def test_employer_in_almere_asking_loonkostensubsidie(client: TestClient) -> None:
    r = client.get(
        "/api/regelingen", params={"rol": "werkgever", "behoefte": "loonkostensubsidie", "gemeente": "Almere"}
    )
    assert r.status_code == 200
    body = r.json()
    first = body["regelingen"][0]
    assert first["slug"] == "loonkostensubsidie"
    assert set(first) >= {"slug", "naam", "samenvatting", "status", "uitvoerder", "bronnen", "peildatum", "waarom"}
    assert first["uitvoerder"] == "gemeente" and first["bronnen"]
    assert body["regio"]["arbeidsmarktregio_code"] == "AM11"
    assert body["regio"]["werkgeversservicepunt"]["naam"] == "Werkgeversservicepunt Flevoland"
    assert body["count"] == len(body["regelingen"])
    assert all(x["status"] != "beeindigd" for x in body["regelingen"])


def test_werkende_in_techniek_gets_slim_and_funds(client: TestClient) -> None:
    body = client.get(
        "/api/regelingen", params={"rol": "werkende", "sector": "techniek", "behoefte": "scholing"}
    ).json()
    assert body["regelingen"][0]["slug"] == "slim-scholingssubsidie"
    assert {"oom", "wij-techniek", "a-en-o-metalektro"} <= {f["slug"] for f in body["oo_fondsen"]}
    assert body["sector"]["sector"] == "techniek"


def test_zorg_has_honest_no_fund_answer(client: TestClient) -> None:
    body = client.get("/api/regelingen", params={"rol": "werkende", "sector": "zorg"}).json()
    assert body["oo_fondsen"] == []
    assert "SectorplanPlus" in body["sector"]["uitleg"]


def test_stap_by_name_is_ended_with_successor(client: TestClient) -> None:
    body = client.get("/api/regelingen", params={"q": "bestaat STAP nog?"}).json()
    stap = body["regelingen"][0]
    assert stap["slug"] == "stap-budget" and stap["status"] == "beeindigd"
    assert stap["geldig_tot"] == "2023-12-31"
    assert stap["opvolger"]["slug"] == "slim-scholingssubsidie"
    assert body["regelingen"][1]["slug"] == "slim-scholingssubsidie"


def test_ended_schemes_not_in_plain_lists(client: TestClient) -> None:
    for params in ({}, {"rol": "werkgever"}, {"behoefte": "loonkostensubsidie"}, {"q": "scholing"}):
        body = client.get("/api/regelingen", params=params).json()
        assert all(x["status"] != "beeindigd" for x in body["regelingen"]), params


def test_date_is_injectable(app: FastAPI, client: TestClient) -> None:
    app.dependency_overrides[get_today] = lambda: dt.date(2028, 1, 1)
    assert client.get("/api/regelingen/slim-scholingssubsidie").json()["status"] == "beeindigd"
    slugs = {x["slug"] for x in client.get("/api/regelingen", params={"behoefte": "scholing"}).json()["regelingen"]}
    assert "slim-scholingssubsidie" not in slugs


def test_one_regeling_and_404(client: TestClient) -> None:
    r = client.get("/api/regelingen/no-riskpolis")
    assert r.status_code == 200 and r.json()["naam"] == "No-riskpolis"
    assert r.json()["aanvragen"]["waar"] == "UWV"
    assert client.get("/api/regelingen/bestaat-niet").status_code == 404


def test_invalid_slot_value_is_422(client: TestClient) -> None:
    assert client.get("/api/regelingen", params={"rol": "baas"}).status_code == 422


def test_arrangeur_endpoint(client: TestClient) -> None:
    r = client.post("/api/arrangeur", json={"rol": "werkgever", "gemeente": "Almere"})
    assert r.status_code == 200
    body = r.json()
    # The contract's fields, plus the optional ones of issue 17 (rule, sources, provisional).
    assert set(body) == {"arrangeur", "uitleg", "ontbreekt", "loket", "regel", "bronnen", "voorlopig"}
    assert body["regel"] == "werkgever" and body["bronnen"] and body["voorlopig"] is False
    assert body["arrangeur"] == "werkgeversservicepunt"
    assert body["loket"]["organisatie"] == "Werkgeversservicepunt Flevoland"
    empty = client.post("/api/arrangeur", json={}).json()
    assert empty["arrangeur"] is None and empty["ontbreekt"] == ["rol"] and empty["loket"] is None
    ww = client.post("/api/arrangeur", json={"tekst": "Ik heb een WW-uitkering"}).json()
    assert ww["arrangeur"] == "uwv" and ww["uitleg"].startswith("Omdat u een WW-uitkering heeft")
    assert client.post("/api/arrangeur", json={"rol": "baas"}).status_code == 422


def test_rekenhulp_endpoint(client: TestClient) -> None:
    r = client.post("/api/rekenhulp/loonkostensubsidie", json={"loonwaarde_procent": 50, "uren_per_week": 36})
    assert r.status_code == 200
    body = r.json()
    assert body["indicatie_per_maand"] == 1530.38
    assert body["opbouw"] == {"loonkostensubsidie": 1239.17, "werkgeverslasten": 291.21, "maximum_bereikt": False}
    assert "loonwaardemeting" in body["voorbehoud"]
    assert body["waarschuwingen"]  # WML of 1 Jan 2026 may be outdated on 23 Nov 2026
    assert (
        client.post(
            "/api/rekenhulp/loonkostensubsidie", json={"loonwaarde_procent": 150, "uren_per_week": 36}
        ).status_code
        == 422
    )


@pytest.mark.parametrize("field", ["wml_per_uur", "brutoloon_per_maand"])
def test_rekenhulp_refuses_astronomic_amounts(client: TestClient, field: str) -> None:
    # Found by the API fuzz: 7e23 per uur overflowed the rounding to cents (a 500).
    body = {"loonwaarde_procent": 0, "uren_per_week": 30, field: 7.1e23}
    assert client.post("/api/rekenhulp/loonkostensubsidie", json=body).status_code == 422


def test_situatie_words_steer_the_ranking_and_each_card_says_why(client: TestClient) -> None:
    params = {
        "rol": "werkgever",
        "behoefte": "personeel_vinden",
        "situatie": "Ik wil iemand met een arbeidsbeperking aannemen.",
    }
    body = client.get("/api/regelingen", params=params).json()
    assert body["kenmerken"] == ["arbeidsbeperking"]
    top = body["regelingen"][:3]
    assert "no-riskpolis" in {r["slug"] for r in top}
    assert all(r["past_bij_u"].startswith("Past bij u: de werknemer heeft een arbeidsbeperking") for r in top)
    # Without the words the employer schemes for a disability are not the first answer.
    plain = client.get("/api/regelingen", params={"rol": "werkgever", "behoefte": "personeel_vinden"}).json()
    assert plain["kenmerken"] == [] and plain["regelingen"][0]["slug"] != "no-riskpolis"
    # A known trait can be passed as is; an unknown one is refused; the words have a length limit.
    assert client.get("/api/regelingen", params={**params, "situatie": None, "kenmerk": "arbeidsbeperking"}).json()[
        "kenmerken"
    ] == ["arbeidsbeperking"]
    assert client.get("/api/regelingen", params={"kenmerk": "rijk"}).status_code == 422
    assert client.get("/api/regelingen", params={"situatie": "x" * 2001}).status_code == 422


def test_rekenhulp_takes_an_optional_age_and_shows_the_minimumloon_used(client: TestClient) -> None:
    # Issue 17: `leeftijd` is optional (additive); below 21 the minimumjeugdloon is used.
    body = client.post(
        "/api/rekenhulp/loonkostensubsidie", json={"loonwaarde_procent": 50, "uren_per_week": 36, "leeftijd": 19}
    ).json()
    assert body["uitgangspunten"]["wml_per_uur"] == 8.83  # 60 % of 14,71
    assert body["uitgangspunten"]["wml_21_plus_per_uur"] == 14.71
    assert body["uitgangspunten"]["wml_geldig_vanaf"] == "2026-01-01"
    assert body["uitgangspunten"]["leeftijd"] == 19
    assert body["indicatie_per_maand"] == 918.64
    assert any("19 jaar" in t for t in body["toelichting"])
    zonder = client.post(
        "/api/rekenhulp/loonkostensubsidie", json={"loonwaarde_procent": 50, "uren_per_week": 36}
    ).json()
    assert zonder["uitgangspunten"]["leeftijd"] is None
    assert any("jonger dan 21" in t for t in zonder["toelichting"])
    too_young = {"loonwaarde_procent": 50, "uren_per_week": 36, "leeftijd": 14}
    assert client.post("/api/rekenhulp/loonkostensubsidie", json=too_young).status_code == 422
