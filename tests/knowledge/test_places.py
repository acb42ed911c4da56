"""Tests for the gemeente/woonplaats gazetteer (knowledge/places.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from knowledge import places
from knowledge.places import find_places, gemeente_by_name, gemeenten, resolve_place

CSV = Path(places.__file__).with_name("gemeenten-arbeidsmarktregio.csv")


def _rows() -> list[dict[str, str]]:
    with CSV.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_gemeenten_complete() -> None:
    gs = gemeenten()
    assert len(gs) == 342
    assert len({g.code for g in gs}) == 342
    assert len({g.arbeidsmarktregio_code for g in gs}) == 35


@pytest.mark.parametrize("row", _rows(), ids=lambda r: r["gemeente"])
def test_every_gemeente_resolves_to_itself(row: dict[str, str]) -> None:
    g = gemeente_by_name(row["gemeente"])
    assert g is not None and g.arbeidsmarktregio_code == row["arbeidsmarktregiocode"]
    found = resolve_place(row["gemeente"])
    assert [x.naam for x in found] == [row["gemeente"]]
    assert found[0].arbeidsmarktregio_code == row["arbeidsmarktregiocode"]
    # as typed in lower case without accents/hyphens, it still resolves
    typed = places.normalise(row["gemeente"])
    assert row["gemeente"] in [x.naam for x in resolve_place(typed)]


def test_every_woonplaats_resolves_to_its_gemeente() -> None:
    missing = []
    for wp, code in places.woonplaatsen():
        if code not in {g.code for g in resolve_place(wp)}:
            missing.append(wp)
    # a woonplaats that shares its name with another gemeente yields that gemeente (e.g. "Hoorn")
    assert len(missing) < 40, missing


VARIANTS = [
    ("Den Haag", "'s-Gravenhage"),
    ("den haag", "'s-Gravenhage"),
    ("Denhaag", "'s-Gravenhage"),
    ("s-Gravenhage", "'s-Gravenhage"),
    ("Scheveningen", "'s-Gravenhage"),
    ("Den Bosch", "'s-Hertogenbosch"),
    ("den bosch", "'s-Hertogenbosch"),
    ("'s Hertogenbosch", "'s-Hertogenbosch"),
    ("hertogenbosch", "'s-Hertogenbosch"),
    ("Sudwest Fryslan", "Súdwest-Fryslân"),
    ("sudwest-fryslan", "Súdwest-Fryslân"),
    ("SWF", "Súdwest-Fryslân"),
    ("Sneek", "Súdwest-Fryslân"),
    ("sneek", "Súdwest-Fryslân"),
    ("Noardeast Fryslan", "Noardeast-Fryslân"),
    ("Noordoostpolder", "Noordoostpolder"),
    ("noord oost polder", "Noordoostpolder"),
    ("Emmeloord", "Noordoostpolder"),
    ("Amsteram", "Amsterdam"),
    ("amsterdm", "Amsterdam"),
    ("Rotterdm", "Rotterdam"),
    ("roterdam", "Rotterdam"),
    ("Eindhovn", "Eindhoven"),
    ("Apeldorn", "Apeldoorn"),
    ("Groningn", "Groningen"),
    ("Maastrich", "Maastricht"),
    ("Lelystadt", "Lelystad"),
    ("almere", "Almere"),
    ("Alphen a/d Rijn", "Alphen aan den Rijn"),
    ("Capelle a/d IJssel", "Capelle aan den IJssel"),
    ("capelle aan de ijssel", "Capelle aan den IJssel"),
    ("St. Michielsgestel", "Sint-Michielsgestel"),
    ("Nuenen", "Nuenen, Gerwen en Nederwetten"),
    ("Hengelo", "Hengelo (O.)"),
    ("Bergen NH", "Bergen (NH.)"),
    ("Bergen aan Zee", "Bergen (NH.)"),
    ("Ljouwert", "Leeuwarden"),
    ("Zaandam", "Zaanstad"),
    ("Spijkenisse", "Nissewaard"),
    ("Heerhugowaard", "Dijk en Waard"),
    ("Hoofddorp", "Haarlemmermeer"),
    ("Veghel", "Meierijstad"),
    ("Enschedé", "Enschede"),
    ("gemeente Utrecht", "Utrecht"),
]


@pytest.mark.parametrize(("typed", "naam"), VARIANTS)
def test_variants_resolve(typed: str, naam: str) -> None:
    assert [g.naam for g in resolve_place(typed)] == [naam]


@pytest.mark.parametrize(
    ("typed", "namen"),
    [
        ("Bergen", {"Bergen (L.)", "Bergen (NH.)"}),
        ("bergen", {"Bergen (L.)", "Bergen (NH.)"}),
        ("Haren", {"Groningen", "Oss"}),
        ("Nes", {"Ameland", "Heerenveen", "Noardeast-Fryslân"}),
    ],
)
def test_ambiguous_names_give_several(typed: str, namen: set[str]) -> None:
    assert {g.naam for g in resolve_place(typed)} == namen


@pytest.mark.parametrize(
    "word", ["werk", "zoeken", "uitkering", "bijstand", "personeel", "zorg", "hallo", "ja", "x", ""]
)
def test_ordinary_words_do_not_resolve(word: str) -> None:
    assert resolve_place(word) == []


def test_fallback_without_rapidfuzz(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(places, "_rf_process", None)
    monkeypatch.setattr(places, "_rf_fuzz", None)
    places._lookup_fuzzy.cache_clear()
    try:
        assert [g.naam for g in resolve_place("Den Bosch")] == ["'s-Hertogenbosch"]
        assert [g.naam for g in resolve_place("Rotterdm")] == ["Rotterdam"]
    finally:
        places._lookup_fuzzy.cache_clear()


def _found(text: str) -> list[tuple[str, list[str]]]:
    return [(m.surface, [g.naam for g in m.candidates]) for m in find_places(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ik zit sinds maart in de ww, woon in Almere en wil me laten omscholen",
            [("Almere", ["Almere"])],
        ),
        ("ik woon in best", [("best", ["Best"])]),
        ("ik woon in Heel", [("Heel", ["Maasgouw"])]),
        ("woonachtig te Sneek", [("Sneek", ["Súdwest-Fryslân"])]),
        (
            "ik kom uit Den Bosch maar werk in Den Haag",
            [("Den Bosch", ["'s-Hertogenbosch"]), ("Den Haag", ["'s-Gravenhage"])],
        ),
        ("ik woon in amstedam", [("amstedam", ["Amsterdam"])]),
        ("bijstand in rotterdm", [("rotterdm", ["Rotterdam"])]),
        ("gemeente Súdwest-Fryslân", [("Súdwest-Fryslân", ["Súdwest-Fryslân"])]),
        ("ik woon in bergen", [("bergen", ["Bergen (L.)", "Bergen (NH.)"])]),
        ("nee, ik woon in Lelystad", [("Lelystad", ["Lelystad"])]),
        ("almere", [("almere", ["Almere"])]),
        ("ik werk in een winkel in Hoorn", [("Hoorn", ["Hoorn"])]),
        ("nee, niet Almere maar Lelystad", [("Lelystad", ["Lelystad"])]),
        ("ik woon niet in Zwolle maar in Kampen", [("Kampen", ["Kampen"])]),
        # wijken and nicknames people give instead of their city
        ("ik zit in de bijstand en woon in overvecht", [("overvecht", ["Utrecht"])]),
        ("yo ik zoek werk in mokum", [("mokum", ["Amsterdam"])]),
        ("ik woon in blerick", [("blerick", ["Venlo"])]),
        ("ik woon in leiden", [("leiden", ["Leiden"])]),
    ],
)
def test_find_places(text: str, expected: list[tuple[str, list[str]]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "ik doe mijn best",
        "ik werk al heel lang in de bouw",
        "in heel Nederland",
        "bij hem op het werk",
        "ik werk in een winkel",
        "ik werk in loondienst",
        "mijn loon is te laag",
        "ik zoek werk in de zorg",
        "ik ben werkgever in de horeca en zoek personeel",
        "ik heb een uitkering van het uwv",
        "ik zit in de schulden",
        "kunnen jullie me echt helpen",
        "ik woon in Nederland",
        "ik ben het niet eens met het besluit",
        "ik ga naar huis",
        "ik werk in de techniek en de installatie",
        "we zitten in de kinderopvang",
        "ik werk in ploegendienst",
        # an ordinary word is no typo of a place, a verb after "op te" no place
        "bij de gemeente zeggen ze dat ik terug naar school moet",
        "ik zit in de bijstand in noord en wil beveiliger worden",
        "wij willen hem houden om jongens op te leiden",
        "we leiden zelf op",
    ],
)
def test_find_places_ignores_ordinary_sentences(text: str) -> None:
    assert find_places(text) == []
