"""Find and rank regelingen for an intake and/or a free-text question, with the reasons why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bridge.knowledge.dates import STATUS_ORDER, effective_status
from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import Behoefte, OoFonds, Regeling, Rol, Sector, SectorFondsen, Status, Uitkering
from bridge.knowledge.text import normalise, tokens

# Words too common to count as a match between a question and a summary.
_STOPWORDS = frozenset(
    "aan als bij dat de den der die dit een en er heb heeft het hoe ik in is je kan kun kunt met mijn naar "
    "niet nog of om ook op over te u uw van voor wat wel welke wie wil zijn zo bestaat nog meer graag".split()
)
_ROL_LABEL = {Rol.werkende: "werkende", Rol.werkzoekende: "werkzoekende", Rol.werkgever: "werkgever"}
_UITKERING_LABEL = {
    Uitkering.ww: "WW",
    Uitkering.wia: "WIA",
    Uitkering.wajong: "Wajong",
    Uitkering.bijstand: "bijstand",
    Uitkering.geen: "geen uitkering",
}
_BEHOEFTE_LABEL = {
    Behoefte.scholing: "scholing",
    Behoefte.ander_werk: "ander werk",
    Behoefte.werk_vinden: "werk vinden",
    Behoefte.ontslag_dreigt: "dreigend ontslag",
    Behoefte.personeel_vinden: "personeel vinden",
    Behoefte.loonkostensubsidie: "loonkostensubsidie",
    Behoefte.praktijkleren: "praktijkleren",
    Behoefte.hulp_schulden_zorg: "hulp bij schulden of zorg",
    Behoefte.aanpassing_werkplek: "aanpassing van de werkplek",
    Behoefte.inkomen: "inkomen",
}


@dataclass(frozen=True)
class Intake:
    """The slots that steer the search (all optional)."""

    rol: Rol | None = None
    uitkering: Uitkering | None = None
    sector: Sector | None = None
    behoefte: Behoefte | None = None


@dataclass
class Treffer:
    """One regeling in a result list, with its score, status on the given day and reasons."""

    regeling: Regeling
    status: Status
    score: int
    waarom: list[str] = field(default_factory=list)


def _ngrams(words: list[str], max_n: int = 4) -> set[str]:
    """Compact (space-free) forms of every run of up to `max_n` words."""
    return {"".join(words[i : i + n]) for n in range(1, max_n + 1) for i in range(len(words) - n + 1)}


def name_match(regeling: Regeling, q: str) -> str | None:
    """The alias (or name) of `regeling` that `q` mentions, if any."""
    q_words = tokens(q)
    if not q_words:
        return None
    grams = _ngrams(q_words)
    best: tuple[int, str] | None = None
    for alias in [regeling.slug.replace("-", " "), regeling.naam, *regeling.aliassen]:
        compact = normalise(alias).replace(" ", "")
        if not compact:
            continue
        hit = compact in grams or (
            # Allow a typo in longer names only ("noriskpollis"), never in short ones like "stap".
            len(compact) >= 8 and any(fuzz.ratio(compact, g) >= 90 for g in grams if abs(len(g) - len(compact)) <= 2)
        )
        if hit and (best is None or len(compact) > best[0]):
            best = (len(compact), alias)
    return best[1] if best else None


def _text_hits(regeling: Regeling, q: str) -> list[str]:
    """Meaningful words of `q` that occur in the regeling's name or summary."""
    haystack = set(tokens(f"{regeling.naam} {regeling.samenvatting} {' '.join(regeling.aliassen)}"))
    return sorted({w for w in tokens(q) if len(w) >= 4 and w not in _STOPWORDS and w in haystack})


def _passes_filters(regeling: Regeling, intake: Intake) -> bool:
    """Hard filters: an explicit rol/uitkering/sector list that excludes the intake drops the regeling."""
    voor_wie = regeling.voor_wie
    if intake.rol and intake.rol not in voor_wie.rollen:
        return False
    if intake.uitkering and voor_wie.uitkeringen and intake.uitkering not in voor_wie.uitkeringen:
        return False
    return not (intake.sector and voor_wie.sectoren and intake.sector not in voor_wie.sectoren)


def find_regelingen(kb: KnowledgeBase, intake: Intake, q: str | None, today: dt.date) -> list[Treffer]:
    """Regelingen that fit, best first; ended ones only when asked by name, followed by their successor."""
    q = (q or "").strip()
    named: dict[str, str] = {}
    texts: dict[str, list[str]] = {}
    for slug, regeling in kb.regelingen.items():
        alias = name_match(regeling, q) if q else None
        if alias:
            named[slug] = alias
        elif q:
            hits = _text_hits(regeling, q)
            if hits:
                texts[slug] = hits
    if named:
        texts = {}  # a question by name is about that regeling; loose word hits would only add noise

    treffers: list[Treffer] = []
    for slug, regeling in kb.regelingen.items():
        status = effective_status(regeling, today)
        asked_by_name = slug in named
        if status is Status.beeindigd and not asked_by_name:
            continue  # never offer a scheme that no longer exists
        if not asked_by_name and not _passes_filters(regeling, intake):
            continue
        score, waarom = 0, []
        if asked_by_name:
            score += 100 + len(named[slug])
            waarom.append(f"U vroeg naar '{named[slug]}'.")
        if intake.behoefte and intake.behoefte in regeling.behoeften:
            # The first listed behoefte is the regeling's main purpose.
            score += 8 if regeling.behoeften[0] is intake.behoefte else 5
            waarom.append(f"Past bij uw vraag: {_BEHOEFTE_LABEL[intake.behoefte]}.")
        if intake.uitkering and intake.uitkering in regeling.voor_wie.uitkeringen:
            score += 3
            waarom.append(f"Past bij uw uitkering: {_UITKERING_LABEL[intake.uitkering]}.")
        if intake.sector and intake.sector in regeling.voor_wie.sectoren:
            score += 3
            waarom.append(f"Bedoeld voor uw sector: {intake.sector.value.replace('_', ' ')}.")
        if intake.rol and intake.rol in regeling.voor_wie.rollen:
            score += 2
            waarom.append(f"Past bij uw rol: {_ROL_LABEL[intake.rol]}.")
        if slug in texts:
            score += 2 * len(texts[slug])
            waarom.append(f"Sluit aan bij uw woorden: {', '.join(texts[slug])}.")
        # Relevance gate: with a behoefte or a question that matched something, only matches count.
        if intake.behoefte and not asked_by_name and intake.behoefte not in regeling.behoeften:
            continue
        if named and not asked_by_name:
            continue
        if texts and slug not in texts and not intake.behoefte:
            continue
        treffers.append(Treffer(regeling, status, score, waarom))

    _add_successors(kb, treffers, today)
    treffers.sort(key=lambda t: (-t.score, STATUS_ORDER[t.status], t.regeling.naam))
    return treffers


def _add_successors(kb: KnowledgeBase, treffers: list[Treffer], today: dt.date) -> None:
    """Put the successor right after each ended regeling that was asked for."""
    present = {t.regeling.slug: t for t in treffers}
    for t in list(treffers):
        opvolger = t.regeling.opvolger
        if t.status is not Status.beeindigd or opvolger is None:
            continue
        reden = f"Opvolger van {t.regeling.naam}."
        if opvolger in present:
            present[opvolger].score = max(present[opvolger].score, t.score - 1)
            present[opvolger].waarom.insert(0, reden)
            continue
        nieuw = kb.regelingen[opvolger]
        extra = Treffer(nieuw, effective_status(nieuw, today), t.score - 1, [reden])
        treffers.append(extra)
        present[opvolger] = extra


def fondsen_voor(kb: KnowledgeBase, sector: Sector | None) -> tuple[SectorFondsen | None, list[OoFonds]]:
    """The sector mapping entry and its funds (ended funds left out)."""
    if sector is None:
        return None, []
    entry = kb.sectoren[sector]
    funds = [kb.fondsen[s] for s in entry.fondsen if kb.fondsen[s].status is not Status.beeindigd]
    return entry, funds
