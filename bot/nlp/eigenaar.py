"""Whose benefit, which sector: keep only the facts that describe the writer's own situation now.

A message names more than the writer's situation: the benefit someone hopes to get ("heb ik
daarna recht op WW?", "kan ik dan bijstand krijgen?"), an employer's candidate ("iemand uit de
bijstand"), a former job of a werkzoekende ("ik werkte in het onderwijs"), the sector a werkende
wants to move to ("ik ben kok maar wil leraar worden"). Workplaces that name a sector only in a
sentence about working there ("in een winkel", "wij zijn een ziekenhuis") come from
bot/lexicons/sector_werkplek.yml; compounds the lexicon does not list ("metaalbewerkingsbedrijf",
"shoarma zaak", "uienoogst") are read from their first part, bot/lexicons/sector_stam.yml. Each function takes the gazetteer's
entities and returns the ones that fill the person's slot; at most one per slot, because Rasa
would otherwise take whichever came last.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Dict, List, Optional, Sequence, Tuple

from bot.nlp import lexicon
from knowledge.places import normalise

Entity = Dict[str, Any]
BENEFITS = ("ww", "wia", "wajong", "bijstand")

# Words right before a benefit that make it one the person asks about, not one they have.
_HOPED_BEFORE = re.compile(
    r"\b(recht op|in aanmerking( komen)? voor|aanvragen|aanvraag|terugvallen op|terug vallen op|naar de|"
    r"geen recht op|kan ik|kun je|kan je|mag je|kom ik|krijg ik|zou ik|over op|overstappen naar|"
    r"vraag over( de| het)?|question about|verschil tussen|hoe werkt( de| het)?|wat is( de| het| een)?|hoe zit het met( de| het)?) "
    r"((?!mijn )\w+ ){0,2}((en|of) (\w+ )?)?$"
    r"|\b(straks|binnenkort|misschien|waarschijnlijk|later|anders)( \w+){0,4} $"
    r"|\b(voordat|zodra|wanneer|pas als|moet ik|moet je|moeten we) (ik |je |hij |zij )?((?!mijn )\w+ ){0,2}$"
    # "ga ik gewoon de WW in": a benefit still to come
    r"|\b(ga|gaan|kom|val|beland) (ik|je|we) ((?!mijn )\w+ ){0,2}$"
    r"|\b(voor|zonder)( de| een)? $"
)
# Another person's benefit: an employer's candidate, "een jongen die bijstand heeft".
_OTHERS_BEFORE = re.compile(
    r"\b((iemand|mensen|kandidaat|kandidaten|jongen|jongere|jongeren|meisje|man|vrouw|vrouwen|personen|inwoners|werkzoekenden|\d+ plussers|\w+ers|\w+sters)"
    # words that describe them may come between ("mensen er in Arnhem in de"), the writer's own verbs not
    r"( (?!(ik|wij|we|en|maar|zit|zitten|zat|heb|hebben|had|ben|zijn|was|krijg|krijgen|leef|leven|sta|staan)\b)\w+){0,3}?"
    r" (met|uit|in|op)( de| een)?( \w+){0,2}?|"
    # English: "someone on WW", "a junior dev who's currently on WW", "someone with a wajong"
    r"(someone|somebody|people|candidate|person|who s|whos|who is)( \w+){0,2} (with|on)( a| an)?|"
    r"die( \w+){0,3}) (\w+ (of|en) )?$"
    # a relative's benefit in the writer's own story; "mijn man en ik hebben bijstand" is shared
    r"|\b(een|die|deze) (bekende|kennis|neef|nicht|buurman|buurvrouw|buurjongen|buurmeisje|jongen|meid|dame|heer|sollicitant|vriend|vriendin)( \w+){0,4} (heeft|krijgt|zit|ontvangt)( \w+){0,2} $"
    # "onze nieuwe collega heeft een Wajong-uitkering": the colleague's, not the writer's
    r"|\b(onze|mijn|een|de|die|deze) (nieuwe |jonge |vaste )?(collega|medewerker|medewerkster|werknemer|leerling|stagiair)( \w+){0,3} (heeft|krijgt|zit|ontvangt)( \w+){0,2} $"
    # "onze afwasser heeft wajong": the writer's staff
    r"|\b(onze|ons) \w+( \w+){0,2} (heeft|krijgt|zit|ontvangt|had)( \w+){0,2} $"
    r"|\b(mijn|mn|m n) (man|vrouw|partner|vriend|vriendin|moeder|vader|zoon|dochter|broer|zus)(?! en ik)( \w+){0,2} (heeft|krijgt|zit|ontvangt|kreeg|had|zat)( \w+){0,3} $"
)
_HOPED_AFTER = re.compile(
    r"^ ?(\w+ )?(krijgen|aanvragen|aan te vragen|voor zelfstandigen|komen|aanvullen|kom ik|heb ik (daar |er )?recht|"
    r"in aanmerking|krijg ik niet|heb ik niet|keuring|aanvraag|beoordeling|afwachten|"
    r"(is |werd |laten )?(afgewezen|geweigerd|stopgezet|stopzetten|ingetrokken|herleven)|is (gestopt|afgelopen))\b"
)
# Words before a sector that make it a wish or a former job rather than the current one.
_WISH_BEFORE = re.compile(
    r"\b(wil|wilt|willen|graag|liefst|naar|worden|omscholen|omscholing|interesse|zou|zoek|zoeken|"
    r"solliciteren|richting|switchen|overstappen|droom) ((?!maar |heb |en |ben )\w+ ){0,6}$"
)
# Any work will do: no sector.
_ANY_WORK = re.compile(r"\bmaakt (me )?niet uit\b|\balles is goed\b|\bom het even\b")
# "in de techniek of (in de) beveiliging": the words on the other side of "of".
_OR_AFTER = re.compile(r"^ (\w+ ){0,2}(of|ofwel)(( \w+){1,5})")
_OR_BEFORE = re.compile(r"((\w+ ){1,5})(of|ofwel) (\w+ ){0,2}$")
# Workplaces people mostly visit as clients, and the words that make a sentence about working there.
_VISITED = {"gemeente", "de gemeente", "een gemeente"}
_WORK_WORD = re.compile(
    r"\b(werk|werken|werkt|werkte|baan|functie|vacature|vacatures|solliciteren|in dienst|collega|collegas|afdeling|buitendienst|ambtenaar)\b"
    # a job title: "als hr adviseur bij de gemeente", "beleidsmedewerker bij de provincie"
    r"|\w*(medewerker|medewerkster|adviseur|adviseuse|teamleider|leidinggevende)\b"
)
# Organisations someone deals with as a client: "uitkering van de gemeente", "hulp via de gemeente".
_SPEAKS_AS = re.compile(r"(^|\b(als|wij zijn|we zijn|namens)( \w+){0,2}?)( de| een| het)? $")
_CLIENT_OF = re.compile(
    r"\b(uitkering|bijstand|geld|hulp|brief|brieven|schuld|schulden|afspraak|klantmanager|consulent|boete|toeslag|subsidie) (van|bij|via|uit|aan)( de| het)? $"
)
# A werkzoekende leaving their old trade: its sector is not where they look.
# Also "zoek iets in toezicht": a wish for a trade the lexicon does not know is still another trade.
_WANTS_OUT = re.compile(
    # "geen opdrachten meer", "geen werk meer" is the work that stopped, not a wish to leave it
    r"\b(iets anders|ander vak|ander werk|niet meer|nooit meer|lichter|lichters|omscholen|omscholing|overstappen|switchen)\b"
    r"|\bgeen (?!(opdracht|opdrachten|werk|klanten|omzet|inkomen|geld|uitkering|ww|contract|baan|uren|loon|salaris|orders)\b)\w+ meer\b"
    r"|\b(zoek|zoeken|wil|liefst|graag) (\w+ ){0,2}(iets|werk|een baan) (in|als|bij)\b"
)
_NOT_WISH_BEFORE = re.compile(r"\b(wil|wilt|willen|zou)( \w+){0,2} (niet|nooit|geen)( \w+){0,3} $")
_PAST_BEFORE = re.compile(r"\b(werkte|gewerkt|was|vroeger|destijds|oude baan|vorige baan|ex|oud|gestopt) (\w+ ){0,4}$")


# Before a workplace rather than a job title: "secretaresse in het ziekenhuis" is zorg.
_WORKPLACE_BEFORE = re.compile(r"\b(bij|in|op|voor)( een| de| het| t)? $")
# A relative's job in the writer's own story: "mijn vrouw werkt 20 uur in de thuiszorg".
_RELATIVE_BEFORE = re.compile(
    r"\b(mijn|mn|m n) (vrouw|man|partner|vriend|vriendin|echtgenoot|echtgenote|moeder|vader|zus|broer|dochter|zoon)"
    r"( \w+){0,2} (werkt|werkte|is|was|zit)( \w+){0,4} $"
)
# Before a school one goes to as a pupil: "wil niet meer naar school", "mijn mbo afmaken".
_STUDY_BEFORE = re.compile(r"\b(naar|van|mijn|zijn|haar|hun|mn|m n|(zit|zat|zitten) (nog )?op)( de| het| een)? $")
# "een mbo-opleiding gaan doen", "school afgemaakt": learning there, not working
_STUDY_AFTER = re.compile(r"^\W*(opleiding|opleidingen|diploma|niveau|examen|studie|afgemaakt|afgerond|gehaald|af\b)")
# One's own business, whatever the rol: "ik heb al 30 jaar een bloemenzaak", "mijn eigen garage".
_EIGEN_ZAAK = re.compile(
    r"\b(heb|hebben|run|runnen|runt)( al)?( \w+ jaar)?( een| het| de)( eigen)? $|\b(mijn|ons|onze) eigen $"
)
# Before an employer's own workplace: "wij zijn een", "in ons", "mijn", or the message's start.
_ONS_BEFORE = re.compile(
    r"(^|\b(wij zijn|we zijn|ons|onze|mijn|ik heb|heb|hebben|als|eigenaar van|directeur van|vanuit|namens)( \w+){0,3}) $"
    r"|" + _EIGEN_ZAAK.pattern
)
# Without a rol, only a workplace plainly one's own: "in mijn fysiotherapiepraktijk", "wij zijn een ziekenhuis".
_EIGEN_PLEK_BEFORE = re.compile(
    r"\b(in|bij|op) (mijn|ons|onze) $|\b(wij zijn|we zijn|eigenaar van|directeur van)( een| de| het)? $"
)
# Before a werkende's workplace: "ik werk al jaren in de", "sta 30 jaar in een".
_WERKT_BEFORE = re.compile(
    r"\b(werk|werkt|werken|werkzaam|sta|zit|ben|werkte|baan|functie|contract|vrijwilligerswerk|"
    r"(mijn|mn) (leidinggevende|baas|bazin|manager|collega|collegas|teamleider|werkgever|chef))( \w+){0,4} (bij|in|op|voor|aan|van)( de| het| een)? $"
    # "werk al 28 jaar als administratief medewerker bij een gemeente"
    r"|\b(werk|werkt|werkzaam|werkte)( \w+){5,6} (bij|in|op|voor|van)( de| het| een)? $"
)
# A job title before an employed person's workplace: "als hr adviseur bij het waterschap".
_TITEL_BEFORE = re.compile(
    r"\b\w*(medewerker|medewerkster|adviseur|teamleider|leidinggevende|coordinator|recruiter)( \w+){0,2} (bij|van|op)( de| het| een)? $"
)
# An employee's "onze boekwinkel", "ons ziekenhuis" right before the workplace.
_ONZE_BEFORE = re.compile(r"\b(ons|onze)( \w+){0,2} $")


@lru_cache(maxsize=1)
def _werkplekken() -> Dict[Tuple[str, ...], str]:
    """Normalised workplace phrase (as a token tuple) → sector."""
    data = lexicon.read_lexicon_file("sector_werkplek")
    return {tuple(normalise(p).split()): sector for sector, phrases in data.items() for p in phrases}


def werkplek_entities(text: str) -> List[Entity]:
    """Workplace mentions (bot/lexicons/sector_werkplek.yml) as sector entities with spans."""
    tokens = [(m.start(), m.end(), normalise(m.group(0))) for m in re.finditer(r"[^\W_]+", text)]
    index = _werkplekken()
    found = []
    i = 0
    while i < len(tokens):
        for n in (3, 2, 1):
            key = tuple(t[2] for t in tokens[i : i + n])
            if len(key) == n and key in index:
                found.append(
                    {"entity": "sector", "value": index[key], "start": tokens[i][0], "end": tokens[i + n - 1][1]}
                )
                break
        else:
            n = 1
        i += n  # "middelbare school" is one mention: its "school" is not another
    return found


# Last parts of compounds (first parts: bot/lexicons/sector_stam.yml). A company names its sector
# wherever it stands; a shop, practice or office only in a sentence about working there; a crop
# is landbouw whatever grows; a shop of a kind not listed is still detailhandel.
_BEDRIJF_ACHTER = (
    "bedrijf",
    "bedrijfje",
    "bedrijven",
    "bedrijfjes",
    "fabriek",
    "fabriekje",
    "fabrieken",
    "onderneming",
    "keten",
)
_PLEK_ACHTER = (
    "zaak",
    "zaakje",
    "zaken",
    "winkel",
    "winkeltje",
    "winkels",
    "praktijk",
    "praktijkje",
    "praktijken",
    "post",
    "kantoor",
    "kantoortje",
    "bureau",
    "bureautje",
    "centrum",
    "werkplaats",
    "groep",
    "keuken",
)
_OOGST_ACHTER = ("oogst", "teelt", "kwekerij")
_KAS_ACHTER = ("kas", "kassen")  # "tomatenkas": only after a landbouw stem ("spaarkas" is money)
_WINKEL_ACHTER = ("winkel", "winkeltje", "winkels")
# A stem this short counts only as the whole first part ("ijs" in "ijszaak", not in "prijsbureau").
_MIN_STAM_IN_WOORD = 4


@lru_cache(maxsize=1)
def _stammen() -> Dict[str, str]:
    """Compound first part (normalised, without spaces) → sector."""
    data = lexicon.read_lexicon_file("sector_stam")
    return {normalise(p).replace(" ", ""): sector for sector, stems in data.items() for p in stems}


@lru_cache(maxsize=1)
def _hele_woorden() -> Dict[str, Tuple[str, str]]:
    """One-word lexicon phrases and workplaces → (sector, kind), for a compound typed as two
    words ("shoarma zaak", "kinder opvang")."""
    out: Dict[str, Tuple[str, str]] = {}
    for key, sector in _werkplekken().items():
        if len(key) == 1:
            out[key[0]] = (sector, "plek")
    for phrase, sector in lexicon.phrases("sector").items():
        words = normalise(phrase).split()
        if len(words) == 1:
            out[words[0]] = (sector, "overal")
    return out


def _stam_sector(eerste: str) -> Optional[str]:
    """The sector of a compound's first part: a stem, with or without linking "s", or the longest
    stem (of at least 4 letters) it ends with."""
    stems = _stammen()
    for form in (eerste, eerste[:-1] if eerste.endswith("s") else None):
        if form and form in stems:
            return stems[form]
    for n in range(1, len(eerste) - _MIN_STAM_IN_WOORD + 1):
        tail = eerste[n:]  # the longest tail first
        for form in (tail, tail[:-1] if tail.endswith("s") else None):
            if form and len(form) >= _MIN_STAM_IN_WOORD and form in stems:
                return stems[form]
    return None


def compound_sector(eerste: str, achter: str) -> Optional[Tuple[str, str]]:
    """(sector, kind) of a compound from its first and last part; kind "overal" (a company, a crop:
    the sector wherever it stands) or "plek" (a workplace: only in a sentence about working there)."""
    if not eerste:
        return None
    if achter in _OOGST_ACHTER:
        return ("landbouw", "overal")
    sector = _stam_sector(eerste)
    if sector == "geen":  # "kringloopwinkel", "sw bedrijf": no sector
        return None
    if achter in _KAS_ACHTER:
        return ("landbouw", "overal") if sector == "landbouw" else None
    if achter in _BEDRIJF_ACHTER:
        if sector == "detailhandel" and achter.startswith("fabriek"):
            return None  # a "meubelfabriek" makes what shops sell
        return (sector, "overal") if sector else None
    if achter in _PLEK_ACHTER:
        if sector:
            return (sector, "plek")
        if achter in _WINKEL_ACHTER:
            return ("detailhandel", "plek")
    return None


_ACHTER = sorted(set(_BEDRIJF_ACHTER + _PLEK_ACHTER + _OOGST_ACHTER + _KAS_ACHTER), key=len, reverse=True)
# Driving a vehicle for a living: "ik rij al 18 jaar bus", "rij nog steeds internationaal".
_RIJDT = re.compile(
    r"\b(ik )?(rij|rijd)( \w+){0,4}? (bus|taxi|vrachtwagen|truck|tram|touringcar|internationaal|bestelbus)\b"
)


def compound_entities(text: str) -> List[Entity]:
    """Sector compounds the lexicon does not list: "metaalbewerkingsbedrijf", "IT-bedrijfje",
    "shoarma zaak", "kinder opvang". Each entity has a "kind" (see compound_sector)."""
    tokens = [(m.start(), m.end(), normalise(m.group(0))) for m in re.finditer(r"[^\W_]+", text)]
    whole = _hele_woorden()
    found: List[Entity] = []
    for i, (start, end, word) in enumerate(tokens):
        hit = None
        if i + 1 < len(tokens):
            nxt = tokens[i + 1]
            joined = word + nxt[2]
            if joined in whole and word not in whole and nxt[2] not in whole:
                hit = (whole[joined], nxt[1])  # "shoarma zaak", "kinder opvang"
            elif nxt[2] in _ACHTER and (word in _stammen() or (word.endswith("s") and word[:-1] in _stammen())):
                result = compound_sector(word, nxt[2])  # "IT bedrijfje", "installatie bedrijf"
                hit = (result, nxt[1]) if result else None
        if hit is None and len(word) > 6 and word[-1] in "sn" and word[:-1] in whole and word not in whole:
            hit = (whole[word[:-1]], end)  # "plaatwerkers", "wijkverpleegkundigen"
        if hit is None and word not in whole:
            for achter in _ACHTER:
                if word.endswith(achter) and len(word) > len(achter):
                    result = compound_sector(word[: -len(achter)], achter)
                    hit = (result, end) if result else None
                    break
        if hit:
            (sector, kind), stop = hit
            if not any(f["start"] <= start < f["end"] for f in found):
                found.append({"entity": "sector", "value": sector, "start": start, "end": stop, "kind": kind})
    for m in _RIJDT.finditer(normalise(text)) if _RIJDT.search(normalise(text)) else []:
        span = _span_of_word(text, m.group(4))
        if span and not any(f["start"] <= span[0] < f["end"] for f in found):
            found.append(
                {"entity": "sector", "value": "transport_logistiek", "start": span[0], "end": span[1], "kind": "overal"}
            )
    return found


def _span_of_word(text: str, word: str) -> Optional[Tuple[int, int]]:
    for m in re.finditer(r"[^\W_]+", text):
        if normalise(m.group(0)) == word:
            return m.start(), m.end()
    return None


def _overlap(a: Entity, b: Entity) -> bool:
    return int(a["start"]) < int(b["end"]) and int(b["start"]) < int(a["end"])


def _before(text: str, entity: Entity) -> str:
    """The text before the mention's last word: "recht op ww" is a phrase of its own in the lexicon."""
    words = normalise(text[: int(entity["end"])]).split()
    return " ".join(words[:-1]) + " "


_SENTENCE_END = re.compile(r"[.!?;\n]")
# Where a sentence (or, with commas, a clause) ends, for splitting: normalising drops the punctuation.
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")
_CLAUSE_SPLIT = re.compile(r"(?<=[.!?;,])\s+|\n+")


def sentences(text: str, clauses: bool = False) -> List[str]:
    """The normalised sentences of text (one for text without sentence punctuation), or its clauses."""
    pattern = _CLAUSE_SPLIT if clauses else _SENTENCE_SPLIT
    return [norm for part in pattern.split(text or "") if (norm := normalise(part))]


def _sentence_before(text: str, pos: int) -> str:
    """The normalised words of the sentence up to pos: "wil kapster worden. ik heb uitkering van
    de gemeente" wishes no job at the gemeente."""
    start = max((m.end() for m in _SENTENCE_END.finditer(text, 0, pos)), default=0)
    return normalise(text[start:pos]) + " "


def _in_sentence(text: str, entity: Entity) -> str:
    """Like _before, within the mention's own sentence."""
    words = _sentence_before(text, int(entity["end"])).split()
    return " ".join(words[:-1]) + " "


def _sentence_of(text: str, entity: Entity) -> str:
    """The normalised sentence the mention stands in."""
    return (
        _sentence_before(text, int(entity["start"]))
        + normalise(text[int(entity["start"]) : int(entity["end"])])
        + _sentence_after(text, entity)
    )


def _sentence_after(text: str, entity: Entity) -> str:
    end = int(entity["end"])
    stop = _SENTENCE_END.search(text, end)
    return " " + normalise(text[end : stop.start() if stop else len(text)])


def _after(text: str, entity: Entity) -> str:
    return " " + normalise(text[int(entity["end"]) :])


# A general question ("hoeveel mag je bijverdienen naast de bijstand?", "wat is het verschil tussen
# WW en bijstand") says nothing about the writer's own situation: a generic subject, no first person.
_GENERIC = re.compile(r"\b(je|jij|jouw|men|iemand|verschil tussen|difference|hoe zit (dat|het)|hoe werkt)\b")
# "jullie iemand?" asks for the writer; a sentence may start with its verb ("zit in de ww") or an age.
_FIRST_PERSON = re.compile(
    r"\b(ik|mij|me|mijn|mn|m n|wij|we|ons|onze|jullie|i|my)\b"
    r"|^((hoi|hallo|hey|hee|goedemorgen|goedemiddag|goedenavond|beste|dag|ja|nee|maar|en) )?(heb|zit|ben|krijg|kreeg|woon|werk|wil|moet|zoek|had|was|zat|ontvang)\b|^(\w+ ){0,2}\d+ (jaar|jr)\b"
)


def general_question(text: str) -> bool:
    """True for a question about how things work in general, not about the writer."""
    parts = sentences(text, clauses=True)
    return any(_GENERIC.search(p) for p in parts) and not any(_FIRST_PERSON.search(p) for p in parts)


def current_uitkering(text: str, entities: Sequence[Entity], for_someone_else: bool = False) -> Optional[Entity]:
    """The benefit the writer (or, writing for someone else, that person) has now, or None when the
    message only names hoped-for benefits or other people's, or asks a general question."""
    if general_question(text):
        return None
    kept = []
    for entity in entities:
        before = _before(text, entity)
        hoped = _HOPED_BEFORE.search(before) or _HOPED_AFTER.search(_after(text, entity))
        others = not for_someone_else and _OTHERS_BEFORE.search(before)
        if entity.get("value") in BENEFITS and (hoped or others):
            continue
        kept.append(entity)
    if not kept:
        return None
    # A real benefit beats "geen" ("geen bijstand, wel ww"); otherwise the first one named.
    benefits = [e for e in kept if e.get("value") in BENEFITS]
    return (benefits or kept)[0]


_VERB_AFTER = re.compile(r"^\s+(ik|je|jij|we|wij|het|dat|dit|hij|ze|u|hem|haar)\b")


def _bouw_as_verb(text: str, entity: Entity) -> bool:
    """ "Hoe bouw ik dat op?" builds up, it is no work in the bouw."""
    surface = normalise(text[int(entity["start"]) : int(entity["end"])])
    return surface == "bouw" and bool(_VERB_AFTER.search(text[int(entity["end"]) :]))


def current_sector(
    text: str, entities: Sequence[Entity], rol: Optional[str], for_someone_else: bool = False
) -> Optional[Entity]:
    """The sector of the job the writer has (werkende, werkgever) or wants (werkzoekende)."""
    entities = list(entities)
    # compounds the lexicon does not list ("metaalbewerkingsbedrijf", "shoarma zaak")
    compounds = [c for c in compound_entities(text) if not any(_overlap(c, e) for e in entities)]
    entities += [_zonder_kind(c) for c in compounds if c["kind"] == "overal"]
    plekken = werkplek_entities(text) + [_zonder_kind(c) for c in compounds if c["kind"] == "plek"]
    entities += [e for e in plekken if _at_work(text, e, rol)]
    if not for_someone_else:
        entities = [e for e in entities if not _RELATIVE_BEFORE.search(_in_sentence(text, e))]
    entities = [e for e in entities if not _uitzend_as_channel(text, e, rol) and not _bouw_as_verb(text, e)]
    # the first named counts among equals: "werk in een fietsenwinkel maar wil de techniek in"
    entities.sort(key=lambda e: int(e["start"]))
    if not entities:
        return None
    wish = [e for e in entities if _WISH_BEFORE.search(_in_sentence(text, e))]
    past = [e for e in entities if _PAST_BEFORE.search(_in_sentence(text, e))]
    now = [e for e in entities if e not in wish and e not in past]
    if rol == "werkzoekende":
        # Without a wish, the trade they had is where they look, unless they want out of it.
        # Several trades named ("schoonmaak, bouw, maakt niet uit", "ict of technisch tekenen") say no sector.
        if _ANY_WORK.search(normalise(text)) or any(_other_sector_beside(text, e) for e in entities):
            return None
        # "wil niet meer in de bouw werken" wishes to leave it
        wish = [e for e in wish if not _NOT_WISH_BEFORE.search(_in_sentence(text, e))]
        if wish:
            return wish[-1] if len({e["value"] for e in wish}) == 1 else None
        had = now + past
        if len({e["value"] for e in had}) != 1 or _WANTS_OUT.search(normalise(text)):
            return None
        if any(_STOPS_BEFORE.search(_in_sentence(text, e)) for e in had):
            return None  # "gestopt met mijn varkensbedrijf": leaving the trade
        return had[0]
    # Where beats what: "secretaresse in het ziekenhuis" is zorg, "monteur bij een installatiebedrijf" installatie,
    # and so does the company itself: "wij zijn een installatiebedrijf en zoeken monteurs".
    workplace = [e for e in now if _WORKPLACE_BEFORE.search(_in_sentence(text, e)) or _is_company(text, e)]
    # "in de keuken van een zorgcentrum": the place after "van" is the employer
    workplace = [next((f for f in now if _part_of(text, e, f)), e) for e in workplace]
    # An employer who only names whom they look for ("wij zoeken een lasser") is in that trade.
    hiring = wish if rol == "werkgever" else []
    return next(iter(workplace or now or hiring), None)


def _part_of(text: str, part: Entity, whole: Entity) -> bool:
    """Whether `part` is a part of `whole`: "de keuken van een zorgcentrum" (a place, not a sector:
    "de schoonmaak van het ziekenhuis" stays schoonmaak)."""
    if tuple(normalise(text[int(part["start"]) : int(part["end"])]).split()) not in _werkplekken():
        return False
    between = text[int(part["end"]) : int(whole["start"])]
    return int(whole["start"]) >= int(part["end"]) and bool(
        re.fullmatch(r" van( de| een| het)? ", " " + normalise(between) + " ")
    )


def _zonder_kind(entity: Entity) -> Entity:
    return {k: v for k, v in entity.items() if k != "kind"}


_COMPANY_WORD = re.compile(r"(" + "|".join(_BEDRIJF_ACHTER + _PLEK_ACHTER) + r")$")


def _is_company(text: str, entity: Entity) -> bool:
    """Whether the mention names a company or workplace ("installatiebedrijf", "bloemenzaak")."""
    words = normalise(text[int(entity["start"]) : int(entity["end"])]).split()
    return bool(words) and bool(_COMPANY_WORD.search(words[-1]))


# Temps an employer hires, agencies a job seeker signs up with: a channel, not their sector.
_UITZEND_CHANNEL_WERKGEVER = re.compile(r"^(uitzendkracht|uitzendkrachten|flexkracht|flexkrachten)$")
_INSCHRIJVEN_BEFORE = re.compile(
    r"\b(inschrijven|ingeschreven|inschrijving|aanmelden|aangemeld|solliciteren)( \w+){0,3} (bij|via)( de| het| een)? $"
)
_VIA_BEFORE = re.compile(r"\bvia( de| het| een)? $")
# "gestopt met mijn varkensbedrijf", "we stoppen met ons melkveebedrijf"
_STOPS_BEFORE = re.compile(r"\b(gestopt|stoppen|stop|stopt|stopte|stopten) met( mijn| ons| onze| het| de| m n| mn)? $")


def _via(text: str, entity: Entity) -> bool:
    surface = normalise(text[int(entity["start"]) : int(entity["end"])])
    return surface.startswith("via ") or bool(_VIA_BEFORE.search(_sentence_before(text, int(entity["start"]))))


def _uitzend_as_channel(text: str, entity: Entity, rol: Optional[str]) -> bool:
    if entity.get("value") != "uitzend":
        return False
    surface = normalise(text[int(entity["start"]) : int(entity["end"])])
    via = _via(text, entity)
    if rol == "werkgever":
        return bool(_UITZEND_CHANNEL_WERKGEVER.match(surface)) or via
    if rol == "werkzoekende":
        return via or bool(_INSCHRIJVEN_BEFORE.search(_sentence_before(text, int(entity["start"]))))
    return False


def _other_sector_beside(text: str, entity: Entity) -> bool:
    """Whether the alternative across "of" names another sector ("schoonmaken of in een keuken");
    the same sector twice ("op een boerderij of kwekerij") or "of zo" leaves the sector standing."""
    after = _OR_AFTER.search(_sentence_after(text, entity))
    before = _OR_BEFORE.search(_in_sentence(text, entity))
    snippets = [m.group(3) for m in (after,) if m] + [m.group(1) for m in (before,) if m]
    values = {
        hit
        for snippet in snippets
        for hit in [m.value for m in lexicon.find_terms(snippet, ("sector",))]
        + [e["value"] for e in werkplek_entities(snippet)]
    }
    return bool(values - {entity["value"]})


def _at_work(text: str, entity: Entity, rol: Optional[str]) -> bool:
    """Whether a workplace mention is about working there, for this rol."""
    before = _sentence_before(text, int(entity["start"]))
    if _EIGEN_ZAAK.search(before):
        return True
    if rol is None:
        return bool(
            _EIGEN_PLEK_BEFORE.search(before) or (_WERKT_BEFORE.search(before) and re.search(r"\bwerk", before))
        )
    if entity["value"] == "onderwijs" and (
        _STUDY_BEFORE.search(before) or _STUDY_AFTER.search(text[int(entity["end"]) :])
    ):
        return False
    if _CLIENT_OF.search(before):
        return False
    # "naar de gemeente voor ioaw": people visit the gemeente far more often than they work there
    surface = normalise(text[int(entity["start"]) : int(entity["end"])])
    # ("als gemeente Dordrecht willen wij" speaks for the gemeente)
    if surface in _VISITED and not _WORK_WORD.search(_sentence_of(text, entity)) and not _SPEAKS_AS.search(before):
        return False
    if rol == "werkgever":
        # the owner's "ons"/"mijn", or a team leader's "ik ben ploegleider bij de gemeente"
        return bool(_ONS_BEFORE.search(before) or _WERKT_BEFORE.search(before) or _TITEL_BEFORE.search(before))
    if rol == "werkende":
        # "onze gemeente" is where one lives, not where one works
        onze = _ONZE_BEFORE.search(before) and entity["value"] != "overheid"
        return (
            bool(_WERKT_BEFORE.search(before) or _TITEL_BEFORE.search(before) or onze)
            or "waar ik" in normalise(text[int(entity["end"]) :])[:20]
        )
    # a werkzoekende's wish, or the place they worked or volunteer (their trade when they name no other)
    return bool(_WISH_BEFORE.search(before) or _WERKT_BEFORE.search(before))


def own_facts(
    text: str, entities: List[Entity], rol: Optional[str], eigen_uitkering: bool, for_someone_else: bool = False
) -> List[Entity]:
    """The entities with one uitkering and one sector that belong to the writer (or none)."""
    uitkeringen = [e for e in entities if e.get("entity") == "uitkering"]
    sectoren = [e for e in entities if e.get("entity") == "sector"]
    rest = [e for e in entities if e.get("entity") not in ("uitkering", "sector")]
    keep = []
    if eigen_uitkering:
        uitkering = current_uitkering(text, uitkeringen, for_someone_else)
        keep += [uitkering] if uitkering else []
    sector = current_sector(text, sectoren, rol, for_someone_else)
    keep += [sector] if sector else []
    return sorted(rest + keep, key=lambda e: int(e.get("start", 0)))
