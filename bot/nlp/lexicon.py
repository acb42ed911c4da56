"""Dictionary of how people name benefits, sectors, needs and schemes, mapped to contract values.

Stdlib only: used by the spaCy pipeline builder (entity-ruler patterns) and by the Rasa
gazetteer component. Values are exactly the slot values in docs/contracts.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Dict, List, Optional, Tuple

from knowledge.places import normalise

# entity → canonical value → phrases (written as users type them; matched after normalise()).
# Only phrases that mean this value in (almost) every sentence belong here; DIET learns the rest.
LEXICON: Dict[str, Dict[str, Tuple[str, ...]]] = {
    "uitkering": {
        "ww": (
            "ww", "w w", "ww uitkering", "wwuitkering", "ww-uitkering", "werkloosheidsuitkering",
            "werkloosheidswet", "werkloosheids uitkering", "werkloos uitkering", "w.w.",
            "werkeloosheidsuitkering", "ww'er", "in de ww", "wwer",
        ),
        "wia": (
            "wia", "wga", "iva", "wia uitkering", "wga uitkering", "wao", "wia-uitkering",
            "arbeidsongeschiktheidsuitkering", "arbeidsongeschiktheids uitkering",
            "arbeidsongeschikt verklaard", "gedeeltelijk arbeidsongeschikt",
            "volledig arbeidsongeschikt",
        ),
        "wajong": ("wajong", "wajonger", "wajong uitkering", "wajong-uitkering", "wa jong"),
        "bijstand": (
            "bijstand", "bijstandsuitkering", "bijstands uitkering", "bijstandsuitkeering",
            "aanvullende bijstand", "participatiewet", "participatiewet uitkering",
            "uitkering van de gemeente", "uitkering via de gemeente", "bijstandsgerechtigd",
            "bijstandsgerechtigde", "in de bijstand", "bijstands",
        ),
        "geen": (
            "geen uitkering", "geen ww", "geen bijstand", "geen wia", "geen wajong",
            "zonder uitkering", "niet in de ww", "niet in de bijstand", "geen enkele uitkering",
            "krijg geen uitkering", "heb geen uitkering", "geen recht op ww",
            "geen recht op een uitkering", "geen recht op uitkering",
        ),
    },
    "sector": {
        "zorg": (
            "zorg", "de zorg", "zorgsector", "gezondheidszorg", "ouderenzorg", "thuiszorg",
            "gehandicaptenzorg", "ggz", "jeugdzorg", "verpleegkundige", "verpleegkundigen",
            "verpleging", "verzorgende", "verzorgenden", "verzorgende ig", "ziekenhuis",
            "verpleeghuis", "zorginstelling", "zorgmedewerker", "zorgmedewerkers",
            "verpleger", "verpleegster", "ziekenverzorgende", "helpende zorg", "zorgorganisatie",
            "zorgverlener", "zorgaanbieder", "wijkverpleging", "zorgcentrum", "zorgbedrijf",
        ),
        "techniek": (
            "techniek", "technische sector", "technisch werk", "technicus", "technici",
            "monteur", "monteurs", "werktuigbouw", "elektrotechniek", "mechatronica",
            "procestechniek", "procesoperator", "operator", "technisch bedrijf", "storingsmonteur",
            "servicemonteur", "onderhoudsmonteur", "technische dienst",
        ),
        "bouw": (
            "bouw", "de bouw", "bouwsector", "bouwvakker", "bouwvakkers", "bouwbedrijf",
            "timmerman", "timmerlieden", "metselaar", "metselaars", "stukadoor", "aannemer",
            "aannemersbedrijf", "bouwplaats", "steigerbouwer", "tegelzetter", "dakdekker",
            "bouwkundige", "infra", "grond weg en waterbouw", "gww",
        ),
        "horeca": (
            "horeca", "horecasector", "restaurant", "restaurants", "kok", "koks", "café", "cafe",
            "hotel", "hotels", "catering", "bediening", "barmedewerker", "afwasser",
            "horecabedrijf", "keukenhulp", "zelfstandig werkend kok", "snackbar", "lunchroom",
        ),
        "transport_logistiek": (
            "transport", "logistiek", "transport en logistiek", "logistieke sector",
            "vrachtwagenchauffeur", "vrachtwagenchauffeurs", "chauffeur", "chauffeurs",
            "buschauffeur", "magazijn", "magazijnmedewerker", "magazijnmedewerkers",
            "orderpicker", "orderpickers", "heftruckchauffeur", "distributiecentrum",
            "koerier", "pakketbezorger", "bezorger", "transportbedrijf", "expediteur",
            "vervoer", "openbaar vervoer", "logistiek medewerker", "heftruck", "wegtransport",
        ),
        "ict": (
            "ict", "it", "ict sector", "it sector", "ict'er", "icter", "programmeur",
            "programmeurs", "software", "softwareontwikkelaar", "developer", "developers",
            "webdeveloper", "systeembeheerder", "netwerkbeheerder", "helpdeskmedewerker",
            "data analist", "cybersecurity", "ict bedrijf", "it bedrijf", "softwarebedrijf",
            "programmeren", "automatisering",
        ),
        "onderwijs": (
            "onderwijs", "het onderwijs", "leraar", "leraren", "lerares", "docent", "docenten",
            "juf", "meester", "onderwijsassistent", "basisschool", "middelbare school",
            "leerkracht", "leerkrachten", "lesgeven", "mbo docent", "onderwijssector",
            "zij instromer", "zij-instromer", "pabo",
        ),
        "detailhandel": (
            "detailhandel", "retail", "winkel", "winkels", "supermarkt", "supermarkten",
            "kassa", "caissiere", "caissière", "verkoopmedewerker", "verkoopster", "verkoper",
            "winkelmedewerker", "vakkenvuller", "filiaal", "winkelketen", "bakkerij",
        ),
        "schoonmaak": (
            "schoonmaak", "schoonmaker", "schoonmakers", "schoonmaakster", "schoonmaakbedrijf",
            "schoonmaakwerk", "schoonmaakbranche", "glazenwasser", "schoonmaken",
            "huishoudelijke hulp", "facilitair", "schoonmaaksector",
        ),
        "metaal": (
            "metaal", "metaalsector", "metaalbewerking", "metaalbewerker", "metaalbedrijf",
            "metaalindustrie", "metalektro", "lasser", "lassers", "lassen", "cnc",
            "cnc operator", "constructiebankwerker", "plaatwerker", "draaier", "frezer",
            "staalbouw", "bankwerker",
        ),
        "installatie": (
            "installatie", "installatietechniek", "installatiebranche", "installateur",
            "installateurs", "installatiebedrijf", "loodgieter", "elektricien", "elektriciens",
            "cv monteur", "cv-monteur", "warmtepomp", "warmtepompen", "zonnepanelen",
            "monteur elektro", "elektromonteur", "koeltechniek", "airco monteur",
        ),
        "kinderopvang": (
            "kinderopvang", "kinderdagverblijf", "kdv", "bso", "buitenschoolse opvang",
            "pedagogisch medewerker", "pedagogisch medewerkers", "pm'er", "gastouder",
            "peuteropvang", "creche", "crèche",
        ),
        "overheid": (
            "overheid", "de overheid", "rijksoverheid", "ambtenaar", "ambtenaren", "ministerie",
            "werk bij de gemeente", "werkzaam bij de gemeente", "gemeenteambtenaar", "provincie", "waterschap", "defensie",
            "publieke sector", "overheidsinstantie", "belastingdienst",
        ),
        "landbouw": (
            "landbouw", "agrarisch", "agrarische sector", "tuinbouw", "glastuinbouw", "kas",
            "kassen", "boerderij", "veehouderij", "akkerbouw", "boer", "boeren", "melkveehouder",
            "fruitteelt", "bollenteelt", "hovenier", "groenvoorziening", "agrariër", "agrarier",
            "loonwerk", "loonwerker", "bloemenkwekerij", "kwekerij",
        ),
        "zakelijke_dienstverlening": (
            "zakelijke dienstverlening", "dienstverlening", "administratie", "administratief",
            "administratief medewerker", "boekhouding", "boekhouder", "accountant",
            "accountancy", "adviesbureau", "consultancy", "callcenter", "klantenservice",
            "kantoorwerk", "secretaresse", "office manager", "receptie",
            "receptioniste", "marketing", "financiele dienstverlening", "verzekeraar",
            "juridisch", "advocatenkantoor", "notariaat", "personeelszaken",
        ),
        "uitzend": (
            "uitzend", "uitzendbureau", "uitzendbureaus", "uitzendkracht", "uitzendkrachten",
            "uitzendwerk", "uitzendbranche", "via een uitzendbureau", "via het uitzendbureau",
            "uitzendsector", "uitzendcontract", "uitzendbaan", "detacheerder", "detachering",
            "uitzendorganisatie", "payroll",
        ),
    },
    "behoefte": {
        "scholing": (
            "scholing", "omscholen", "omscholing", "omgeschoold", "om te scholen", "bijscholen",
            "bijscholing", "opleiding", "opleiding volgen", "cursus", "cursussen", "studeren",
            "diploma halen", "certificaat halen", "laten omscholen", "mbo diploma",
            "een vak leren", "leren", "scholingsbudget", "studie", "training", "opleiden",
            "ontwikkelen", "mezelf ontwikkelen", "bijleren",
        ),
        "ander_werk": (
            "ander werk", "andere baan", "ander beroep", "ander vak", "switchen", "overstappen",
            "carriere switch", "carriereswitch", "overstap", "iets anders", "van baan wisselen",
            "van baan veranderen", "ander soort werk", "nieuwe richting", "andere sector",
        ),
        "werk_vinden": (
            "werk vinden", "werk zoeken", "baan zoeken", "baan vinden", "op zoek naar werk",
            "zoek werk", "zoek een baan", "zoek een nieuwe baan", "aan het werk", "aan de slag",
            "weer aan het werk", "solliciteren", "sollicitatie", "een baan",
            "nieuwe baan", "betaald werk", "werk", "werkloos", "baan",
        ),
        "ontslag_dreigt": (
            "ontslag", "ontslagen", "ontslag dreigt", "boventallig", "reorganisatie",
            "reorganiseren", "failliet", "faillissement", "contract wordt niet verlengd",
            "contract loopt af", "baan kwijt", "baan verliezen", "mijn baan verliezen",
            "word ontslagen", "gaat sluiten", "sluit de deuren", "reorganiseert",
            "vaststellingsovereenkomst", "transitievergoeding", "krimp", "gedwongen ontslag",
        ),
        "personeel_vinden": (
            "personeel", "personeel zoeken", "personeel vinden", "medewerkers zoeken",
            "mensen zoeken", "mensen nodig", "vacature", "vacatures vervullen",
            "nieuwe medewerkers", "werkzoekenden sturen", "kandidaten", "personeelstekort",
            "mensen aannemen", "iemand aannemen", "krapte", "arbeidskrachten",
            "nieuwe collega's", "vacature invullen", "openstaande vacatures",
        ),
        "loonkostensubsidie": (
            "loonkostensubsidie", "loon kosten subsidie", "lks", "loonwaarde", "loonwaardemeting",
            "loonwaardebepaling", "subsidie op het loon", "loonsubsidie",
        ),
        "praktijkleren": (
            "praktijkleren", "bbl", "leerwerkplek", "leerwerkplekken", "leerbaan", "werkend leren",
            "leren en werken", "leerwerktraject", "stageplek", "stageplaats", "leerling",
            "praktijkverklaring", "derde leerweg", "bpv",
        ),
        "hulp_schulden_zorg": (
            "schulden", "schuld", "schuldhulp", "schuldhulpverlening", "geldzorgen",
            "psychische klachten", "burn out", "burnout", "depressie", "verslaving",
            "huisuitzetting", "uitzetting", "deurwaarder", "betalingsachterstand",
            "huurachterstand", "overspannen",
        ),
        "aanpassing_werkplek": (
            "aanpassing werkplek", "werkplek aanpassen", "aangepaste werkplek", "werkplekaanpassing",
            "hulpmiddel", "hulpmiddelen", "aangepaste stoel", "werkvoorziening",
            "werkvoorzieningen", "aanpassingen op het werk", "aangepast werk", "jobcoach",
            "aanpassing van de werkplek",
        ),
        "inkomen": (
            "inkomen", "geld", "rondkomen", "niet rondkomen", "te weinig geld", "inkomsten",
            "uitkering aanvragen", "geen inkomen", "financiele steun", "inkomensondersteuning",
            "loon", "salaris",
        ),
    },
    "regeling": {
        "stap-budget": ("stap", "stap budget", "stapbudget", "stap-budget", "stap subsidie"),
        "slim-regeling": ("slim", "slim regeling", "slim-regeling", "slimregeling", "slim subsidie"),
        "slim-scholingssubsidie": ("slim scholingssubsidie", "slim-scholingssubsidie"),
        "levenlanglerenkrediet": (
            "levenlanglerenkrediet", "levenlang leren krediet", "leven lang leren krediet",
            "llo krediet", "levenlang leren", "leven lang leren",
        ),
        "ontwikkeladvies": ("ontwikkeladvies", "ontwikkel advies", "loopbaanadvies"),
        "praktijkleren": ("subsidie praktijkleren", "subsidieregeling praktijkleren"),
        "praktijkleren-derde-leerweg": ("praktijkleren derde leerweg", "derde leerweg"),
        "leerwerkloket": ("leerwerkloket", "leerwerkloketten", "leer werk loket"),
        "werkcentrum": ("werkcentrum", "werkcentra", "werk centrum"),
        "regionaal-mobiliteitsteam": (
            "regionaal mobiliteitsteam", "mobiliteitsteam", "rmt", "regionale mobiliteitsteams",
        ),
        "loonkostensubsidie": ("loonkostensubsidie",),
        "loondispensatie": ("loondispensatie", "loon dispensatie"),
        "no-riskpolis": ("no-riskpolis", "no risk polis", "noriskpolis", "no-risk polis", "no risk"),
        "proefplaatsing": ("proefplaatsing", "proef plaatsing", "proefplaatsen"),
        "jobcoach": ("jobcoach", "job coach", "jobcoaching"),
        "werkvoorzieningen": ("werkvoorzieningen", "werkvoorziening"),
        "lkv-arbeidsgehandicapte-werknemer": (
            "lkv arbeidsgehandicapte werknemer", "loonkostenvoordeel arbeidsgehandicapte werknemer",
        ),
        "lkv-banenafspraak": ("lkv banenafspraak", "loonkostenvoordeel banenafspraak"),
        "lkv-herplaatsen": ("lkv herplaatsen", "loonkostenvoordeel herplaatsen"),
        "lkv-oudere-werknemer": (
            "lkv oudere werknemer", "loonkostenvoordeel oudere werknemer", "lkv ouderen",
        ),
        "lage-inkomensvoordeel": ("lage inkomensvoordeel", "lage-inkomensvoordeel", "liv"),
        "doelgroepregister-banenafspraak": (
            "doelgroepregister", "doelgroepregister banenafspraak", "banenafspraak",
        ),
        "beschut-werk": ("beschut werk", "beschutte werkplek", "beschut"),
        "scholing-tijdens-ww": ("scholing tijdens ww", "scholing in de ww", "scholingsvoucher"),
        "ips": ("ips", "individuele plaatsing en steun"),
        "werkfit": ("werkfit", "werkfit maken", "werk fit"),
        "van-werk-naar-werk": ("van werk naar werk", "van-werk-naar-werk", "vwnw", "werk naar werk"),
        "transitievergoeding-scholing": (
            "transitievergoeding voor scholing", "transitievergoeding scholing",
        ),
    },
}

# Regeling names that are also ordinary words ("de volgende stap", "slim"): only trusted in a
# span DIET already marked as a regeling, never from a free-text dictionary scan.
AMBIGUOUS_REGELING = {"stap", "slim", "beschut", "no risk", "levenlang leren", "leven lang leren"}


@dataclass(frozen=True)
class LexiconMatch:
    """One dictionary hit: entity type, canonical value, character span."""

    entity: str
    value: str
    start: int
    end: int
    surface: str


_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


@lru_cache(maxsize=1)
def _phrase_index() -> Dict[Tuple[str, ...], List[Tuple[str, str]]]:
    """Normalised token tuple → [(entity, value)] for all lexicon phrases."""
    index: Dict[Tuple[str, ...], List[Tuple[str, str]]] = {}
    for entity, values in LEXICON.items():
        for value, phrases in values.items():
            for phrase in phrases:
                key = tuple(normalise(phrase).split())
                if key and (entity, value) not in index.setdefault(key, []):
                    index[key].append((entity, value))
    return index


def phrases(entity: str) -> Dict[str, str]:
    """Flat phrase → value map for one entity (for entity-ruler patterns and synonyms)."""
    return {p: v for v, ps in LEXICON[entity].items() for p in ps}


def find_terms(text: str, entities: Optional[Tuple[str, ...]] = None) -> List[LexiconMatch]:
    """All lexicon hits in text, longest match first per entity type, no overlap within a type."""
    tokens = [(m.start(), m.end(), normalise(m.group(0))) for m in _TOKEN_RE.finditer(text)]
    tokens = [t for t in tokens if t[2]]
    index = _phrase_index()
    max_len = max(len(k) for k in index)
    out: List[LexiconMatch] = []
    taken: Dict[str, List[Tuple[int, int]]] = {}
    for i in range(len(tokens)):
        for n in range(min(max_len, len(tokens) - i), 0, -1):
            key = tuple(t[2] for t in tokens[i : i + n])
            # a phrase may cover several normalised tokens ("ww-uitkering" → "ww uitkering")
            flat = tuple(" ".join(key).split())
            hits = index.get(flat)
            if not hits:
                continue
            start, end = tokens[i][0], tokens[i + n - 1][1]
            for entity, value in hits:
                if entities is not None and entity not in entities:
                    continue
                spans = taken.setdefault(entity, [])
                if any(s < end and start < e for s, e in spans):
                    continue
                spans.append((start, end))
                out.append(LexiconMatch(entity, value, start, end, text[start:end]))
    return sorted(out, key=lambda m: (m.start, m.entity))


def canonical(entity: str, surface: str) -> Optional[str]:
    """Canonical value for an extracted span, if the span is (or contains exactly one) known phrase."""
    if surface in LEXICON.get(entity, {}):
        return surface
    values = {m.value for m in find_terms(surface, (entity,))}
    return values.pop() if len(values) == 1 else None


VALUES: Dict[str, Tuple[str, ...]] = {entity: tuple(vals) for entity, vals in LEXICON.items()}
