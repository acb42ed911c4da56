"""Whose benefit, which sector: keep only the facts that describe the writer's own situation now.

A message names more than the writer's situation: the benefit someone hopes to get ("heb ik
daarna recht op WW?", "kan ik dan bijstand krijgen?"), an employer's candidate ("iemand uit de
bijstand"), a former job of a werkzoekende ("ik werkte in het onderwijs"), the sector a werkende
wants to move to ("ik ben kok maar wil leraar worden"). Workplaces that name a sector only in a
sentence about working there ("in een winkel", "wij zijn een ziekenhuis") come from
bot/lexicons/sector_werkplek.yml. Each function takes the gazetteer's
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
    r"vraag over( de| het)?|question about|verschil tussen|hoe werkt( de| het)?|wat is( de| het| een)?) "
    r"((?!mijn )\w+ ){0,2}((en|of) (\w+ )?)?$"
    r"|\b(straks|binnenkort|misschien|waarschijnlijk|later|anders)( \w+){0,4} $"
    r"|\b(voordat|zodra|wanneer|pas als|moet ik|moet je|moeten we) (ik |je |hij |zij )?((?!mijn )\w+ ){0,2}$"
    r"|\b(voor|zonder)( de| een)? $"
)
# Another person's benefit: an employer's candidate, "een jongen die bijstand heeft".
_OTHERS_BEFORE = re.compile(
    r"\b((iemand|mensen|kandidaat|kandidaten|jongen|meisje|man|vrouw|werkzoekenden|\d+ plussers|\w+ers|\w+sters) (met|uit|in)( de| een)?|"
    r"die( \w+){0,3}) (\w+ (of|en) )?$"
    # a relative's benefit in the writer's own story; "mijn man en ik hebben bijstand" is shared
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
    r"solliciteren|richting|switchen|overstappen|droom) (\w+ ){0,4}$"
)
# Any work will do: no sector.
_ANY_WORK = re.compile(r"\bmaakt (me )?niet uit\b|\balles is goed\b|\bom het even\b")
# "in de techniek of (in de) beveiliging": the words on the other side of "of".
_OR_AFTER = re.compile(r"^ (\w+ ){0,2}(of|ofwel)(( \w+){1,5})")
_OR_BEFORE = re.compile(r"((\w+ ){1,5})(of|ofwel) (\w+ ){0,2}$")
# Workplaces people mostly visit as clients, and the words that make a sentence about working there.
_VISITED = {"gemeente", "de gemeente", "een gemeente"}
_WORK_WORD = re.compile(r"\b(werk|werken|werkt|werkte|baan|functie|vacature|vacatures|solliciteren|in dienst|collega|collegas|afdeling|buitendienst|ambtenaar)\b")
# Organisations someone deals with as a client: "uitkering van de gemeente", "hulp via de gemeente".
_CLIENT_OF = re.compile(r"\b(uitkering|bijstand|geld|hulp|brief|brieven|schuld|schulden|afspraak|klantmanager|consulent|boete|toeslag|subsidie) (van|bij|via|uit|aan)( de| het)? $")
# A werkzoekende leaving their old trade: its sector is not where they look.
# Also "zoek iets in toezicht": a wish for a trade the lexicon does not know is still another trade.
_WANTS_OUT = re.compile(
    r"\b(iets anders|ander vak|ander werk|niet meer|nooit meer|geen \w+ meer|lichter|lichters|omscholen|omscholing|overstappen|switchen)\b"
    r"|\b(zoek|zoeken|wil|liefst|graag) (\w+ ){0,2}(iets|werk|een baan) (in|als|bij)\b"
)
_PAST_BEFORE = re.compile(
    r"\b(werkte|gewerkt|was|vroeger|destijds|oude baan|vorige baan|ex|oud|gestopt) (\w+ ){0,4}$"
)


# Before a workplace rather than a job title: "secretaresse in het ziekenhuis" is zorg.
_WORKPLACE_BEFORE = re.compile(r"\b(bij|in|op|voor)( een| de| het| t)? $")
# A relative's job in the writer's own story: "mijn vrouw werkt 20 uur in de thuiszorg".
_RELATIVE_BEFORE = re.compile(
    r"\b(mijn|mn|m n) (vrouw|man|partner|vriend|vriendin|echtgenoot|echtgenote|moeder|vader|zus|broer|dochter|zoon)"
    r"( \w+){0,2} (werkt|werkte|is|was|zit)( \w+){0,4} $"
)
# Before a school one goes to as a pupil: "wil niet meer naar school", "mijn mbo afmaken".
_STUDY_BEFORE = re.compile(r"\b(naar|mijn|zijn|haar|hun|mn|m n|(zit|zat|zitten) (nog )?op)( de| het| een)? $")
# Before an employer's own workplace: "wij zijn een", "in ons", "mijn", or the message's start.
_ONS_BEFORE = re.compile(r"(^|\b(wij zijn|we zijn|ons|onze|mijn|ik heb|heb|hebben|als|eigenaar van|directeur van)( \w+){0,3}) $")
# Before a werkende's workplace: "ik werk al jaren in de", "sta 30 jaar in een".
_WERKT_BEFORE = re.compile(
    r"\b(werk|werkzaam|sta|zit|ben|werkte|baan|functie|contract|vrijwilligerswerk|"
    r"(mijn|mn) (leidinggevende|baas|bazin|manager|collega|collegas|teamleider|werkgever|chef))( \w+){0,4} (bij|in|op|voor|aan|van)( de| het| een)? $"
)
# An employee's "onze boekwinkel", "ons ziekenhuis" right before the workplace.
_ONZE_BEFORE = re.compile(r"\b(ons|onze)( \w+)? $")


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
    for i in range(len(tokens)):
        for n in (3, 2, 1):
            key = tuple(t[2] for t in tokens[i : i + n])
            if len(key) == n and key in index:
                found.append({"entity": "sector", "value": index[key], "start": tokens[i][0], "end": tokens[i + n - 1][1]})
                break
    return found


def _before(text: str, entity: Entity) -> str:
    """The text before the mention's last word: "recht op ww" is a phrase of its own in the lexicon."""
    words = normalise(text[: int(entity["end"])]).split()
    return " ".join(words[:-1]) + " "


_SENTENCE_END = re.compile(r"[.!?;\n]")


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
    return _sentence_before(text, int(entity["start"])) + normalise(text[int(entity["start"]) : int(entity["end"])]) + _sentence_after(text, entity)


def _sentence_after(text: str, entity: Entity) -> str:
    end = int(entity["end"])
    stop = _SENTENCE_END.search(text, end)
    return " " + normalise(text[end : stop.start() if stop else len(text)])


def _after(text: str, entity: Entity) -> str:
    return " " + normalise(text[int(entity["end"]):])


def current_uitkering(text: str, entities: Sequence[Entity], for_someone_else: bool = False) -> Optional[Entity]:
    """The benefit the writer (or, writing for someone else, that person) has now, or None when the
    message only names hoped-for benefits or other people's."""
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


def current_sector(
    text: str, entities: Sequence[Entity], rol: Optional[str], for_someone_else: bool = False
) -> Optional[Entity]:
    """The sector of the job the writer has (werkende, werkgever) or wants (werkzoekende)."""
    entities = list(entities)
    if rol is not None:
        entities += [e for e in werkplek_entities(text) if _at_work(text, e, rol)]
    if not for_someone_else:
        entities = [e for e in entities if not _RELATIVE_BEFORE.search(_in_sentence(text, e))]
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
        if wish:
            return wish[-1] if len({e["value"] for e in wish}) == 1 else None
        had = now + past
        if len({e["value"] for e in had}) != 1 or _WANTS_OUT.search(normalise(text)):
            return None
        return had[0]
    # Where beats what: "secretaresse in het ziekenhuis" is zorg, "monteur bij een installatiebedrijf" installatie.
    workplace = [e for e in now if _WORKPLACE_BEFORE.search(_in_sentence(text, e))]
    # An employer who only names whom they look for ("wij zoeken een lasser") is in that trade.
    hiring = wish if rol == "werkgever" else []
    return (workplace or now or hiring or [None])[0]


def _other_sector_beside(text: str, entity: Entity) -> bool:
    """Whether the alternative across "of" names another sector ("schoonmaken of in een keuken");
    the same sector twice ("op een boerderij of kwekerij") or "of zo" leaves the sector standing."""
    after = _OR_AFTER.search(_sentence_after(text, entity))
    before = _OR_BEFORE.search(_in_sentence(text, entity))
    snippets = [m.group(3) for m in (after,) if m] + [m.group(1) for m in (before,) if m]
    values = {
        hit
        for snippet in snippets
        for hit in [m.value for m in lexicon.find_terms(snippet, ("sector",))] + [e["value"] for e in werkplek_entities(snippet)]
    }
    return bool(values - {entity["value"]})


def _at_work(text: str, entity: Entity, rol: str) -> bool:
    """Whether a workplace mention is about working there, for this rol."""
    before = _sentence_before(text, int(entity["start"]))
    if entity["value"] == "onderwijs" and _STUDY_BEFORE.search(before):
        return False
    if _CLIENT_OF.search(before):
        return False
    # "naar de gemeente voor ioaw": people visit the gemeente far more often than they work there
    surface = normalise(text[int(entity["start"]) : int(entity["end"])])
    if surface in _VISITED and not _WORK_WORD.search(_sentence_of(text, entity)):
        return False
    if rol == "werkgever":
        # the owner's "ons"/"mijn", or a team leader's "ik ben ploegleider bij de gemeente"
        return bool(_ONS_BEFORE.search(before) or _WERKT_BEFORE.search(before))
    if rol == "werkende":
        # "onze gemeente" is where one lives, not where one works
        onze = _ONZE_BEFORE.search(before) and entity["value"] != "overheid"
        return bool(_WERKT_BEFORE.search(before) or onze) or "waar ik" in normalise(text[int(entity["end"]) :])[:20]
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
