"""The arrangeur rule table: every rol x uitkering, text signals (ownership, negation), and the data file."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from bridge.knowledge.arrangeur import bepaal_arrangeur, lees_signalen
from bridge.knowledge.arrangeur_regels import RULES_FILE, ArrangeurDataError, get_arrangeur_data, load_arrangeur_data
from bridge.knowledge.loader import KnowledgeBase, load_knowledge_base
from bridge.knowledge.models import Arrangeur, Rol, Uitkering

A = Arrangeur
R = Rol
U = Uitkering


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    return load_knowledge_base()


# (rol, uitkering) -> (expected arrangeur, expected ontbreekt) with gemeente "Almere" given.
TABLE: dict[tuple[Rol | None, Uitkering | None], tuple[Arrangeur | None, list[str]]] = {
    (R.werkende, U.ww): (A.uwv, []),
    (R.werkende, U.wia): (A.uwv, []),
    (R.werkende, U.wajong): (A.uwv, []),
    (R.werkende, U.bijstand): (A.gemeente, []),  # aanvullende bijstand next to a job
    (R.werkende, U.geen): (A.sociale_partners, []),
    # Issue 17: a werkende whose uitkering is unknown gets a provisional answer and the question.
    (R.werkende, None): (A.sociale_partners, ["uitkering"]),
    (R.werkzoekende, U.ww): (A.uwv, []),
    (R.werkzoekende, U.wia): (A.uwv, []),
    (R.werkzoekende, U.wajong): (A.uwv, []),
    (R.werkzoekende, U.bijstand): (A.gemeente, []),
    (R.werkzoekende, U.geen): (A.gemeente, []),  # niet-uitkeringsgerechtigde
    (R.werkzoekende, None): (None, ["uitkering"]),
    (R.werkgever, U.ww): (A.werkgeversservicepunt, []),
    (R.werkgever, U.wia): (A.werkgeversservicepunt, []),
    (R.werkgever, U.wajong): (A.werkgeversservicepunt, []),
    (R.werkgever, U.bijstand): (A.werkgeversservicepunt, []),
    (R.werkgever, U.geen): (A.werkgeversservicepunt, []),
    (R.werkgever, None): (A.werkgeversservicepunt, []),
    (None, U.ww): (A.uwv, []),
    (None, U.wia): (A.uwv, []),
    (None, U.wajong): (A.uwv, []),
    (None, U.bijstand): (A.gemeente, []),
    (None, U.geen): (None, ["rol"]),
    (None, None): (None, ["rol"]),
}


def test_table_covers_every_combination() -> None:
    assert set(TABLE) == {(r, u) for r in [*Rol, None] for u in [*Uitkering, None]}


@pytest.mark.parametrize(("rol", "uitkering"), list(TABLE))
def test_rules_table(kb: KnowledgeBase, rol: Rol | None, uitkering: Uitkering | None) -> None:
    arrangeur, ontbreekt = TABLE[(rol, uitkering)]
    besluit = bepaal_arrangeur(kb, rol=rol, uitkering=uitkering, gemeente="Almere")
    assert besluit.arrangeur == arrangeur
    assert besluit.ontbreekt == ontbreekt
    assert len(besluit.ontbreekt) <= 1  # at most one question
    assert besluit.uitleg and " u" in f" {besluit.uitleg}"  # Dutch, addressing the user with "u"
    if arrangeur is None:
        assert besluit.loket is None
        assert besluit.uitleg.rstrip().endswith("?")
    else:
        assert besluit.loket is not None
    assert besluit.voorlopig is bool(arrangeur and ontbreekt)


@pytest.mark.parametrize(
    ("kwargs", "arrangeur", "ontbreekt"),
    [
        ({"tekst": "Ik zit in de Ziektewet en mijn contract is afgelopen"}, A.uwv, []),
        ({"rol": R.werkzoekende, "tekst": "ik heb een ziektewetuitkering, ziektewet"}, A.uwv, []),
        (
            {"rol": R.werkende, "tekst": "ik ben ziek maar nog in dienst, ziektewet via mijn werkgever"},
            A.sociale_partners,
            [],
        ),
        ({"tekst": "ik krijg ziektewet"}, None, ["rol"]),
        ({"tekst": "Ik ben zzp'er en heb geen uitkering"}, A.sociale_partners, []),
        ({"tekst": "ik ben zzp'er"}, A.sociale_partners, ["uitkering"]),  # issue 17: provisional
        ({"tekst": "Als zelfstandige vraag ik Bbz aan"}, A.gemeente, []),
        ({"rol": R.werkende, "uitkering": U.geen, "tekst": "ik heb Bbz"}, A.gemeente, []),
        ({"tekst": "Ik werk 20 uur en krijg aanvullende bijstand"}, A.gemeente, []),
        ({"rol": R.werkende, "uitkering": U.geen, "tekst": "ik heb aanvullende bijstand"}, A.gemeente, []),
        ({"tekst": "ik zit in de WW"}, A.uwv, []),
        ({"tekst": "Ik ben werkgever en zoek personeel"}, A.werkgeversservicepunt, []),
    ],
)
def test_text_signals(
    kb: KnowledgeBase, kwargs: dict[str, object], arrangeur: Arrangeur | None, ontbreekt: list[str]
) -> None:
    besluit = bepaal_arrangeur(kb, gemeente="Almere", **kwargs)  # type: ignore[arg-type]
    assert (besluit.arrangeur, besluit.ontbreekt) == (arrangeur, ontbreekt), besluit.uitleg


def test_explanations_say_why(kb: KnowledgeBase) -> None:
    assert bepaal_arrangeur(kb, uitkering=U.ww).uitleg == "Omdat u een WW-uitkering heeft, helpt UWV u verder."
    assert "werkgever" in bepaal_arrangeur(kb, rol=R.werkgever, gemeente="Almere").uitleg


def test_signals_do_not_fire_on_unrelated_text() -> None:
    s = lees_signalen("Ik wil graag een opleiding volgen in de zorg")
    assert s.rol is None and not s.uitkeringen and not s.signalen and not s.geen_uitkering


@pytest.mark.parametrize(
    ("tekst", "rol"),
    [
        # "werkgever" on its own says nothing; whose it is does.
        ("mijn werkgever wil me ontslaan", R.werkende),
        ("ik zoek een nieuwe werkgever", R.werkzoekende),
        ("ik heb geen werkgever meer", R.werkzoekende),
        ("ik ben zelf werkgever van vier mensen", R.werkgever),
        ("wij zoeken personeel", R.werkgever),
        ("onze medewerker is ziek", R.werkgever),
        ("ons bedrijf heeft een vacature", R.werkgever),
        ("ik zoek werk als medewerker in een magazijn", R.werkzoekende),
        # "zelfstandig" is not "zelfstandige".
        ("ik kan niet zelfstandig werken", None),
        ("ik woon sinds kort zelfstandig", None),
        ("ik werk als zelfstandige in de zorg", R.werkende),
        # Losing a job makes a werkzoekende; a threat does not.
        ("ik ben ontslagen", R.werkzoekende),
        ("mijn contract is afgelopen", R.werkzoekende),
        ("ik word misschien ontslagen", R.werkende),
        ("ik ben bang dat ik ontslagen word, ik werk in de bouw", R.werkende),
    ],
)
def test_rol_from_text_knows_whose_it_is(tekst: str, rol: Rol | None) -> None:
    assert lees_signalen(tekst).rol is rol


@pytest.mark.parametrize(
    ("tekst", "uitkeringen"),
    [
        ("ik zit in de WW", {"ww"}),
        ("ik heb geen WW meer", set()),
        ("mijn WW is afgelopen", set()),
        ("ik krijg IOAW nadat mijn WW stopte", {"ioaw"}),
        ("ik ben afgewezen voor de Wajong", set()),
        ("straks zit ik in de ww", set()),
        ("Ik werk nog. Straks misschien WW, nu heb ik WIA", {"wia"}),
        ("Geen bijstand. Wel WW.", {"ww"}),  # a negation stops at the end of its sentence
        ("ik heb huurtoeslag en zorgtoeslag", set()),
        ("ik krijg een toeslag van het uwv", {"toeslagenwet"}),
        ("ik heb wajong 2010, de werkregeling", {"wajong", "wajong_2010"}),
    ],
)
def test_current_benefits_from_text(tekst: str, uitkeringen: set[str]) -> None:
    assert lees_signalen(tekst).uitkeringen == uitkeringen


def test_the_rule_data_loads_and_every_source_is_primary() -> None:
    data = get_arrangeur_data()
    primary = {
        "wetten.overheid.nl",
        "zoek.officielebekendmakingen.nl",
        "www.rijksoverheid.nl",
        "www.uwv.nl",
        "www.svb.nl",
        "www.eindhoven.nl",
    }  # eindhoven.nl: the gemeente's own IOAZ page (the executing body)
    assert {urlparse(url).hostname for url in data.bronnen.values()} <= primary
    assert all(regel.bronnen for regel in data.regels)
    assert "kamerbrief" in data.bronnen


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["regels"][0].update(bronnen=["blog"]), "onbekende bron 'blog'"),
        (lambda d: d["regels"][0].update(arrangeur=None), "moet een vraag hebben"),
        (lambda d: d["regels"].append(dict(d["regels"][0], id="na_de_vangregel")), "moet altijd passen"),
        (lambda d: d["uitkeringen"]["ww"].update(patronen=["(ww"]), "regular expression"),
        (lambda d: d["regels"][1]["als"].update(uitkering=["wwb"]), "onbekende uitkering 'wwb'"),
    ],
)
def test_bad_rule_data_is_refused_with_the_field(tmp_path: Path, change, message: str) -> None:  # type: ignore[no-untyped-def]
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "arrangeur_regels.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ArrangeurDataError, match=message):
        load_arrangeur_data(path)


def test_decision_names_its_rule_and_sources(kb: KnowledgeBase) -> None:
    besluit = bepaal_arrangeur(kb, rol=R.werkzoekende, uitkering=U.geen, tekst="ik heb IOW", gemeente="Almere")
    assert (besluit.arrangeur, besluit.regel) == (A.uwv, "iow")
    assert besluit.bronnen and all(url.startswith("https://") for url in besluit.bronnen)


def test_loket_for_employer_in_almere(kb: KnowledgeBase) -> None:
    loket = bepaal_arrangeur(kb, rol=R.werkgever, gemeente="Almere").loket
    assert loket is not None
    assert loket["organisatie"] == "Werkgeversservicepunt Flevoland"
    assert loket["arbeidsmarktregio_code"] == "AM11"
    assert loket["bron"]


@pytest.mark.parametrize(
    ("gemeente", "organisatie"),
    [("Den Haag", "Gemeente 's-Gravenhage"), ("Sneek", "Gemeente Súdwest-Fryslân"), ("Almere", "Gemeente Almere")],
)
def test_loket_for_gemeente_uses_canonical_name(kb: KnowledgeBase, gemeente: str, organisatie: str) -> None:
    loket = bepaal_arrangeur(kb, rol=R.werkzoekende, uitkering=U.bijstand, gemeente=gemeente).loket
    assert loket is not None and loket["organisatie"] == organisatie


def test_missing_or_unknown_gemeente_asks_for_it(kb: KnowledgeBase) -> None:
    for gemeente in (None, "Nergenshuizen-aan-Zee"):
        besluit = bepaal_arrangeur(kb, rol=R.werkende, uitkering=U.geen, gemeente=gemeente)
        assert besluit.arrangeur is A.sociale_partners
        assert besluit.ontbreekt == ["gemeente"]
        assert besluit.loket is None


def test_uwv_needs_no_gemeente(kb: KnowledgeBase) -> None:
    besluit = bepaal_arrangeur(kb, uitkering=U.wia)
    assert besluit.ontbreekt == []
    assert besluit.loket is not None and besluit.loket["organisatie"] == "UWV"
