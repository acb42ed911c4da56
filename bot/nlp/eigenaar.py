"""Whose benefit, which sector: keep only the facts that describe the writer's own situation now.

A message names more than the writer's situation: the benefit someone hopes to get ("heb ik
daarna recht op WW?", "kan ik dan bijstand krijgen?"), an employer's candidate ("iemand uit de
bijstand"), a former job of a werkzoekende ("ik werkte in het onderwijs"), the sector a werkende
wants to move to ("ik ben kok maar wil leraar worden"). Each function takes the gazetteer's
entities and returns the ones that fill the person's slot; at most one per slot, because Rasa
would otherwise take whichever came last.
"""

from __future__ import annotations

import re
from typing import Any, Dict, List, Optional, Sequence

from knowledge.places import normalise

Entity = Dict[str, Any]
BENEFITS = ("ww", "wia", "wajong", "bijstand")

# Words right before a benefit that make it one the person asks about, not one they have.
_HOPED_BEFORE = re.compile(
    r"\b(recht op|in aanmerking( komen)? voor|aanvragen|aanvraag|terugvallen op|terug vallen op|naar de|"
    r"geen recht op|kan ik|kun je|kan je|mag je|kom ik|krijg ik|zou ik|over op|overstappen naar|"
    r"vraag over( de| het)?|verschil tussen|hoe werkt( de| het)?|wat is( de| het| een)?|"
    r"(iemand|mensen|kandidaat|kandidaten|jongen|meisje|man|vrouw) (met|uit|in)( de| een)?|"
    r"die( nu)? (in|uit) de) (\w+ )?((en|of) (\w+ )?)?$"
)
_HOPED_AFTER = re.compile(r"^ ?(\w+ )?(krijgen|aanvragen|aan te vragen|voor zelfstandigen|komen|aanvullen)\b")
# Words before a sector that make it a wish or a former job rather than the current one.
_WISH_BEFORE = re.compile(
    r"\b(wil|wilt|willen|graag|liefst|naar|worden|omscholen|omscholing|interesse|zou|zoek|zoeken|"
    r"solliciteren|richting|switchen|overstappen|droom) (\w+ ){0,4}$"
)
_PAST_BEFORE = re.compile(
    r"\b(werkte|gewerkt|was|vroeger|destijds|oude baan|vorige baan|ex|oud|gestopt) (\w+ ){0,4}$"
)


def _before(text: str, entity: Entity) -> str:
    """The text before the mention's last word: "recht op ww" is a phrase of its own in the lexicon."""
    words = normalise(text[: int(entity["end"])]).split()
    return " ".join(words[:-1]) + " "


def _after(text: str, entity: Entity) -> str:
    return " " + normalise(text[int(entity["end"]):])


def current_uitkering(text: str, entities: Sequence[Entity]) -> Optional[Entity]:
    """The benefit the writer has now, or None (only hoped-for or other people's benefits)."""
    kept = []
    for entity in entities:
        if entity.get("value") in BENEFITS and (
            _HOPED_BEFORE.search(_before(text, entity)) or _HOPED_AFTER.search(_after(text, entity))
        ):
            continue
        kept.append(entity)
    if not kept:
        return None
    # A real benefit beats "geen" ("geen bijstand, wel ww"); otherwise the first one named.
    benefits = [e for e in kept if e.get("value") in BENEFITS]
    return (benefits or kept)[0]


def current_sector(text: str, entities: Sequence[Entity], rol: Optional[str]) -> Optional[Entity]:
    """The sector of the job the writer has (werkende, werkgever) or wants (werkzoekende)."""
    if not entities:
        return None
    wish = [e for e in entities if _WISH_BEFORE.search(_before(text, e))]
    past = [e for e in entities if _PAST_BEFORE.search(_before(text, e))]
    now = [e for e in entities if e not in wish and e not in past]
    if rol == "werkzoekende":
        return wish[-1] if wish else None
    if rol in ("werkende", "werkgever"):
        return now[0] if now else None
    return now[0] if now else None


def own_facts(text: str, entities: List[Entity], rol: Optional[str], eigen_uitkering: bool) -> List[Entity]:
    """The entities with one uitkering and one sector that belong to the writer (or none)."""
    uitkeringen = [e for e in entities if e.get("entity") == "uitkering"]
    sectoren = [e for e in entities if e.get("entity") == "sector"]
    rest = [e for e in entities if e.get("entity") not in ("uitkering", "sector")]
    keep = []
    if eigen_uitkering:
        uitkering = current_uitkering(text, uitkeringen)
        keep += [uitkering] if uitkering else []
    sector = current_sector(text, sectoren, rol)
    keep += [sector] if sector else []
    return sorted(rest + keep, key=lambda e: int(e.get("start", 0)))
