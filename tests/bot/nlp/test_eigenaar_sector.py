"""bot.nlp.eigenaar, sector rules added in session 5: compounds (bot/lexicons/sector_stam.yml),
hospitals and other workplaces by name, and the ownership rules for uitzend and leaving a trade."""

from __future__ import annotations

import pytest

from bot.nlp import eigenaar, lexicon
from bot.nlp.eigenaar import compound_entities, compound_sector, own_facts


def _facts(text: str, rol=None) -> dict:
    entities = [
        {"entity": m.entity, "value": m.value, "start": m.start, "end": m.end}
        for m in lexicon.find_terms(text, ("uitkering", "sector"))
    ]
    return {e["entity"]: e["value"] for e in own_facts(text, entities, rol, True)}


@pytest.mark.parametrize(
    ("eerste", "achter", "expected"),
    [
        ("metaalbewerkings", "bedrijf", ("metaal", "overal")),  # linking "s"
        ("staalconstructie", "bedrijf", ("metaal", "overal")),  # ends in a stem
        ("scheepsbouw", "bedrijf", ("metaal", "overal")),  # the longest stem wins over "bouw"
        ("it", "bedrijfje", ("ict", "overal")),
        ("shoarma", "zaak", ("horeca", "plek")),  # a shop: only in a sentence about working there
        ("huisartsen", "post", ("zorg", "plek")),
        ("uien", "oogst", ("landbouw", "overal")),  # any crop
        ("tomaten", "kas", ("landbouw", "overal")),
        ("spaar", "kas", None),  # money, not a greenhouse
        ("speelgoed", "winkel", ("detailhandel", "plek")),
        ("kringloop", "winkel", None),  # `geen`: placements from every trade
        ("sw", "bedrijf", None),
        ("meubel", "fabriek", None),  # makes what shops sell
        ("prijs", "bureau", None),  # "ijs" only as the whole first part
        ("energie", "bedrijf", None),
    ],
)
def test_compound_sector(eerste, achter, expected):
    assert compound_sector(eerste, achter) == expected


def test_every_stem_file_key_is_a_sector_or_geen():
    keys = set(lexicon.read_lexicon_file("sector_stam"))
    assert keys <= set(lexicon.VALUES["sector"]) | {"geen"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("wij hebben een metaalbewerkingsbedrijf", [("metaal", "metaalbewerkingsbedrijf")]),
        ("ik neem een IT-bedrijfje over", [("ict", "IT-bedrijfje")]),
        ("ik heb shoarma zaak in amersfoort", [("horeca", "shoarma zaak")]),  # typed as two words
        ("ik wil werken bij de kinder opvang", [("kinderopvang", "kinder opvang")]),
        ("wij zoeken plaatwerkers", [("metaal", "plaatwerkers")]),  # plural of a lexicon job title
        ("ik rij al 18 jaar bus", [("transport_logistiek", "bus")]),
        ("ik werk bij een kringloopwinkel", []),
    ],
)
def test_compound_entities(text, expected):
    assert [(e["value"], text[e["start"] : e["end"]]) for e in compound_entities(text)] == expected


@pytest.mark.parametrize(
    ("text", "rol", "sector"),
    [
        # compounds the lexicon does not list
        ("door minder orders moeten wij bij ons metaalbewerkingsbedrijf mensen laten gaan", "werkgever", "metaal"),
        ("zoek voor augustus 3 man voor de uienoogst", "werkgever", "landbouw"),
        ("ik heb al 30 jaar een bloemenzaak en zoek iemand", "werkgever", "detailhandel"),
        ("werk bij een huisartsenpost in leidsche rijn", "werkende", "zorg"),
        ("ik moest vannacht naar de huisartsenpost", "werkende", None),  # a patient
        ("ik heb een eigen bloemenwinkeltje zonder personeel", "werkende", "detailhandel"),
        # the company beats the job title, and the first place named counts
        (
            "wij zijn een installatiebedrijf en krijgen de vacatures voor monteur niet gevuld",
            "werkgever",
            "installatie",
        ),
        (
            "ik werk nu in een fietsenwinkel maar ik wil eigenlijk iets met mijn handen in de techniek",
            "werkende",
            "detailhandel",
        ),
        ("ik werk in de keuken van een verpleeghuis", "werkende", "zorg"),
        ("ik werk in de schoonmaak van het ziekenhuis", "werkende", "schoonmaak"),
        # hospitals by name: a workplace only in a sentence about working there
        ("ik werk nu in het azM in maastricht", "werkende", "zorg"),
        ("ik lig in het azM", "werkende", None),
        # a job title or "als gemeente" makes the gemeente a workplace
        ("ik werk al 28 jaar als administratief medewerker bij een gemeente", "werkende", "overheid"),
        ("als hr-adviseur bij de gemeente sittard-geleen zijn wij bezig met de banenafspraak", "werkgever", "overheid"),
        ("als gemeente willen wij het goede voorbeeld geven", "werkgever", "overheid"),
        ("is er vanuit de gemeente steun voor?", "werkgever", None),
        # without a rol, only a workplace plainly one's own
        ("in mijn fysiotherapiepraktijk zoek ik een receptioniste", None, "zorg"),
        ("mijn fysiotherapiepraktijk zegt dat ik moet rusten", None, None),
        # temps and agencies as a channel, not as the sector
        (
            "als teamleider in ons dc zie ik dat we afhankelijk zijn van uitzendkrachten",
            "werkgever",
            "transport_logistiek",
        ),
        ("wij hebben er 4 via detachering bij ons op de vloer", "werkgever", None),
        ("wij als uitzendbureau krijgen kandidaten met wia", "werkgever", "uitzend"),
        ("moet ik me nog inschrijven bij uitzendbureaus?", "werkzoekende", None),
        # a werkzoekende who stopped their business leaves the trade
        ("gestopt met mijn varkensbedrijf door de stikstofregels, kan ik nog aan de slag?", "werkzoekende", None),
        # "geen opdrachten meer" is work that stopped, not a wish to leave the trade
        ("ik ben zzp'er als webdeveloper maar er komt geen opdracht meer binnen", "werkzoekende", "ict"),
        ("ik wil niet meer in de bouw werken", "werkzoekende", None),
        # a wish reaches further, within its clause
        ("ik was kok en wil over een paar jaar in de techniek", "werkzoekende", "techniek"),
        ("ik zoek zittend werk maar heb alleen ervaring in de horeca", "werkzoekende", "horeca"),
        # the pakketbezorger's onderaannemer names no sector
        ("ik bezorg pakketten voor een onderaannemer", "werkende", "transport_logistiek"),
    ],
)
def test_sector_rules(text, rol, sector):
    assert _facts(text, rol).get("sector") == sector


def test_stems_are_normalised_without_spaces():
    assert all(" " not in stem for stem in eigenaar._stammen())


@pytest.mark.parametrize(
    ("text", "rol", "expected"),
    [
        # learning at a school is no work in the onderwijs
        ("Ik ben alleenstaande moeder en heb bijstand. Ik wil een mbo-opleiding gaan doen.", "werkzoekende", None),
        ("Mijn zoon van 19 zit thuis sinds hij van school is. Hoe kan hij aan werk komen?", "werkzoekende", None),
        ("Nu zijn de kinderen naar de middelbare school en ik wil ook werken.", "werkzoekende", None),
        # "hoe bouw ik dat op" builds up a sick worker's hours; the sector is the koffiebar's
        ("Mijn medewerker komt terug na ziekte. Hoe bouw ik dat op? Koffiebar in Leiden.", "werkgever", "horeca"),
    ],
)
def test_no_sector_from_study_or_a_verb(text, rol, expected):
    assert _facts(text, rol).get("sector") == expected
