"""The arrangeur rules table: every rol x uitkering, plus Ziektewet, zzp, Bbz and aanvullende bijstand."""

from __future__ import annotations

import pytest

from bridge.knowledge.arrangeur import bepaal_arrangeur, lees_signalen
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
    (R.werkende, None): (None, ["uitkering"]),
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


@pytest.mark.parametrize(
    ("kwargs", "arrangeur", "ontbreekt"),
    [
        ({"tekst": "Ik zit in de Ziektewet en mijn contract is afgelopen"}, A.uwv, []),
        ({"rol": R.werkzoekende, "tekst": "ik heb een ziektewetuitkering, ziektewet"}, A.uwv, []),
        ({"rol": R.werkende, "tekst": "ik ben ziek maar nog in dienst, ziektewet via mijn werkgever"}, A.sociale_partners, []),
        ({"tekst": "ik krijg ziektewet"}, None, ["rol"]),
        ({"tekst": "Ik ben zzp'er en heb geen uitkering"}, A.sociale_partners, []),
        ({"tekst": "ik ben zzp'er"}, None, ["uitkering"]),
        ({"tekst": "Als zelfstandige vraag ik Bbz aan"}, A.gemeente, []),
        ({"rol": R.werkende, "uitkering": U.geen, "tekst": "ik heb Bbz"}, A.gemeente, []),
        ({"tekst": "Ik werk 20 uur en krijg aanvullende bijstand"}, A.gemeente, []),
        ({"rol": R.werkende, "uitkering": U.geen, "tekst": "ik heb aanvullende bijstand"}, A.gemeente, []),
        ({"tekst": "ik zit in de WW"}, A.uwv, []),
        ({"tekst": "Ik ben werkgever en zoek personeel"}, A.werkgeversservicepunt, []),
    ],
)
def test_text_signals(kb: KnowledgeBase, kwargs: dict[str, object], arrangeur: Arrangeur | None, ontbreekt: list[str]) -> None:
    besluit = bepaal_arrangeur(kb, gemeente="Almere", **kwargs)  # type: ignore[arg-type]
    assert (besluit.arrangeur, besluit.ontbreekt) == (arrangeur, ontbreekt), besluit.uitleg


def test_explanations_say_why(kb: KnowledgeBase) -> None:
    assert bepaal_arrangeur(kb, uitkering=U.ww).uitleg == "Omdat u een WW-uitkering heeft, helpt UWV u verder."
    assert "werkgever" in bepaal_arrangeur(kb, rol=R.werkgever, gemeente="Almere").uitleg


def test_signals_do_not_fire_on_unrelated_text() -> None:
    s = lees_signalen("Ik wil graag een opleiding volgen in de zorg")
    assert not (s.ziektewet or s.zzp or s.bbz or s.aanvullende_bijstand)
    assert s.uitkering is None


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
