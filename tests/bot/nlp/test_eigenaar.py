"""bot.nlp.eigenaar: only the writer's own current benefit and the sector that fits the rol."""

from __future__ import annotations

import pytest

from bot.nlp import lexicon
from bot.nlp.eigenaar import own_facts


def _entities(text: str) -> list:
    return [
        {"entity": m.entity, "value": m.value, "start": m.start, "end": m.end}
        for m in lexicon.find_terms(text, ("uitkering", "sector"))
    ]


def _facts(text: str, rol=None, eigen_uitkering=True) -> dict:
    return {e["entity"]: e["value"] for e in own_facts(text, _entities(text), rol, eigen_uitkering)}


@pytest.mark.parametrize(
    ("text", "uitkering"),
    [
        ("mijn ww stopt in juni, kan ik dan bijstand krijgen?", "ww"),
        ("heb ik recht op iow of moet ik naar de bijstand? mijn ww is bijna op", "ww"),
        ("mijn werkgever vraagt ontslag aan, heb ik daarna recht op ww?", None),
        ("ik zit in de bijstand en wil werken", "bijstand"),
        ("wat is het verschil tussen wga en iva", None),
        ("geen bijstand want mijn man werkt, wel een wajong uitkering", "wajong"),
        ("kunnen jullie iemand uit de bijstand sturen", None),
    ],
)
def test_current_own_benefit(text, uitkering):
    assert _facts(text).get("uitkering") == uitkering


def test_employer_keeps_no_benefit():
    assert "uitkering" not in _facts("wij nemen een monteur aan die in de ww zit", "werkgever", eigen_uitkering=False)


@pytest.mark.parametrize(
    ("text", "rol", "sector"),
    [
        ("ik ben kok in een restaurant maar wil leraar worden", "werkende", "horeca"),
        ("ik werkte in het onderwijs maar wil nu verpleegkundige worden", "werkzoekende", "zorg"),
        # without a wish, a werkzoekende looks in the trade they had, unless they want out of it
        ("ik heb gewerkt als orderpicker en zit nu in de ww", "werkzoekende", "transport_logistiek"),
        ("was stratenmaker maar kan niet meer zwaar tillen, nu wga", "werkzoekende", None),
        ("alles is goed, schoonmaak, bouw, maakt niet uit, heb bijstand", "werkzoekende", None),
        ("ik ben 17 en wil niet meer naar school maar gewoon werken", "werkzoekende", None),
        ("wij zoeken een lasser, kan iemand uit de bijstand?", "werkgever", "metaal"),
        ("ik werk op de administratie van het ziekenhuis", "werkende", "zorg"),
        ("ik ben administratief medewerker en zit in de ww", "werkzoekende", None),
        ("mijn ww is bijna op en mijn vrouw werkt 20 uur in de thuiszorg", "werkzoekende", None),
        # alternatives across "of": another sector means none, the same sector stays
        ("ik heb bijstand en wil werken, schoonmaken of in een keuken", "werkzoekende", None),
        ("ik zit in de bijstand en wil werken op een boerderij of kwekerij", "werkzoekende", "landbouw"),
        ("heb ww, wil gewoon aan het werk, maakt niet uit wat, heb een heftruckcertificaat", "werkzoekende", None),
        # a benefit from the gemeente is no wish to work there, across a sentence end
        ("ik wil kapster worden. ik heb uitkering van gemeente", "werkzoekende", None),
        # workplaces named by an employee's "onze", a boss "op de bso", a volunteer's place
        ("onze boekwinkel stopt eind van het jaar, ik werk er al 22 jaar", "werkende", "detailhandel"),
        ("mijn leidinggevende op de bso dreigt me te ontslaan", "werkende", "kinderopvang"),
        (
            "ik doe vrijwilligerswerk in het verzorgingshuis en heb bijstand, kan ik daar in dienst?",
            "werkzoekende",
            "zorg",
        ),
        ("ik werk al 20 jaar bij het sw bedrijf in onze gemeente", "werkende", None),
        ("mijn kleindochter zit op de praktijkschool en moet stage lopen", "werkzoekende", None),
        ("wij zijn een bouwbedrijf en zoeken timmerlieden", "werkgever", "bouw"),
        # workplaces (bot/lexicons/sector_werkplek.yml) count only when the sentence is about working there
        ("ik werk al 20 jaar op een varkensbedrijf", "werkende", "landbouw"),
        ("ik heb wajong en zou heel graag in een winkel werken", "werkzoekende", "detailhandel"),
        ("wij zijn een ziekenhuis in apeldoorn", "werkgever", "zorg"),
        ("ik breng de kinderen naar de bso en werk thuis", "werkende", None),
        ("kunnen jullie via de gemeente iemand sturen", "werkgever", None),
        ("ik werk als secretaresse in het ziekenhuis in tilburg", "werkende", "zorg"),
        ("ik werk als monteur bij een installatiebedrijf", "werkende", "installatie"),
    ],
)
def test_sector_fits_the_rol(text, rol, sector):
    assert _facts(text, rol).get("sector") == sector


def test_at_most_one_of_each():
    facts = own_facts(
        "ik ben lasser en monteur, heb ww en wajong",
        _entities("ik ben lasser en monteur, heb ww en wajong"),
        "werkende",
        True,
    )
    assert [e["entity"] for e in facts].count("sector") <= 1
    assert [e["entity"] for e in facts].count("uitkering") <= 1
