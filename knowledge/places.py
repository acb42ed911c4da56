"""Gazetteer of Dutch gemeenten and woonplaatsen: resolve what a user types to official CBS gemeenten.

Stdlib only (runs on Python 3.10 and 3.11); uses rapidfuzz for typo matching when it can be
imported and falls back to difflib otherwise. Data: ``gemeenten-arbeidsmarktregio.csv`` and
``woonplaatsen-gemeente.csv`` next to this module (provenance in ``README-places.md``).
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence, Set, Tuple

try:  # optional speed-up; the module must work without it
    from rapidfuzz import fuzz as _rf_fuzz
    from rapidfuzz import process as _rf_process
except ImportError:  # pragma: no cover - exercised by test via monkeypatch
    _rf_fuzz = None  # type: ignore[assignment]
    _rf_process = None  # type: ignore[assignment]

DATA_DIR = Path(__file__).resolve().parent
GEMEENTEN_CSV = DATA_DIR / "gemeenten-arbeidsmarktregio.csv"
WOONPLAATSEN_CSV = DATA_DIR / "woonplaatsen-gemeente.csv"
FREQUENT_WORDS_TXT = DATA_DIR / "nl-frequente-woorden.txt"


@dataclass(frozen=True)
class Gemeente:
    """A municipality as CBS names it, with its arbeidsmarktregio."""

    naam: str
    code: str
    arbeidsmarktregio: str
    arbeidsmarktregio_code: str


@dataclass(frozen=True)
class PlaceMatch:
    """A place mention in a message: character span, surface text and candidate gemeenten."""

    start: int
    end: int
    surface: str
    candidates: List[Gemeente] = field(default_factory=list)
    fuzzy: bool = False
    cue: int = 0  # location cue right before it: 0 none, 1 preposition, 2 residence ("ik woon in")

    @property
    def gemeente(self) -> Optional[Gemeente]:
        """The gemeente if the mention is unambiguous, else None."""
        return self.candidates[0] if len(self.candidates) == 1 else None


# Colloquial names, exonyms and abbreviations that are not in the CBS/BAG data.
# Keys are written as users type them; values are official CBS gemeente names.
ALIASES: Dict[str, Tuple[str, ...]] = {
    "Den Haag": ("'s-Gravenhage",),
    "Scheveningen": ("'s-Gravenhage",),
    "Loosduinen": ("'s-Gravenhage",),
    "Ypenburg": ("'s-Gravenhage",),
    "Den Bosch": ("'s-Hertogenbosch",),
    "Dordt": ("Dordrecht",),
    "Hoogvliet": ("Rotterdam",),
    "Pernis": ("Rotterdam",),
    "Hertogenbosch": ("'s-Hertogenbosch",),
    "Bossche": ("'s-Hertogenbosch",),
    "Ljouwert": ("Leeuwarden",),
    "Snits": ("Súdwest-Fryslân",),
    "SWF": ("Súdwest-Fryslân",),
    "Zuidwest Friesland": ("Súdwest-Fryslân",),
    "Noordoost Friesland": ("Noardeast-Fryslân",),
    "Noord Oost Polder": ("Noordoostpolder",),
    "NOP": ("Noordoostpolder",),
    "Nuenen": ("Nuenen, Gerwen en Nederwetten",),
    "Bergen Noord-Holland": ("Bergen (NH.)",),
    "Bergen NH": ("Bergen (NH.)",),
    "Bergen Limburg": ("Bergen (L.)",),
    "Bergen L": ("Bergen (L.)",),
    "Hengelo Overijssel": ("Hengelo (O.)",),
    "Hengelo Gelderland": ("Bronckhorst",),
    "Beek Limburg": ("Beek (L.)",),
    "Laren Noord-Holland": ("Laren (NH.)",),
    "Rijswijk Zuid-Holland": ("Rijswijk (ZH.)",),
    "Middelburg Zeeland": ("Middelburg (Z.)",),
    "Stein Limburg": ("Stein (L.)",),
    "Bijlmer": ("Amsterdam",),
    "Bijlmermeer": ("Amsterdam",),
    "Amsterdam Zuidoost": ("Amsterdam",),
    "Amsterdam Noord": ("Amsterdam",),
    "Amsterdam West": ("Amsterdam",),
    "Amsterdam Oost": ("Amsterdam",),
    "Amsterdam Nieuw-West": ("Amsterdam",),
    "Rotterdam Zuid": ("Rotterdam",),
    "Rotterdam Noord": ("Rotterdam",),
    "Rotterdam West": ("Rotterdam",),
    "Rotterdam Oost": ("Rotterdam",),
    "Utrecht Overvecht": ("Utrecht",),
    "Leidsche Rijn": ("Utrecht",),
    "Vathorst": ("Amersfoort",),
    "Almere Buiten": ("Almere",),
    "Almere Haven": ("Almere",),
    "Almere Stad": ("Almere",),
    "Almere Poort": ("Almere",),
    "Zaandam": ("Zaanstad",),
    "Heerhugowaard": ("Dijk en Waard",),
    "Langedijk": ("Dijk en Waard",),
    "Hellevoetsluis": ("Voorne aan Zee",),
    "Brielle": ("Voorne aan Zee",),
    "Westvoorne": ("Voorne aan Zee",),
    "Spijkenisse": ("Nissewaard",),
    "Sittard": ("Sittard-Geleen",),
    "Geleen": ("Sittard-Geleen",),
    "Veghel": ("Meierijstad",),
    "Uden": ("Maashorst",),
    "Cuijk": ("Land van Cuijk",),
    "Boxmeer": ("Land van Cuijk",),
    "Goeree": ("Goeree-Overflakkee",),
    "Flakkee": ("Goeree-Overflakkee",),
    "Gorkum": ("Gorinchem",),
    "Den Briel": ("Voorne aan Zee",),
    "Schiphol": ("Haarlemmermeer",),
    "Hoofddorp": ("Haarlemmermeer",),
    "Volendam": ("Edam-Volendam",),
    "Voorburg": ("Leidschendam-Voorburg",),
    "Leidschendam": ("Leidschendam-Voorburg",),
    "Pijnacker": ("Pijnacker-Nootdorp",),
    "Etten Leur": ("Etten-Leur",),
    "Ettenleur": ("Etten-Leur",),
    # Nicknames and the big cities' wijken people name instead of their city
    "Mokum": ("Amsterdam",),
    "Osdorp": ("Amsterdam",),
    "Slotervaart": ("Amsterdam",),
    "Geuzenveld": ("Amsterdam",),
    "Bos en Lommer": ("Amsterdam",),
    "De Pijp": ("Amsterdam",),
    "Jordaan": ("Amsterdam",),
    "Watergraafsmeer": ("Amsterdam",),
    "Buitenveldert": ("Amsterdam",),
    "Amsterdam Zuid": ("Amsterdam",),
    "Amsterdam Centrum": ("Amsterdam",),
    "Charlois": ("Rotterdam",),
    "Feijenoord": ("Rotterdam",),
    "Delfshaven": ("Rotterdam",),
    "Kralingen": ("Rotterdam",),
    "Crooswijk": ("Rotterdam",),
    "Ommoord": ("Rotterdam",),
    "Prins Alexander": ("Rotterdam",),
    "IJsselmonde": ("Rotterdam",),
    "Overschie": ("Rotterdam",),
    "Hillegersberg": ("Rotterdam",),
    "Lombardijen": ("Rotterdam",),
    "Zuidwijk": ("Rotterdam",),
    "Tarwewijk": ("Rotterdam",),
    "Rotterdam Centrum": ("Rotterdam",),
    "Schilderswijk": ("'s-Gravenhage",),
    "Transvaal": ("'s-Gravenhage",),
    "Moerwijk": ("'s-Gravenhage",),
    "Escamp": ("'s-Gravenhage",),
    "Mariahoeve": ("'s-Gravenhage",),
    "Bouwlust": ("'s-Gravenhage",),
    "Duindorp": ("'s-Gravenhage",),
    "Segbroek": ("'s-Gravenhage",),
    "Laak Den Haag": ("'s-Gravenhage",),
    "Overvecht": ("Utrecht",),
    "Kanaleneiland": ("Utrecht",),
    "Lombok Utrecht": ("Utrecht",),
    "Zuilen": ("Utrecht",),
    "Hoograven": ("Utrecht",),
    "Ondiep": ("Utrecht",),
    "Woensel": ("Eindhoven",),
    "Strijp": ("Eindhoven",),
    "Blerick": ("Venlo",),
    "Beijum": ("Groningen",),
    "Lewenborg": ("Groningen",),
    "Vinkhuizen": ("Groningen",),
    "Paddepoel": ("Groningen",),
    "Selwerd": ("Groningen",),
    "Presikhaaf": ("Arnhem",),
    "Malburgen": ("Arnhem",),
    "Dukenburg": ("Nijmegen",),
    "Lindenholt": ("Nijmegen",),
    "Reeshof": ("Tilburg",),
    "Haagse Beemden": ("Breda",),
    "Stadshagen": ("Zwolle",),
    "Hoensbroek": ("Heerlen",),
}

# Woonplaats/gemeente names that are ordinary words: accepted only after a location cue
# ("in Best", "uit Hoorn", "gemeente Putten").
CONTEXT_WORDS: Set[str] = {
    "achtmaal",
    "amen",
    "ane",
    "axel",
    "baak",
    "baard",
    "baars",
    "balk",
    "bant",
    "beek",
    "best",
    "beugen",
    "blije",
    "blokker",
    "boer",
    "born",
    "broek",
    "broekland",
    "buren",
    "dalem",
    "dalen",
    "deelen",
    "deil",
    "dijken",
    "donderen",
    "doorn",
    "dorst",
    "ede",
    "elim",
    "elp",
    "elst",
    "ens",
    "enter",
    "epe",
    "erica",
    "erm",
    "est",
    "etten",
    "gauw",
    "gieten",
    "glimmen",
    "goes",
    "graft",
    "grave",
    "groet",
    "gulpen",
    "halle",
    "hall",
    "hank",
    "haps",
    "heide",
    "hemmen",
    "hoek",
    "horn",
    "horst",
    "houten",
    "huizen",
    "hulst",
    "ingen",
    "joppe",
    "kaag",
    "kampen",
    "kats",
    "klimmen",
    "laren",
    "leek",
    "lent",
    "leunen",
    "leur",
    "lieren",
    "lies",
    "linde",
    "linden",
    "made",
    "mill",
    "monster",
    "nes",
    "nuis",
    "oss",
    "overslag",
    "putten",
    "reek",
    "rekken",
    "rien",
    "rijen",
    "rijs",
    "roden",
    "schijf",
    "sloten",
    "sluis",
    "spier",
    "spijk",
    "spui",
    "tegelen",
    "tuil",
    "tuk",
    "veen",
    "velp",
    "veulen",
    "vijlen",
    "vries",
    "vuren",
    "waal",
    "wedde",
    "well",
    "wier",
    "winde",
    "wouw",
    "zegge",
    "zandberg",
    "stuifzand",
    "westhoek",
    "wetering",
    "wateren",
    "watergang",
    "noordeinde",
    "sleen",
    "goor",
    "lisse",
    "weert",
    "hee",
    "rha",
    "eys",
    "yde",
    "ie",
    "ee",
    "ees",
    "gees",
    "haren",
    "oranje",
    "halfweg",
    "handel",
    "loo",
    "erp",
    "ell",
    "dieren",
    "anderen",
    "leiden",
}

# Names so common in ordinary sentences ("in heel Nederland", "bij hem", "in een winkel")
# that only an explicit residence cue counts ("ik woon in Heel", "gemeente Echt").
STRONG_CONTEXT_WORDS: Set[str] = {
    "een",
    "hem",
    "heel",
    "neer",
    "loon",
    "winkel",
    "zetten",
    "echt",
    "noorden",
    "waarde",
    "hoeven",
    "werkendam",
    "oosterend",
    "middelaar",
    "wapenveld",
    "hoogland",
}

# Hamlets named like a country or province: "in Nederland" / "in Zeeland" never means them.
NEVER_WORDS: Set[str] = {"nederland", "zeeland"}

# Location cues before a place name: weak ones (prepositions) and strong ones (residence).
_WEAK_CUES = {
    "in",
    "uit",
    "te",
    "bij",
    "naar",
    "rond",
    "rondom",
    "nabij",
    "omgeving",
    "buurt",
    "regio",
    "richting",
    "vanuit",
    "om",
}
_STRONG_CUES = {
    "woon",
    "woont",
    "wonen",
    "woonachtig",
    "wonend",
    "woonplaats",
    "gemeente",
    "gem",
    "gemeentes",
    "verhuisd",
    "verhuis",
    "kom",
    "kwam",
    "woonde",
    "postcode",
    "plaats",
    "dorp",
    "stad",
}
_ARTICLES = {"de", "het", "die", "deze", "onze", "jullie", "uw", "mijn", "jouw", "welke", "elke", "andere"}
_FUNCTION_WORDS = {
    "de",
    "het",
    "gemeente",
    "in",
    "te",
    "nu",
    "al",
    "sinds",
    "jaren",
    "hier",
    "daar",
    "ook",
    "tegenwoordig",
    "op",
    "van",
    "dorp",
    "stad",
    "buurt",
    "omgeving",
    "regio",
    "ik",
    "we",
    "wij",
    "zelf",
}

_SUFFIX_RE = re.compile(r"\s*(\((?:l|nh|o|z|zh|gld|gn|nb|ac)\.?\)|\b(?:l|nh|gld|gn|nb|ac|ca|gem\s+\w+)\.?)$")
_TOKEN_RE = re.compile(r"['’`]?[^\W_]+(?:[-'’][^\W_]+)*", re.UNICODE)
_MAX_NGRAM = 5
_FUZZY_CUTOFF = 87.0
_FUZZY_MIN_LEN = 5


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation, unify common abbreviations."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"\ba\s*/\s*d\b", " aan de ", text)  # "Alphen a/d Rijn"
    text = re.sub(r"['’`]", "", text)
    text = re.sub(r"[^0-9a-z]+", " ", text)
    text = re.sub(r"\baan den\b", "aan de", text)
    text = re.sub(r"^(st|sint)\b", "sint", text.strip())
    return re.sub(r"\s+", " ", text).strip()


def _strip_suffix(name: str) -> str:
    """Drop BAG/CBS disambiguation suffixes: "Bergen (NH.)" → "bergen", "Hengelo (Gld)" → "hengelo"."""
    return _SUFFIX_RE.sub("", name.strip().lower()).strip()


@lru_cache(maxsize=1)
def gemeenten() -> List[Gemeente]:
    """All 342 gemeenten (CBS 2026) with their arbeidsmarktregio, read once."""
    with GEMEENTEN_CSV.open(encoding="utf-8", newline="") as fh:
        return [
            Gemeente(
                naam=row["gemeente"],
                code=row["gemeentecode"],
                arbeidsmarktregio=row["arbeidsmarktregio"],
                arbeidsmarktregio_code=row["arbeidsmarktregiocode"],
            )
            for row in csv.DictReader(fh)
        ]


@lru_cache(maxsize=1)
def _by_name() -> Dict[str, Gemeente]:
    return {g.naam: g for g in gemeenten()}


@lru_cache(maxsize=1)
def _by_code() -> Dict[str, Gemeente]:
    return {g.code: g for g in gemeenten()}


def gemeente_by_name(naam: str) -> Optional[Gemeente]:
    """The gemeente with exactly this official CBS name, or None."""
    return _by_name().get(naam)


@lru_cache(maxsize=1)
def woonplaatsen() -> List[Tuple[str, str]]:
    """All (woonplaats, gemeentecode) rows of the CBS woonplaatsen table."""
    with WOONPLAATSEN_CSV.open(encoding="utf-8", newline="") as fh:
        return [(row["woonplaats"], row["gemeentecode"]) for row in csv.DictReader(fh)]


def _name_keys(name: str) -> Set[str]:
    """Normalised lookup keys for one official name (with and without suffix, "'s-" prefix)."""
    keys = {normalise(name), normalise(_strip_suffix(name))}
    for key in list(keys):
        if key.startswith("s "):  # "'s-Gravenhage" is also typed "Gravenhage"
            keys.add(key[2:])
        if " " in key or "-" in name:
            keys.add(key.replace(" ", ""))  # "noordoost polder" vs "sudwestfryslan"
    return {k for k in keys if k}


@lru_cache(maxsize=1)
def _index() -> Tuple[Dict[str, Tuple[str, ...]], ...]:
    """Tiered key → gemeente codes: (gemeente names + aliases, woonplaatsen)."""
    tier1: Dict[str, Set[str]] = {}
    tier2: Dict[str, Set[str]] = {}
    by_name = _by_name()
    for g in gemeenten():
        for key in _name_keys(g.naam):
            tier1.setdefault(key, set()).add(g.code)
    for alias, names in ALIASES.items():
        for key in _name_keys(alias):
            tier1.setdefault(key, set()).update(by_name[n].code for n in names)
    for wp, code in woonplaatsen():
        for key in _name_keys(wp):
            tier2.setdefault(key, set()).add(code)
    frozen1 = {k: tuple(sorted(v)) for k, v in tier1.items()}
    frozen2 = {k: tuple(sorted(v)) for k, v in tier2.items() if k not in frozen1}
    return frozen1, frozen2


def _lookup_exact(key: str) -> Optional[Tuple[str, ...]]:
    for tier in _index():
        if key in tier:
            return tier[key]
    return None


def _to_gemeenten(codes: Iterable[str]) -> List[Gemeente]:
    by_code = _by_code()
    return sorted((by_code[c] for c in set(codes)), key=lambda g: g.naam)


@lru_cache(maxsize=1)
def _all_keys() -> Tuple[List[str], List[int]]:
    keys: List[str] = []
    tiers: List[int] = []
    for n, tier in enumerate(_index()):
        for key in tier:
            keys.append(key)
            tiers.append(n)
    return keys, tiers


def _scores(query: str, keys: Sequence[str]) -> List[Tuple[int, float]]:
    """(index, similarity 0-100) of keys similar to query; rapidfuzz if present, else difflib."""
    if _rf_process is not None and _rf_fuzz is not None:
        hits = _rf_process.extract(query, keys, scorer=_rf_fuzz.ratio, score_cutoff=_FUZZY_CUTOFF, limit=40)
        return [(idx, float(score)) for _key, score, idx in hits]
    out: List[Tuple[int, float]] = []
    matcher = difflib.SequenceMatcher(b=query, autojunk=False)
    for idx, key in enumerate(keys):
        if abs(len(key) - len(query)) > max(2, len(query) // 4):
            continue  # cheap length filter: ratio cannot reach the cutoff
        matcher.set_seq1(key)
        if matcher.real_quick_ratio() * 100 < _FUZZY_CUTOFF:
            continue
        score = matcher.ratio() * 100
        if score >= _FUZZY_CUTOFF:
            out.append((idx, score))
    return out


@lru_cache(maxsize=4096)
def _lookup_fuzzy(key: str) -> Optional[Tuple[str, ...]]:
    """Closest key(s) for a misspelt name; ties and near-ties are all returned (ask, don't guess)."""
    if len(key.replace(" ", "")) < _FUZZY_MIN_LEN:
        return None
    keys, tiers = _all_keys()
    # short names ("Hall", "Ede") are never typo targets: one letter off is another word
    scored = [(i, sc) for i, sc in _scores(key, keys) if len(keys[i]) >= _FUZZY_MIN_LEN]
    if not scored:
        return None
    # A gemeente name wins over a village name that is only marginally closer.
    best = max(score + (2.0 if tiers[i] == 0 else 0.0) for i, score in scored)
    codes: Set[str] = set()
    for i, score in scored:
        if score + (2.0 if tiers[i] == 0 else 0.0) >= best - 0.5:
            codes.update(_index()[tiers[i]][keys[i]])
    return tuple(sorted(codes))


def resolve_place(text: str, fuzzy: bool = True) -> List[Gemeente]:
    """Candidate gemeenten for a place name as typed: [] unknown, one = sure, several = ask."""
    key = normalise(text)
    key = re.sub(r"^(gemeente|gem|de gemeente|in|te|uit)\s+", "", key)
    if not key:
        return []
    codes = _lookup_exact(key)
    if codes is None and key.startswith("s "):
        codes = _lookup_exact(key[2:])
    if codes is None:
        codes = _lookup_exact(key.replace(" ", ""))
    if codes is None and fuzzy:
        codes = _lookup_fuzzy(key)
    return _to_gemeenten(codes or ())


def _tokens(text: str) -> List[Tuple[int, int, str]]:
    return [(m.start(), m.end(), m.group(0)) for m in _TOKEN_RE.finditer(text)]


def _cue_before(tokens: List[Tuple[int, int, str]], i: int) -> int:
    """Strength of the location cue right before token i: 0 none, 1 preposition, 2 residence cue."""
    if i == 0:
        return 0
    prev = normalise(tokens[i - 1][2])
    # "via de gemeente een opleiding": the municipality as an organisation, a weak cue at most
    as_organisation = prev == "gemeente" and i >= 2 and normalise(tokens[i - 2][2]) in _ARTICLES
    if prev in _STRONG_CUES and not as_organisation:
        return 2  # "gemeente Best", "woonplaats Heel"
    if prev not in _WEAK_CUES and not as_organisation:
        return 0
    # "om jongens op te leiden", "zelf op te halen": "te" before an infinitive, not "te Leiden"
    if prev == "te" and i >= 2 and normalise(tokens[i - 2][2]) in {"op", "om", "aan", "uit", "af", "in", "mee", "door"}:
        return 0
    # "ik woon (sinds kort) in Best", "ik kom uit Hoorn": a residence verb shortly before
    for j in range(i - 2, max(-1, i - 6), -1):
        if normalise(tokens[j][2]) in _STRONG_CUES:
            return 2
    return 1


def _accept(key: str, cue: int) -> bool:
    if key in NEVER_WORDS:
        return False
    if key in STRONG_CONTEXT_WORDS:
        return cue >= 2
    if key in CONTEXT_WORDS:
        return cue >= 1
    return True


def find_places(text: str, fuzzy: bool = True) -> List[PlaceMatch]:
    """All place mentions in a free-text message, longest match first, without overlaps."""
    tokens = _tokens(text)
    matches: List[PlaceMatch] = []
    i = 0
    while i < len(tokens):
        found: Optional[PlaceMatch] = None
        cue = _cue_before(tokens, i)
        for n in range(min(_MAX_NGRAM, len(tokens) - i), 0, -1):
            start, end = tokens[i][0], tokens[i + n - 1][1]
            surface = text[start:end]
            key = normalise(surface)
            codes = _lookup_exact(key)
            if codes is None and key.startswith("s "):
                codes = _lookup_exact(key[2:])
            if codes is None or not _accept(key, cue):
                continue
            found = PlaceMatch(start, end, surface, _to_gemeenten(codes), cue=cue)
            i += n
            break
        # "te" before an infinitive is not a place cue for a typo match ("ontslagen te worden")
        if found is None and fuzzy and cue >= 1 and normalise(tokens[i - 1][2]) != "te":
            found = _fuzzy_at(text, tokens, i, cue)
            if found is not None:
                i += len(_tokens(found.surface))
        if found is not None:
            if not _negated(tokens, i - len(_tokens(found.surface))):
                matches.append(found)  # "niet Almere maar Lelystad": Almere is not the answer
            continue
        i += 1
    return matches


def _negated(tokens: List[Tuple[int, int, str]], i: int) -> bool:
    """True if the mention at token i is negated: "niet Almere", "niet in Almere"."""
    before = [normalise(t[2]) for t in tokens[max(0, i - 2) : i]]
    return bool(before) and (
        before[-1] == "niet" or (len(before) == 2 and before[0] == "niet" and before[1] in _WEAK_CUES)
    )


# Words that often follow "in"/"uit" in this domain and must never be fuzzy-matched to a village.
_NO_FUZZY = {
    "loondienst",
    "dienst",
    "deeltijd",
    "opleiding",
    "onderwijs",
    "schulden",
    "techniek",
    "horeca",
    "zorg",
    "bouw",
    "transport",
    "logistiek",
    "overheid",
    "landbouw",
    "schoonmaak",
    "metaal",
    "installatie",
    "kinderopvang",
    "detailhandel",
    "uitzendbureau",
    "bijstand",
    "uitkering",
    "nederland",
    "holland",
    "friesland",
    "groningen",
    "drenthe",
    "overijssel",
    "gelderland",
    "utrecht",
    "brabant",
    "limburg",
    "zeeland",
    "flevoland",
    "buitenland",
    "europa",
    "belgie",
    "duitsland",
    "dienstverband",
    "proeftijd",
    "ziektewet",
    "contract",
    "vaste",
    "tijdelijke",
    "ploegendienst",
    "nachtdienst",
    "oproepbasis",
    "principe",
    "overleg",
    "totaal",
    "afwachting",
    "aanloop",
    "aanvraag",
    "behandeling",
    "gesprek",
    "scholing",
    "omscholing",
    "werkgever",
    "werkgevers",
    "personeel",
    "mensen",
    "winkels",
    "ziekenhuis",
    "fabriek",
    "magazijn",
    "kantoor",
    "keuken",
    "restaurant",
    "verpleeghuis",
    "thuiszorg",
    "supermarkt",
    "school",
    "stage",
    "huis",
    "pensioen",
    "opvang",
    "ziekte",
}


@lru_cache(maxsize=1)
def _frequent_words() -> FrozenSet[str]:
    """Frequent Dutch words that are no place name (nl-frequente-woorden.txt, made by frequent_words.py)."""
    lines = FREQUENT_WORDS_TXT.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def _fuzzy_at(text: str, tokens: List[Tuple[int, int, str]], i: int, cue: int) -> Optional[PlaceMatch]:
    """Typo-tolerant match of 1-3 tokens right after a location cue ("woon in Amsteram")."""
    for n in (3, 2, 1):
        if i + n > len(tokens):
            continue
        start, end = tokens[i][0], tokens[i + n - 1][1]
        surface = text[start:end]
        key = normalise(surface)
        words = key.split()
        if not words or words[0] in _NO_FUZZY or words[0] in _FUNCTION_WORDS or words[0] in _WEAK_CUES:
            continue
        if any(w in _NO_FUZZY for w in words):
            continue
        # An ordinary word is no typo of a place: "zeggen" is not Zegge, "noord en" not Noorden.
        if all(w in _frequent_words() for w in words):
            continue
        if len(key.replace(" ", "")) < (_FUZZY_MIN_LEN if cue >= 2 else _FUZZY_MIN_LEN + 1):
            continue
        codes = _lookup_fuzzy(key)
        if codes:
            return PlaceMatch(start, end, surface, _to_gemeenten(codes), fuzzy=True, cue=cue)
    return None


def variants() -> Dict[str, Tuple[str, ...]]:
    """Every exact surface key (normalised) → candidate gemeente names, for entity-ruler patterns."""
    by_code = _by_code()
    out: Dict[str, Tuple[str, ...]] = {}
    for tier in _index():
        for key, codes in tier.items():
            out[key] = tuple(sorted(by_code[c].naam for c in codes))
    return out


def surface_variants() -> List[Tuple[str, Tuple[str, ...]]]:
    """Display spellings (official, alias, woonplaats) → candidate gemeente names, for training data."""
    by_name = _by_name()
    by_code = _by_code()
    out: List[Tuple[str, Tuple[str, ...]]] = [(g.naam, (g.naam,)) for g in gemeenten()]
    out += [(alias, names) for alias, names in ALIASES.items()]
    seen: Dict[str, Set[str]] = {}
    for wp, code in woonplaatsen():
        seen.setdefault(wp, set()).add(by_code[code].naam)
    out += [(wp, tuple(sorted(names))) for wp, names in seen.items() if wp not in by_name]
    return out


def context_required(key: str) -> int:
    """Cue strength a normalised key needs before it counts as a place: 0, 1, 2, or 3 (never)."""
    if key in NEVER_WORDS:
        return 3
    if key in STRONG_CONTEXT_WORDS:
        return 2
    if key in CONTEXT_WORDS:
        return 1
    return 0


__all__ = [
    "Gemeente",
    "PlaceMatch",
    "ALIASES",
    "gemeenten",
    "gemeente_by_name",
    "woonplaatsen",
    "normalise",
    "resolve_place",
    "find_places",
    "variants",
    "surface_variants",
    "context_required",
]
