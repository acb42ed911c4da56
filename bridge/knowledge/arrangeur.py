"""Arrangeur rules (Kamerbrief 33566 nr. 108): who is responsible for helping this person, and why.

The rules, the benefits and the signal phrases are data (arrangeur_regels.yml, with a source per rule);
this module reads the free text, merges it with the slots and takes the first rule that fits. A current
benefit outranks work status; werkenden without a benefit belong to the sociale partners; employers go to
the Werkgeversservicepunt of their region. Where the intake cannot settle it, the decision names the single
slot to ask for, and for a werkende it already answers provisionally.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bridge.knowledge.arrangeur_regels import GEEN, ONBEKEND, ArrangeurData, Regel, get_arrangeur_data
from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import Arrangeur, Loket, Rol, Uitkering
from bridge.knowledge.regios import Plaats, contact, loket_sociale_partners, resolve_gemeente
from bridge.knowledge.text import normalise

UWV_URL = "https://www.uwv.nl"
# A negation or a "straks" never reaches past the end of its sentence or clause.
_CLAUSE_END = re.compile(r"[.,!?;:\n]+")
# Bbz and aanvullende bijstand exist only for people who work (as zelfstandige or next to a job).
_ONLY_WHEN_WORKING = frozenset({"bbz", "aanvullende_bijstand"})


@dataclass(frozen=True)
class Signalen:
    """What the free-text description (`tekst`) says about the writer."""

    rol: Rol | None = None
    uitkeringen: frozenset[str] = frozenset()  # benefit keys named as current (not "geen WW meer")
    geen_uitkering: bool = False
    signalen: frozenset[str] = frozenset()  # rol signal groups found: werkgever, baan_kwijt, in_dienst, zzp, ...


@dataclass(frozen=True)
class Situatie:
    """The intake after merging slots and text; the input of the rule table."""

    rol: Rol | None = None
    uitkeringen: frozenset[str] = frozenset()  # benefits and work provisions (beschut werk, Wsw)
    heeft_uitkering: bool = False  # at least one income benefit among them
    geen_uitkering: bool = False  # said in so many words, and no benefit named
    signalen: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Besluit:
    """Outcome of the rules: arrangeur (or None), Dutch explanation, missing slot, loket, and which rule."""

    arrangeur: Arrangeur | None
    uitleg: str
    ontbreekt: list[str]
    loket: dict[str, object] | None
    regel: str | None = None
    bronnen: list[str] = field(default_factory=list)
    voorlopig: bool = False


def _sentences(tekst: str) -> list[str]:
    return [s for s in (normalise(part) for part in _CLAUSE_END.split(tekst)) if s]


def _negated(data: ArrangeurData, sentence: str, match: re.Match[str]) -> bool:
    before, after = sentence[: match.start()], sentence[match.end() :].lstrip()
    return any(p.search(before) for p in data.ontkenning_voor) or any(p.match(after) for p in data.ontkenning_na)


def _current_benefits(data: ArrangeurData, sentences: list[str]) -> frozenset[str]:
    found = set()
    for key, uitkering in data.uitkeringen.items():
        for sentence in sentences:
            if any(not _negated(data, sentence, m) for p in uitkering.patronen for m in p.finditer(sentence)):
                found.add(key)
                break
    return frozenset(found)


def lees_signalen(tekst: str | None, data: ArrangeurData | None = None) -> Signalen:
    """Read rol, current benefits and "geen uitkering" from `tekst`."""
    if not tekst:
        return Signalen()
    data = data or get_arrangeur_data()
    sentences = _sentences(tekst)
    groups = [g for g in data.rol_signalen if any(p.search(s) for p in g.patronen for s in sentences)]
    return Signalen(
        rol=groups[0].rol if groups else None,  # the groups are in order of precedence
        uitkeringen=_current_benefits(data, sentences),
        geen_uitkering=any(p.search(s) for p in data.geen_uitkering for s in sentences),
        signalen=frozenset(g.signaal for g in groups),
    )


def situatie(
    rol: Rol | None, uitkering: Uitkering | None, tekst: str | None, data: ArrangeurData | None = None
) -> Situatie:
    """Merge slots with text signals: a given slot wins, except that a benefit named in the text
    outranks the answer "geen" (someone with IOW answers "geen" to a list without IOW)."""
    data = data or get_arrangeur_data()
    s = lees_signalen(tekst, data)
    named = set(s.uitkeringen)
    if uitkering is not None and uitkering is not Uitkering.geen:
        named.add(data.slot_uitkering(uitkering))
    heeft = any(not data.uitkeringen[key].voorziening for key in named)
    rol = rol or s.rol or (Rol.werkende if named & _ONLY_WHEN_WORKING else None)
    return Situatie(
        rol=rol,
        uitkeringen=frozenset(named),
        heeft_uitkering=heeft,
        geen_uitkering=not heeft and (uitkering is Uitkering.geen or s.geen_uitkering),
        signalen=s.signalen,
    )


def _has_uitkering(s: Situatie, value: str) -> bool:
    if value == GEEN:
        return s.geen_uitkering
    if value == ONBEKEND:
        return not s.heeft_uitkering and not s.geen_uitkering
    return value in s.uitkeringen


def past(regel: Regel, s: Situatie) -> bool:
    """Whether the rule's condition fits the situation."""
    als = regel.als
    if als.rol is not None and (s.rol.value if s.rol else ONBEKEND) not in als.rol:
        return False
    if als.uitkering is not None and not any(_has_uitkering(s, v) for v in als.uitkering):
        return False
    return set(als.signaal) <= s.signalen


def kies_regel(s: Situatie, data: ArrangeurData | None = None) -> Regel:
    """The first rule that fits (the table ends with a rule that always fits)."""
    data = data or get_arrangeur_data()
    return next(regel for regel in data.regels if past(regel, s))


def _loket(kb: KnowledgeBase, arrangeur: Arrangeur, plaats: Plaats | None) -> dict[str, object] | None:
    """The desk to go to; organisation names match the handoff queues of the bridge."""
    regio = plaats.regio if plaats else None
    basis: dict[str, object] = {
        "gemeente": plaats.gemeente if plaats else None,
        "arbeidsmarktregio": regio.naam if regio else None,
        "arbeidsmarktregio_code": regio.code if regio else None,
        "zoek_via": kb.zoek_via,
        "werkcentrum": regio.werkcentrum.model_dump(mode="json") if regio else None,
    }
    if arrangeur is Arrangeur.uwv:
        return {
            "organisatie": "UWV",
            "soort": "uwv",
            "url": UWV_URL,
            "bron": None,
            "toelichting": "Neem contact op met UWV via uwv.nl of werk.nl.",
            **basis,
        }
    if plaats is None or regio is None:
        return None
    if arrangeur is Arrangeur.gemeente:
        return {
            "organisatie": f"Gemeente {plaats.gemeente}",
            "soort": "gemeente",
            "url": None,
            "bron": None,
            "toelichting": f"Neem contact op met de afdeling werk en inkomen van de gemeente {plaats.gemeente}.",
            **basis,
        }
    if arrangeur is Arrangeur.werkgeversservicepunt:
        # The queue name (bridge/services/queues.py); the desk's own name may differ (e.g. "WSP WerkHart").
        return _from_loket(
            "werkgeversservicepunt", regio.werkgeversservicepunt, f"Werkgeversservicepunt {regio.naam}", basis
        )
    desk = loket_sociale_partners(regio)
    return _from_loket("sociale_partners", desk, f"Sociale partners / Leerwerkloket {regio.naam}", basis)


def _from_loket(soort: str, loket: Loket, organisatie: str, basis: dict[str, object]) -> dict[str, object]:
    # contact(): naam, url, telefoon, adres, bevestigd, terugval (national site when unconfirmed), gecontroleerd.
    return {
        "organisatie": organisatie,
        "soort": soort,
        **contact(loket),
        "bron": loket.bron,
        "toelichting": loket.opmerking,
        **basis,
    }


def bepaal_arrangeur(
    kb: KnowledgeBase,
    rol: Rol | None = None,
    uitkering: Uitkering | None = None,
    gemeente: str | None = None,
    tekst: str | None = None,
) -> Besluit:
    """Apply the rule table to the intake and attach the regional loket."""
    data = get_arrangeur_data()
    regel = kies_regel(situatie(rol, uitkering, tekst, data), data)
    bronnen = [data.bronnen[key] for key in regel.bronnen]
    vraag: list[str] = [regel.vraag] if regel.vraag else []
    if regel.arrangeur is None:
        return Besluit(None, regel.reden, vraag, None, regel.id, bronnen)
    loket = _loket(kb, regel.arrangeur, resolve_gemeente(kb, gemeente))
    uitleg = regel.reden
    if loket is None and not vraag:
        # The arrangeur is settled; only the place of the loket is still open.
        vraag = ["gemeente"]
        onbekend = f" Ik ken de plaats '{gemeente}' niet." if gemeente else ""
        uitleg = f"{uitleg}{onbekend} In welke gemeente woont u (of zit uw bedrijf)? Dan noem ik het loket bij u in de buurt."
    return Besluit(regel.arrangeur, uitleg, vraag, loket, regel.id, bronnen, regel.voorlopig)


__all__ = ["Besluit", "Signalen", "Situatie", "bepaal_arrangeur", "kies_regel", "lees_signalen", "past", "situatie"]
