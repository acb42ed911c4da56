"""Tests for the lexicon and the GazetteerEntityExtractor's canonicalisation (Rasa venv)."""

from __future__ import annotations

from typing import Any, Dict, List, Set, Tuple

import pytest

from bot.nlp import lexicon


def canonical_entities(text: str, entities: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Import Rasa lazily: its import-time deprecation warnings are ignored only in tests."""
    from bot.nlp.gazetteer_extractor import canonical_entities as impl

    return impl(text, entities)


SECTORS = {
    "zorg",
    "techniek",
    "bouw",
    "horeca",
    "transport_logistiek",
    "ict",
    "onderwijs",
    "detailhandel",
    "schoonmaak",
    "metaal",
    "installatie",
    "kinderopvang",
    "overheid",
    "landbouw",
    "zakelijke_dienstverlening",
    "uitzend",
}
BEHOEFTEN = {
    "scholing",
    "ander_werk",
    "werk_vinden",
    "ontslag_dreigt",
    "personeel_vinden",
    "loonkostensubsidie",
    "praktijkleren",
    "hulp_schulden_zorg",
    "aanpassing_werkplek",
    "inkomen",
}


def _values(ents: List[Dict[str, Any]]) -> Set[Tuple[str, str]]:
    return {(e["entity"], e["value"]) for e in ents}


def test_lexicon_values_are_contract_values() -> None:
    assert set(lexicon.LEXICON["uitkering"]) == {"ww", "wia", "wajong", "bijstand", "geen"}
    assert set(lexicon.LEXICON["sector"]) == SECTORS
    assert set(lexicon.LEXICON["behoefte"]) == BEHOEFTEN


def test_regeling_values_are_knowledge_base_slugs() -> None:
    from pathlib import Path

    kb = Path(__file__).resolve().parents[3] / "knowledge" / "regelingen"
    slugs = {p.stem for p in kb.glob("*.yml")}
    if len(slugs) < 20:
        pytest.skip("knowledge base not complete yet")
    assert set(lexicon.LEXICON["regeling"]) <= slugs


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ik zit sinds maart in de ww, woon in Almere en wil me laten omscholen tot verpleegkundige",
            {("uitkering", "ww"), ("gemeente", "Almere"), ("sector", "zorg")},
        ),
        ("ik werk 12 uur en heb aanvullende bijstand", {("uitkering", "bijstand")}),
        ("ik heb geen uitkering", {("uitkering", "geen")}),
        ("ik heb een ww-uitkering en woon in Den Bosch", {("uitkering", "ww"), ("gemeente", "'s-Hertogenbosch")}),
        ("werkloos in sudwest fryslan", {("gemeente", "Súdwest-Fryslân")}),
        ("ik ben cv-monteur", {("sector", "installatie")}),
        ("ik woon in Bergen", set()),  # ambiguous: the dialogue asks
        ("ik doe mijn best", set()),
    ],
)
def test_dictionary_entities(text: str, expected: Set[Tuple[str, str]]) -> None:
    assert _values(canonical_entities(text, [])) == expected


def test_diet_entities_are_canonicalised_or_dropped() -> None:
    text = "ik woon in den bosch en wil omscholen"
    diet = [
        {"entity": "gemeente", "value": "den bosch", "start": 11, "end": 20, "extractor": "DIETClassifier"},
        {"entity": "behoefte", "value": "omscholen", "start": 28, "end": 37, "extractor": "DIETClassifier"},
        {"entity": "sector", "value": "iets raars", "start": 0, "end": 2, "extractor": "DIETClassifier"},
    ]
    got = _values(canonical_entities(text, diet))
    assert got == {("gemeente", "'s-Hertogenbosch"), ("behoefte", "scholing")}


def test_diet_gemeente_typo_is_resolved_without_cue() -> None:
    text = "rotterdm"
    diet = [{"entity": "gemeente", "value": "rotterdm", "start": 0, "end": 8}]
    assert _values(canonical_entities(text, diet)) == {("gemeente", "Rotterdam")}


def test_diet_gemeente_typo_inside_a_sentence_is_not_a_place() -> None:
    text = "ik ben bang om ontslagen te worden"
    diet = [{"entity": "gemeente", "value": "worden", "start": 28, "end": 34}]
    assert _values(canonical_entities(text, diet)) == set()


def test_jobcoach_conflict_between_behoefte_and_regeling() -> None:
    text = "hoe krijg ik een jobcoach"
    diet = [{"entity": "regeling", "value": "aanpassing_werkplek", "start": 17, "end": 25}]
    assert _values(canonical_entities(text, diet)) == {("regeling", "jobcoach")}


def test_ruler_patterns_have_canonical_ids() -> None:
    import spacy

    from bot.nlp.build_spacy_model import ruler_patterns

    patterns = ruler_patterns(spacy.blank("nl"))
    gemeente_ids = {p["id"] for p in patterns if p["label"] == "gemeente"}
    assert "'s-Hertogenbosch" in gemeente_ids and "Bergen (L.)|Bergen (NH.)" in gemeente_ids
    assert {p["id"] for p in patterns if p["label"] == "sector"} == SECTORS
    # words that need context are not ruler patterns
    assert not any(p["pattern"] == [{"LOWER": "best"}] for p in patterns)


@pytest.mark.parametrize(
    ("text", "fact_only"),
    [
        ("Zoetermeer", True),
        ("nee, ik woon in Lelystad", True),
        ("nee, niet Almere maar Lelystad", True),
        ("ik heb geen uitkering", True),  # the lexicon phrase "heb geen uitkering" covers it
        ("ik zit in de ww sinds maart", True),
        ("ww", True),
        ("ik zoek personeel", False),
        ("ik heb een schoonmaakbedrijf in Tilburg", False),
        ("ik heb grote schulden", False),
        ("hallo", False),
    ],
)
def test_fact_only(text: str, fact_only: bool) -> None:
    from bot.nlp.gazetteer_extractor import is_fact_only

    entities = canonical_entities(text, [])
    if text == "ik zoek personeel":
        entities = [{"entity": "behoefte", "value": "personeel_vinden", "start": 8, "end": 17}]
    if text == "ik heb grote schulden":
        entities = [{"entity": "behoefte", "value": "hulp_schulden_zorg", "start": 13, "end": 21}]
    assert is_fact_only(text, entities) is fact_only
