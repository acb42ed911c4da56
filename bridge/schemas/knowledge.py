"""Public response and request shapes of /api/regelingen, /api/arrangeur and /api/rekenhulp."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from pydantic import BaseModel, ConfigDict, Field

from bridge.knowledge.models import Arrangeur, Bedrag, Kenmerk, Rol, Sector, Status, Uitkering
from bridge.schemas.text import Text


class OpvolgerPublic(BaseModel):
    """The regeling that replaced an ended one."""

    slug: str
    naam: str
    status: Status


class RegelingSummary(BaseModel):
    """One regeling in a result list (a card in the chat)."""

    slug: str
    naam: str
    samenvatting: str
    status: Status
    uitvoerder: str
    bronnen: list[str]
    peildatum: dt.date
    waarom: list[str]
    geldig_tot: dt.date | None
    opvolger: OpvolgerPublic | None
    onzeker: list[str]
    # Added in issue 17: one line (B1) why it fits this person, and who applies when they cannot.
    past_bij_u: str | None = None


class RegelingPublic(RegelingSummary):
    """One regeling in full (GET /api/regelingen/{slug})."""

    aliassen: list[str]
    voor_wie: dict[str, object]
    behoeften: list[str]
    wat_je_krijgt: list[Bedrag]
    aanvragen: dict[str, object]
    geldig_van: dt.date | None
    opmerking: str | None


class FondsPublic(BaseModel):
    """An O&O-fonds for the intake's sector."""

    slug: str
    naam: str
    branche: str
    sectoren: list[Sector]
    samenvatting: str
    wat_betaalt: list[Bedrag]
    status: Status
    bronnen: list[str]
    peildatum: dt.date
    onzeker: list[str]


class SectorAdvies(BaseModel):
    """Which funds serve the sector, or an honest 'none found' with where to go instead."""

    sector: Sector
    fondsen: list[str]
    uitleg: str
    verwijzing: list[str]
    bronnen: list[str]
    # Added in issue 17: branches with their own fund inside the sector. `subsector` is the one the person's
    # words name (then `fondsen` and `uitleg` are that branche's); otherwise `vervolgvraag` offers them all.
    subsector: str | None = None
    subsectoren: list[str] = []
    vervolgvraag: str | None = None


class RegioPublic(BaseModel):
    """The intake's gemeente with its arbeidsmarktregio and regional loketten."""

    gemeente: str
    arbeidsmarktregio: str
    arbeidsmarktregio_code: str
    werkgeversservicepunt: dict[str, object]
    werkcentrum: dict[str, object]
    leerwerkloket: dict[str, object] | None
    zoek_via: str


class RegelingenPublic(BaseModel):
    """GET /api/regelingen: ranked regelingen plus sector funds and the regional loketten."""

    regelingen: list[RegelingSummary]
    count: int
    oo_fondsen: list[FondsPublic]
    sector: SectorAdvies | None
    regio: RegioPublic | None
    datum: dt.date = Field(description="The date against which open/ended was decided.")
    waarschuwingen: list[str]
    kenmerken: list[Kenmerk] = Field(
        default=[], description="Traits of the situation the ranking used (added in issue 17)."
    )


class ArrangeurRequest(BaseModel):
    """POST /api/arrangeur body; every field is optional."""

    model_config = ConfigDict(extra="forbid")

    rol: Rol | None = None
    uitkering: Uitkering | None = None
    gemeente: Text | None = None
    tekst: Text | None = Field(default=None, max_length=2000)


class ArrangeurPublic(BaseModel):
    """The responsible organisation, why, the one missing slot, and the regional loket."""

    arrangeur: Arrangeur | None
    uitleg: str
    ontbreekt: list[str]
    loket: dict[str, object] | None
    # Added in issue 17 (optional for clients): which rule decided, its primary sources, and whether the
    # arrangeur is provisional (a werkende whose uitkering is not known yet; `ontbreekt` says what to ask).
    regel: str | None = Field(default=None, description="Id van de regel in bridge/knowledge/arrangeur_regels.yml.")
    bronnen: list[str] = Field(default_factory=list, description="Primaire bronnen van die regel.")
    voorlopig: bool = Field(
        default=False, description="Voorlopig antwoord; kan veranderen met het antwoord op `ontbreekt`."
    )


class RekenhulpRequest(BaseModel):
    """POST /api/rekenhulp/loonkostensubsidie body."""

    model_config = ConfigDict(extra="forbid")

    loonwaarde_procent: Decimal = Field(ge=0, le=100)
    uren_per_week: Decimal = Field(gt=0, le=60)
    # Upper bounds far above any real wage: amounts beyond them are typing errors, and astronomic ones
    # (found by the API fuzz) overflow the cent rounding.
    brutoloon_per_maand: Decimal | None = Field(default=None, gt=0, le=100_000)
    wml_per_uur: Decimal | None = Field(
        default=None, gt=0, le=1_000, description="Override of the minimumloon per uur for 21 jaar en ouder."
    )
    # Added in issue 17 (optional): the employee's age; below 21 the minimumjeugdloon is used.
    leeftijd: int | None = Field(default=None, ge=15, le=100, description="Leeftijd van de werknemer (15 of ouder).")


class RekenhulpPublic(BaseModel):
    """Indicative monthly subsidy with its breakdown and the caveat (amounts in euro, as JSON numbers)."""

    indicatie_per_maand: float
    opbouw: dict[str, object]
    uitgangspunten: dict[str, object]
    waarschuwingen: list[str]
    voorbehoud: str
    bronnen: list[str]
    # Added in issue 17: which minimumloon (age, amount, from which date) the calculation used, in B1 Dutch.
    toelichting: list[str] = []
