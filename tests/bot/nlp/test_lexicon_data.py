"""Tests for the lexicon data in bot/lexicons/*.yml and its loader in bot/nlp/lexicon.py (Rasa venv)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path
from typing import Dict, Set, Tuple

import pytest
import yaml

from bot.nlp import lexicon
from knowledge.places import normalise

ROOT = Path(__file__).resolve().parents[3]
# The entities the GazetteerEntityExtractor scans free text for (its default config).
SCANNED = ("uitkering", "sector")


def _contract_values(slot: str) -> Set[str]:
    """The values docs/contracts.md lists for a slot (its table row: `| `slot` | `a` \\| `b` |`)."""
    text = (ROOT / "docs" / "contracts.md").read_text(encoding="utf-8")
    row = re.search(rf"^\| `{slot}` \|(.*)\|\s*$", text, re.MULTILINE)
    assert row, f"no row for {slot} in docs/contracts.md"
    return set(re.findall(r"`([^`]+)`", row.group(1))) - {"null"}


@pytest.mark.parametrize("entity", ["uitkering", "sector", "behoefte"])
def test_values_are_contract_values(entity: str) -> None:
    assert set(lexicon.LEXICON[entity]) == _contract_values(entity)


def test_regeling_values_are_knowledge_base_slugs() -> None:
    slugs = {p.stem for p in (ROOT / "knowledge" / "regelingen").glob("*.yml")}
    assert set(lexicon.LEXICON["regeling"]) <= slugs


@pytest.mark.parametrize("entity", lexicon.ENTITIES)
def test_no_phrase_means_two_values(entity: str) -> None:
    values_of: Dict[Tuple[str, ...], Set[str]] = defaultdict(set)
    for value, phrases in lexicon.LEXICON[entity].items():
        for phrase in phrases:
            values_of[tuple(normalise(phrase).split())].add(value)
    clashes = {" ".join(k): sorted(v) for k, v in values_of.items() if len(v) > 1}
    assert clashes == {}


@pytest.mark.parametrize("entity", lexicon.ENTITIES)
def test_files_are_clean(entity: str) -> None:
    """A header comment, no value twice (YAML would keep only the last), no phrase twice."""
    path = lexicon.LEXICON_DIR / f"{entity}.yml"
    text = path.read_text(encoding="utf-8")
    assert text.startswith("#"), f"{path} needs a header comment"
    keys = [k.value for k, _ in yaml.compose(text).value]
    assert len(keys) == len(set(keys))
    for value, phrases in lexicon.LEXICON[entity].items():
        assert len(phrases) == len(set(phrases)), value
        assert all(normalise(p) for p in phrases), value  # a phrase of punctuation never matches


@pytest.mark.parametrize("entity", lexicon.ENTITIES)
def test_loader_returns_what_the_yaml_says(entity: str) -> None:
    path = lexicon.LEXICON_DIR / f"{entity}.yml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert {v: tuple(ps) for v, ps in raw.items()} == lexicon.LEXICON[entity]
    assert list(raw) == list(lexicon.LEXICON[entity])  # file order kept
    assert lexicon.VALUES[entity] == tuple(raw)
    assert lexicon.phrases(entity) == {p: v for v, ps in raw.items() for p in ps}


def _write(directory: Path, files: Dict[str, str]) -> None:
    for entity in lexicon.ENTITIES:
        (directory / f"{entity}.yml").write_text(files.get(entity, "# test\nx:\n  - iets\n"), encoding="utf-8")


def test_loader_reads_a_directory(tmp_path: Path) -> None:
    _write(tmp_path, {"sector": "# sector\nzorg:\n  - in de zorg\n  - verpleegkundige\nbouw:\n  - bouwvakker\n"})
    loaded = lexicon.load_lexicon(tmp_path)
    assert list(loaded) == list(lexicon.ENTITIES)
    assert loaded["sector"] == {"zorg": ("in de zorg", "verpleegkundige"), "bouw": ("bouwvakker",)}


@pytest.mark.parametrize(
    "body",
    [
        "zorg:\n  - no\n",  # unquoted "no" is a boolean in YAML
        "zorg:\n  - 2015\n",
        "zorg: verpleegkundige\n",
        "zorg: []\n",
        "- zorg\n",
        "",
    ],
)
def test_loader_refuses_what_is_not_a_phrase_list(tmp_path: Path, body: str) -> None:
    _write(tmp_path, {"sector": body})
    with pytest.raises(ValueError, match="sector.yml"):
        lexicon.load_lexicon(tmp_path)


def test_broad_enough() -> None:
    assert sum(len(p) for p in lexicon.LEXICON["sector"].values()) >= 600
    assert sum(len(p) for p in lexicon.LEXICON["uitkering"].values()) >= 120


def test_ambiguous_regeling_names_are_regeling_phrases() -> None:
    assert lexicon.AMBIGUOUS_REGELING <= set(lexicon.phrases("regeling"))


def test_canonical() -> None:
    assert lexicon.canonical("sector", "Albert Heijn") == "detailhandel"
    assert lexicon.canonical("sector", "zorg") == "zorg"  # already a value
    assert lexicon.canonical("uitkering", "IOAW-uitkering") == "bijstand"
    assert lexicon.canonical("sector", "Albert Heijn en PostNL") is None  # two values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # nothing: the person's own children, debts, chores, places, ordinary words
        ("ik breng mijn kinderen naar de opvang", set()),
        ("mijn zoon gaat naar de bso", set()),
        ("ik heb geen kinderopvang voor mijn dochter", set()),
        ("ik heb een schuld bij de belastingdienst", set()),
        ("ik doe de administratie thuis", set()),
        ("ik moet mijn boekhouding nog doen", set()),
        ("ik woon in de Randstad", set()),
        ("ik woon in de provincie Groningen", set()),
        ("de overheid doet niks voor mij", set()),
        ("ik zorg voor mijn zieke moeder", set()),
        ("mijn grootste zorg is geld", set()),
        ("ik lag drie weken in het ziekenhuis", set()),
        ("mijn moeder krijgt thuiszorg", set()),
        ("ik ben in behandeling bij de ggz", set()),
        ("mijn psycholoog zegt dat ik rust moet nemen", set()),
        ("een boa gaf me een boete", set()),
        ("de juf van mijn dochter belde", set()),
        ("ik heb alleen de middelbare school afgemaakt", set()),
        ("ik heb een mbo diploma", set()),
        ("er zit geen geld meer in de kas", set()),
        ("ik heb ups en downs", set()),
        ("ik heb geen vervoer naar mijn werk", set()),
        ("door automatisering verdwijnt mijn baan", set()),
        ("ik heb de klantenservice gebeld", set()),
        ("ik heb een afspraak bij het UWV", set()),
        ("ik ben werkloos", set()),
        ("ik doe mijn best", set()),
        # sector: employers and job titles
        ("ik werk bij de Albert Heijn als vakkenvuller", {("sector", "detailhandel")}),
        ("ik sta achter de kassa bij de Lidl", {("sector", "detailhandel")}),
        ("ik werk bij de Action", {("sector", "detailhandel")}),
        ("ik werk bij de Plus in Zwolle", {("sector", "detailhandel")}),
        ("ik ben verkoopster bij de Zeeman", {("sector", "detailhandel")}),
        ("ik ben pakketbezorger bij PostNL", {("sector", "transport_logistiek")}),
        ("ik werk als orderpicker bij bol.com", {("sector", "transport_logistiek")}),
        ("ik ben bezorger bij Thuisbezorgd", {("sector", "transport_logistiek")}),
        ("ik ben pizzabezorger", {("sector", "horeca")}),
        ("ik rij reachtruck in een distributiecentrum", {("sector", "transport_logistiek")}),
        ("ik ben taxichauffeur", {("sector", "transport_logistiek")}),
        ("ik ben verzorgende IG", {("sector", "zorg")}),
        ("ik werk in de thuiszorg als huishoudelijke hulp", {("sector", "zorg")}),
        ("ik werk bij Buurtzorg", {("sector", "zorg")}),
        ("ik ben begeleider in de gehandicaptenzorg", {("sector", "zorg")}),
        ("ik ben tandartsassistente", {("sector", "zorg")}),
        ("ik werk als fysiotherapeut", {("sector", "zorg")}),
        ("ik wil de zorg in", {("sector", "zorg")}),
        ("ik werk bij Rijkswaterstaat", {("sector", "overheid")}),
        ("ik werk bij de gemeente Utrecht", {("sector", "overheid")}),
        ("ik werk bij het UWV", {("sector", "overheid")}),
        ("ik werk bij de belastingdienst", {("sector", "overheid")}),
        ("ik ben boa", {("sector", "overheid")}),
        ("ik werk op een champignonkwekerij", {("sector", "landbouw")}),
        ("ik werk in een kas in het Westland", {("sector", "landbouw")}),
        ("ik ben loonwerker", {("sector", "landbouw")}),
        ("ik ben webdesigner", {("sector", "ict")}),
        ("ik wil in de IT werken", {("sector", "ict")}),
        ("ik ben applicatiebeheerder", {("sector", "ict")}),
        ("ik werk in een snackbar", {("sector", "horeca")}),
        ("ik ben afwasser in een restaurant", {("sector", "horeca")}),
        ("ik werk bij Tempo-Team", {("sector", "uitzend")}),
        ("ik werk via Randstad in een magazijn", {("sector", "uitzend"), ("sector", "transport_logistiek")}),
        ("ik ben pedagogisch medewerker op een BSO", {("sector", "kinderopvang")}),
        ("ik werk op een kinderdagverblijf", {("sector", "kinderopvang")}),
        ("ik ben juf op een basisschool", {("sector", "onderwijs")}),
        ("ik ben docent op een roc", {("sector", "onderwijs")}),
        ("ik ben cnc programmeur", {("sector", "metaal")}),
        ("ik werk als lasser bij een metaalbedrijf", {("sector", "metaal")}),
        ("ik ben cv-monteur", {("sector", "installatie")}),
        ("ik ben zzp'er in de bouw", {("sector", "bouw")}),
        ("ik ben schoonmaker in een ziekenhuis", {("sector", "schoonmaak")}),
        ("ik ben beveiliger", set()),  # private security: no contract sector fits (sector.yml header)
        # uitkering: informal names, old laws, negations
        ("ik zit in de bijstand", {("uitkering", "bijstand")}),
        ("ik krijg een uitkering van de sociale dienst", {("uitkering", "bijstand")}),
        ("ik heb een Participatiewet-uitkering", {("uitkering", "bijstand")}),
        ("ik heb een IOAW uitkering", {("uitkering", "bijstand")}),
        ("ik krijg IOAZ", {("uitkering", "bijstand")}),
        ("ik heb een WW-uitkering van het UWV", {("uitkering", "ww")}),
        ("na de ww kreeg ik de IOW", {("uitkering", "ww")}),
        ("ik zit in de WGA", {("uitkering", "wia")}),
        ("ik heb nog een WAO uitkering", {("uitkering", "wia")}),
        ("ik krijg een arbeidsongeschiktheidsuitkering", {("uitkering", "wia")}),
        ("ik heb de oude wajong", {("uitkering", "wajong")}),
        ("ik zit in de wajong 2015", {("uitkering", "wajong")}),
        ("ik ben een wajongere", {("uitkering", "wajong")}),
        ("ik heb geen uitkering", {("uitkering", "geen")}),
        ("ik heb geen recht meer op ww", {("uitkering", "geen")}),
        ("ik heb geen inkomen", {("uitkering", "geen")}),
        ("mijn partner verdient te veel", {("uitkering", "geen")}),
        ("door het inkomen van mijn man geen bijstand", {("uitkering", "geen")}),
        ("ik ben nug'er", {("uitkering", "geen")}),
        # both
        ("ik zit in de bijstand en zoek werk in de zorg", {("uitkering", "bijstand"), ("sector", "zorg")}),
        ("ik heb ww en was magazijnmedewerker", {("uitkering", "ww"), ("sector", "transport_logistiek")}),
    ],
)
def test_find_terms_in_sentences(text: str, expected: Set[Tuple[str, str]]) -> None:
    assert {(m.entity, m.value) for m in lexicon.find_terms(text, SCANNED)} == expected


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        ("ik wil me laten omscholen", "behoefte", {"scholing"}),
        ("ik zoek een opleidng", "behoefte", {"scholing"}),
        ("mijn contract wordt niet verlengd", "behoefte", {"ontslag_dreigt"}),
        ("ik kan niet rondkomen", "behoefte", {"inkomen"}),
        ("ik ben krap bij kas", "behoefte", {"inkomen"}),
        ("we hebben handen tekort", "behoefte", {"personeel_vinden"}),
        ("ik heb een huurachterstand", "behoefte", {"hulp_schulden_zorg"}),
        ("wat is het STAP-budget", "regeling", {"stap-budget"}),
        ("kan ik een no-riskpolis krijgen", "regeling", {"no-riskpolis"}),
        ("ik wil een loonkostesubsidie aanvragen", "regeling", {"loonkostensubsidie"}),
        ("ik sta in het doelgroepregister", "regeling", {"doelgroepregister-banenafspraak"}),
        ("kan ik scholing tijdens de ww krijgen", "regeling", {"scholing-tijdens-ww"}),
        ("hoe zit het met de lkv ouderen", "regeling", {"lkv-oudere-werknemer"}),
    ],
)
def test_find_terms_behoefte_and_regeling(text: str, entity: str, expected: Set[str]) -> None:
    assert {m.value for m in lexicon.find_terms(text, (entity,))} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # employers by their informal names, and the delivery staff they pay themselves
        ("ik werk bij de appie", {"detailhandel"}),
        ("ik ben bezorger bij albert heijn", {"detailhandel"}),
        ("ik werk bij de mac", {"horeca"}),
        ("ik ben pm-er bij partou", {"kinderopvang"}),
        ("ik werk in het erasmus mc", {"zorg"}),
        ("ik ben evv'er", {"zorg"}),
        ("ik ben qa engineer", {"ict"}),  # bare "engineer" is techniek
        ("ik ben monteur staalconstructie", {"metaal"}),  # bare "monteur" is techniek
        ("ik ben servicemonteur cv", {"installatie"}),
        ("ik werk in de bollen", {"landbouw"}),
        ("ik ben intercedent", {"uitzend"}),
        ("ik ben objectleider", {"schoonmaak"}),
        ("ik werk bij de rabobank", {"zakelijke_dienstverlening"}),
        ("ik werk bij handhaving", {"overheid"}),
        ("ik ben asbestsaneerder", {"bouw"}),
        ("ik werk op een vmbo", {"onderwijs"}),
        ("ik ben orderpikker", {"transport_logistiek"}),
        ("ik werk bij het leger des heils", {"zorg"}),
        # the same organisations as a customer, patient, client or creditor: nothing
        ("ik heb een schuld bij wehkamp", set()),
        ("de deurwaarder kwam langs", set()),
        ("mijn rekening staat bij de rabobank", set()),
        ("ik lig in het erasmus mc", set()),
        ("mijn dochter gaat naar partou", set()),
        ("ik zit bij het leger des heils", set()),
        ("mijn advocaat zegt dat ik recht heb", set()),
        ("ik heb internet van kpn", set()),
    ],
)
def test_sector_employers_and_job_titles(text: str, expected: Set[str]) -> None:
    assert {m.value for m in lexicon.find_terms(text, ("sector",))} == expected
