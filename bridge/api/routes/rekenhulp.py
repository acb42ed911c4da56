"""POST /api/rekenhulp/loonkostensubsidie: indicative monthly subsidy for an employer."""

from __future__ import annotations

from fastapi import APIRouter

from bridge.knowledge.deps import TodayDep
from bridge.knowledge.rekenhulp import (
    BRONNEN,
    JEUGDLOON_BRON,
    MAX_DEEL_WML,
    VAKANTIEBIJSLAG,
    VOLWASSEN_LEEFTIJD,
    VOORBEHOUD,
    WERKGEVERSLASTEN,
    bereken_loonkostensubsidie,
)
from bridge.schemas.errors import BODY, errors
from bridge.schemas.knowledge import RekenhulpPublic, RekenhulpRequest

router = APIRouter(prefix="/api/rekenhulp", tags=["rekenhulp"])


@router.post("/loonkostensubsidie", response_model=RekenhulpPublic, responses=errors(*BODY))
def calculate_loonkostensubsidie(body: RekenhulpRequest, today: TodayDep) -> RekenhulpPublic:
    """WML minus loonwaarde (max 70 % of WML) plus werkgeverslasten, per month, pro rata for the hours."""
    u = bereken_loonkostensubsidie(
        body.loonwaarde_procent, body.uren_per_week, today, body.brutoloon_per_maand, body.wml_per_uur, body.leeftijd
    )
    return RekenhulpPublic(
        indicatie_per_maand=float(u.indicatie_per_maand),
        opbouw={
            "loonkostensubsidie": float(u.loonkostensubsidie),
            "werkgeverslasten": float(u.werkgeverslasten),
            "maximum_bereikt": u.maximum_bereikt,
        },
        uitgangspunten={
            "wml_per_uur": float(u.wml_per_uur),
            "uren_per_maand": float(u.uren_per_maand),
            "wml_per_maand": float(u.wml_per_maand),
            "wml_per_maand_incl_vakantiebijslag": float(u.wml_per_maand_incl_vakantiebijslag),
            "functieloon_per_maand": float(u.functieloon_per_maand),
            "loonwaarde_per_maand": float(u.loonwaarde_per_maand),
            "vakantiebijslag": float(VAKANTIEBIJSLAG),
            "maximum_deel_wml": float(MAX_DEEL_WML),
            "werkgeverslasten_percentage": float(WERKGEVERSLASTEN),
            "wml_bron": u.wml_bron,
            # Added in issue 17: the minimumloon by age and the date its amount applies from.
            "wml_21_plus_per_uur": float(u.wml_21_plus_per_uur) if u.wml_21_plus_per_uur is not None else None,
            "wml_geldig_vanaf": u.wml_geldig_vanaf.isoformat() if u.wml_geldig_vanaf else None,
            "leeftijd": u.leeftijd,
            "minimumloon_percentage": float(u.minimumloon_percentage),
            "jeugdloon_bron": JEUGDLOON_BRON if u.leeftijd is not None and u.leeftijd < VOLWASSEN_LEEFTIJD else None,
        },
        waarschuwingen=u.waarschuwingen,
        voorbehoud=VOORBEHOUD,
        bronnen=BRONNEN,
        toelichting=list(u.toelichting),
    )
