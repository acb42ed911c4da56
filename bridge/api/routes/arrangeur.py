"""POST /api/arrangeur: which organisation arranges help for this intake, and why."""

from __future__ import annotations

from fastapi import APIRouter

from bridge.knowledge.arrangeur import bepaal_arrangeur
from bridge.knowledge.deps import KnowledgeDep
from bridge.schemas.errors import BODY, errors
from bridge.schemas.knowledge import ArrangeurPublic, ArrangeurRequest

router = APIRouter(prefix="/api/arrangeur", tags=["arrangeur"])


@router.post("", response_model=ArrangeurPublic, responses=errors(*BODY))
def decide_arrangeur(body: ArrangeurRequest, kb: KnowledgeDep) -> ArrangeurPublic:
    """Apply the arrangeur rules (Kamerbrief 33566 nr. 108) to rol, uitkering, gemeente and free text."""
    besluit = bepaal_arrangeur(kb, rol=body.rol, uitkering=body.uitkering, gemeente=body.gemeente, tekst=body.tekst)
    return ArrangeurPublic(
        arrangeur=besluit.arrangeur,
        uitleg=besluit.uitleg,
        ontbreekt=besluit.ontbreekt,
        loket=besluit.loket,
        regel=besluit.regel,
        bronnen=besluit.bronnen,
        voorlopig=besluit.voorlopig,
    )
