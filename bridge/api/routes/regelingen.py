"""GET /api/regelingen (ranked search) and GET /api/regelingen/{slug}."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, status

from bridge.knowledge.dates import effective_status
from bridge.knowledge.deps import KnowledgeDep, TodayDep
from bridge.knowledge.fit import maak_intake
from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import Behoefte, Kenmerk, Regeling, Rol, Sector, SectorFondsen, Uitkering
from bridge.knowledge.regios import resolve_gemeente
from bridge.knowledge.search import Treffer, find_regelingen, fondsen_voor
from bridge.knowledge.subsectoren import vervolgvraag, vind_subsector
from bridge.schemas.errors import errors
from bridge.schemas.knowledge import (
    FondsPublic,
    OpvolgerPublic,
    RegelingenPublic,
    RegelingPublic,
    RegelingSummary,
    RegioPublic,
    SectorAdvies,
)

router = APIRouter(prefix="/api/regelingen", tags=["regelingen"])


def _opvolger(kb: KnowledgeBase, regeling: Regeling, today: dt.date) -> OpvolgerPublic | None:
    if regeling.opvolger is None:
        return None
    nieuw = kb.regelingen[regeling.opvolger]
    return OpvolgerPublic(slug=nieuw.slug, naam=nieuw.naam, status=effective_status(nieuw, today))


def _summary_fields(kb: KnowledgeBase, regeling: Regeling, today: dt.date, waarom: list[str]) -> dict[str, object]:
    return {
        "slug": regeling.slug,
        "naam": regeling.naam,
        "samenvatting": regeling.samenvatting.strip(),
        "status": effective_status(regeling, today),
        "uitvoerder": " / ".join(u.value for u in regeling.uitvoerder),
        "bronnen": regeling.bronnen,
        "peildatum": regeling.peildatum,
        "waarom": waarom,
        "geldig_tot": regeling.geldig_tot,
        "opvolger": _opvolger(kb, regeling, today),
        "onzeker": regeling.onzeker,
    }


def _summary(kb: KnowledgeBase, t: Treffer, today: dt.date) -> RegelingSummary:
    fields = _summary_fields(kb, t.regeling, today, t.waarom)
    return RegelingSummary.model_validate({**fields, "past_bij_u": t.past_bij_u})


def _sector_advies(
    kb: KnowledgeBase, sector: Sector | None, entry: SectorFondsen | None, tekst: str
) -> SectorAdvies | None:
    """The sector advice; a branche named in the text replaces it, else its sub-sectors are a follow-up line."""
    treffer = vind_subsector(kb, tekst, sector)
    if treffer is not None and treffer.fondsen:
        ouder = kb.sectoren[treffer.sector]
        return SectorAdvies(
            sector=treffer.sector,
            fondsen=[f.slug for f in treffer.fondsen],
            uitleg=" ".join(treffer.subsector.uitleg.split()),
            verwijzing=[],
            bronnen=list(ouder.bronnen),
            subsector=treffer.subsector.naam,
            subsectoren=[s.naam for s in ouder.subsectoren],
        )
    if entry is None or sector is None:
        return None
    return SectorAdvies(
        sector=sector,
        fondsen=list(entry.fondsen),
        uitleg=entry.uitleg,
        verwijzing=list(entry.verwijzing),
        bronnen=list(entry.bronnen),
        subsectoren=[s.naam for s in entry.subsectoren],
        vervolgvraag=vervolgvraag(kb, entry),
    )


@router.get("", response_model=RegelingenPublic)
def read_regelingen(
    kb: KnowledgeDep,
    today: TodayDep,
    rol: Rol | None = None,
    uitkering: Uitkering | None = None,
    sector: Sector | None = None,
    gemeente: str | None = None,
    behoefte: Behoefte | None = None,
    q: str | None = None,
    situatie: Annotated[
        str | None,
        Query(
            max_length=2000,
            description="The person's own words; only traits (kenmerken) and a branche are read from it.",
        ),
    ] = None,
    kenmerk: Annotated[list[Kenmerk] | None, Query(description="Traits the caller already knows.")] = None,
) -> RegelingenPublic:
    """Regelingen that fit the intake, best first; ended ones only when asked by name, with their successor."""
    intake = maak_intake(
        rol=rol, uitkering=uitkering, sector=sector, behoefte=behoefte, kenmerken=kenmerk or (), teksten=(situatie, q)
    )
    treffers = find_regelingen(kb, intake, q, today)
    entry, fondsen = fondsen_voor(kb, sector)
    # A branche with its own fund (bakkerij, uitvaart, ...) is read from the same words (issue 17).
    advies = _sector_advies(kb, sector, entry, " ".join(t for t in (situatie, q) if t))
    if advies is not None and advies.subsector is not None:
        fondsen = [kb.fondsen[s] for s in advies.fondsen] + [f for f in fondsen if f.slug not in advies.fondsen]
    waarschuwingen: list[str] = []
    regio: RegioPublic | None = None
    if gemeente:
        plaats = resolve_gemeente(kb, gemeente)
        if plaats is None:
            waarschuwingen.append(f"De plaats '{gemeente}' ken ik niet of is niet eenduidig.")
        else:
            r = plaats.regio
            regio = RegioPublic(
                gemeente=plaats.gemeente,
                arbeidsmarktregio=r.naam,
                arbeidsmarktregio_code=r.code,
                werkgeversservicepunt=r.werkgeversservicepunt.model_dump(mode="json"),
                werkcentrum=r.werkcentrum.model_dump(mode="json"),
                leerwerkloket=r.leerwerkloket.model_dump(mode="json") if r.leerwerkloket else None,
                zoek_via=kb.zoek_via,
            )
    return RegelingenPublic(
        regelingen=[_summary(kb, t, today) for t in treffers],
        count=len(treffers),
        oo_fondsen=[FondsPublic.model_validate(f.model_dump()) for f in fondsen],
        sector=advies,
        regio=regio,
        datum=today,
        waarschuwingen=waarschuwingen,
        kenmerken=sorted(intake.alle_kenmerken(), key=lambda k: k.value),
    )


@router.get("/{slug}", response_model=RegelingPublic, responses=errors(404))
def read_regeling(slug: str, kb: KnowledgeDep, today: TodayDep) -> RegelingPublic:
    """One regeling in full, with its status on today's date."""
    regeling = kb.regelingen.get(slug)
    if regeling is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, detail=f"Regeling '{slug}' bestaat niet in de kennisbank.")
    fields = _summary_fields(kb, regeling, today, [])
    return RegelingPublic.model_validate(
        {
            **fields,
            "aliassen": regeling.aliassen,
            "voor_wie": regeling.voor_wie.model_dump(mode="json"),
            "behoeften": [b.value for b in regeling.behoeften],
            "wat_je_krijgt": regeling.wat_je_krijgt,
            "aanvragen": regeling.aanvragen.model_dump(),
            "geldig_van": regeling.geldig_van,
            "opmerking": regeling.opmerking,
        }
    )
