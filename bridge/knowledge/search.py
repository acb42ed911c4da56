"""Find and rank regelingen for an intake and/or a free-text question, with the reasons why."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from bridge.knowledge.dates import STATUS_ORDER, effective_status
from bridge.knowledge.fit import ZELFDE_GROEP, Intake, fit_regeling, past_bij_u, uitgesloten
from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import OoFonds, Regeling, Sector, SectorFondsen, Status
from bridge.knowledge.text import normalise, tokens

__all__ = ["Intake", "Treffer", "find_regelingen", "fondsen_voor", "name_match"]

# Words too common to count as a match between a question and a summary.
_STOPWORDS = frozenset(
    "aan als bij dat de den der die dit een en er heb heeft het hoe ik in is je kan kun kunt met mijn naar "
    "niet nog of om ook op over te u uw van voor wat wel welke wie wil zijn zo bestaat nog meer graag".split()
)


@dataclass
class Treffer:
    """One regeling in a result list, with its score, status on the given day and reasons."""

    regeling: Regeling
    status: Status
    score: int
    waarom: list[str] = field(default_factory=list)
    past_bij_u: str | None = None


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
        if not asked_by_name and uitgesloten(regeling, intake):
            continue
        # Relevance gate: with a behoefte or a question that matched something, only matches count.
        if not asked_by_name and (
            (intake.behoefte and intake.behoefte not in regeling.behoeften)
            or named
            or (texts and slug not in texts and not intake.behoefte)
        ):
            continue
        fit = fit_regeling(regeling, intake, status)
        extra = None
        if asked_by_name:
            fit.score += 100 + len(named[slug])
            fit.waarom.insert(0, f"U vroeg naar '{named[slug]}'.")
            extra = f"u vroeg naar '{named[slug]}'"
        if slug in texts:
            fit.score += 2 * len(texts[slug])
            fit.waarom.append(f"Sluit aan bij uw woorden: {', '.join(texts[slug])}.")
        treffers.append(Treffer(regeling, status, fit.score, fit.waarom, past_bij_u(fit, extra)))

    _add_successors(kb, treffers, today)
    _sort(treffers)
    _one_per_groep_first(treffers)
    return treffers


def _sort(treffers: list[Treffer]) -> None:
    treffers.sort(key=lambda t: (-t.score, STATUS_ORDER[t.status], t.regeling.naam))


def _one_per_groep_first(treffers: list[Treffer]) -> None:
    """Regelingen of one groep do not stack: after the best one, the others move back."""
    seen: set[str] = set()
    for t in treffers:
        groep = t.regeling.voor_wie.groep
        if groep is None or t.status is Status.beeindigd:
            continue
        if groep in seen:
            t.score += ZELFDE_GROEP
        seen.add(groep)
    _sort(treffers)


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
        zin = f"Past bij u: dit is de opvolger van {t.regeling.naam}."
        extra = Treffer(nieuw, effective_status(nieuw, today), t.score - 1, [reden], zin)
        treffers.append(extra)
        present[opvolger] = extra


def fondsen_voor(kb: KnowledgeBase, sector: Sector | None) -> tuple[SectorFondsen | None, list[OoFonds]]:
    """The sector mapping entry and its funds (ended funds left out)."""
    if sector is None:
        return None, []
    entry = kb.sectoren[sector]
    funds = [kb.fondsen[s] for s in entry.fondsen if kb.fondsen[s].status is not Status.beeindigd]
    return entry, funds
