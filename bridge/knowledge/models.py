"""Validated shapes of the knowledge base files (regelingen, O&O-fondsen, sectoren, regio's)."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

# The slot values and traits are the contract's, shared with the bot; re-exported (`X as X`) for the bridge.
from contract.values import Arrangeur as Arrangeur
from contract.values import Behoefte as Behoefte
from contract.values import Kenmerk as Kenmerk
from contract.values import Rol as Rol
from contract.values import Sector as Sector
from contract.values import Uitkering as Uitkering


class Status(str, Enum):
    """Curated status of a regeling or fund; `beeindigd` is also derived from `geldig_tot`."""

    open = "open"
    gesloten = "gesloten"
    beeindigd = "beeindigd"
    onzeker = "onzeker"


class Uitvoerder(str, Enum):
    """Organisations that carry out a regeling."""

    uwv = "UWV"
    gemeente = "gemeente"
    duo = "DUO"
    rvo = "RVO"
    uvb = "Uitvoering van Beleid SZW"
    belastingdienst = "Belastingdienst"
    oo_fonds = "O&O-fonds"
    werkgever = "werkgever"
    sociale_partners = "sociale partners"
    werkcentrum = "Werkcentrum"
    leerwerkloket = "leerwerkloket"
    ggz = "ggz-instelling"
    szw = "ministerie van SZW"


def _check_url(value: str) -> str:
    """Accept only absolute http(s) URLs as sources."""
    if not value.startswith(("https://", "http://")) or " " in value:
        raise ValueError(f"geen geldige URL: {value!r}")
    return value


Url = Annotated[str, AfterValidator(_check_url)]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$")]
NonEmpty = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    """Base: unknown fields are errors, so a typo in a YAML key fails loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Controle(_Strict):
    """One fact that was checked again, with the primary source that shows it and the day it was checked."""

    feit: NonEmpty
    bron: Url
    datum: dt.date
    uitkomst: NonEmpty | None = None  # what changed in the data, if anything


class Bedrag(_Strict):
    """One thing a regeling or fund pays or gives, with the year the amount applies to."""

    omschrijving: NonEmpty
    jaar: int | None = Field(default=None, ge=2000, le=2100)
    jaar_onbekend: bool = False

    @model_validator(mode="after")
    def _amount_needs_year(self) -> Bedrag:
        # Amounts change yearly; an amount without its year would be misleading,
        # unless the source gives none and the file says so explicitly.
        if "€" in self.omschrijving and self.jaar is None and not self.jaar_onbekend:
            raise ValueError("een bedrag in euro heeft een 'jaar' nodig (of 'jaar_onbekend: true')")
        return self


class VoorWie(_Strict):
    """Who a regeling is for; an empty list means 'no restriction on this field'."""

    rollen: list[Rol] = Field(min_length=1)
    uitkeringen: list[Uitkering] = []
    sectoren: list[Sector] = []
    voorwaarden: list[NonEmpty] = []
    # Which of `rollen` apply themselves; None: all of them. [] : none (e.g. the ggz-instelling applies).
    aanvragers: list[Rol] | None = None
    # Only for people with one of these traits (the first is the main one); [] : for everyone.
    doelgroepen: list[Kenmerk] = []
    # Not for people with one of these traits (e.g. a zzp'er has no werkgever to apply).
    uitgesloten: list[Kenmerk] = []
    # Only for people who can work with a lot of support only (beschut werk).
    zware_ondersteuning: bool = False
    # Regelingen of one groep overlap (they do not stack): the ranking shows the best one first.
    groep: NonEmpty | None = None

    @model_validator(mode="after")
    def _aanvragers_among_rollen(self) -> VoorWie:
        if self.aanvragers and not set(self.aanvragers) <= set(self.rollen):
            raise ValueError("'aanvragers' moeten ook in 'rollen' staan")
        return self


class Aanvragen(_Strict):
    """Who applies, where, and the deadlines."""

    wie: NonEmpty
    waar: NonEmpty
    termijn: str | None = None


class Regeling(_Strict):
    """One regeling as stored in knowledge/regelingen/<slug>.yml."""

    slug: Slug
    naam: NonEmpty
    aliassen: list[NonEmpty] = []
    samenvatting: NonEmpty
    voor_wie: VoorWie
    behoeften: list[Behoefte] = []
    wat_je_krijgt: list[Bedrag] = Field(min_length=1)
    aanvragen: Aanvragen
    uitvoerder: list[Uitvoerder] = Field(min_length=1)
    geldig_van: dt.date | None = None
    geldig_tot: dt.date | None = None
    status: Status
    opvolger: Slug | None = None
    bronnen: list[Url] = Field(min_length=1)
    peildatum: dt.date
    onzeker: list[NonEmpty] = []
    opmerking: str | None = None
    controles: list[Controle] = []  # facts checked again, each with its source (issue 17)

    @model_validator(mode="after")
    def _consistent(self) -> Regeling:
        if self.geldig_van and self.geldig_tot and self.geldig_tot < self.geldig_van:
            raise ValueError("geldig_tot ligt voor geldig_van")
        if self.status is Status.beeindigd and self.geldig_tot is None:
            raise ValueError("een beeindigde regeling heeft 'geldig_tot' nodig")
        if self.status is Status.onzeker and not (self.onzeker or self.opmerking):
            raise ValueError("status 'onzeker' vraagt om een toelichting in 'onzeker' of 'opmerking'")
        if self.opvolger == self.slug:
            raise ValueError("een regeling kan niet haar eigen opvolger zijn")
        return self


class OoFonds(_Strict):
    """One sectoral O&O-fonds as stored in knowledge/oo-fondsen/<slug>.yml."""

    slug: Slug
    naam: NonEmpty
    branche: NonEmpty
    sectoren: list[Sector] = []
    samenvatting: NonEmpty
    wat_betaalt: list[Bedrag] = Field(min_length=1)
    status: Status
    bronnen: list[Url] = Field(min_length=1)
    peildatum: dt.date
    onzeker: list[NonEmpty] = []
    controles: list[Controle] = []  # facts checked again, each with its source (issue 17)

    @model_validator(mode="after")
    def _consistent(self) -> OoFonds:
        if self.status is Status.onzeker and not self.onzeker:
            raise ValueError("status 'onzeker' vraagt om een toelichting in 'onzeker'")
        return self


class SubSector(_Strict):
    """A branche inside a contract sector with its own fund, found from the person's words.

    The `sector` slot keeps its contract values; a sub-sector is matched from the text (`trefwoorden`, whole
    words after normalising) or offered as a follow-up line when the sector is known but the branche is not.
    """

    naam: NonEmpty
    vraag: NonEmpty  # the follow-up question, e.g. "Werkt u bij een bakkerij?"
    trefwoorden: list[NonEmpty] = Field(min_length=1)
    fondsen: list[Slug] = Field(min_length=1)
    uitleg: NonEmpty


class SectorFondsen(_Strict):
    """Which funds serve one contract sector, or an honest note that none was found."""

    fondsen: list[Slug] = []
    uitleg: NonEmpty
    verwijzing: list[NonEmpty] = []
    bronnen: list[Url] = []
    # Branches with their own fund inside this sector (bakkers in detailhandel, ...); not in `fondsen`.
    subsectoren: list[SubSector] = []

    @model_validator(mode="after")
    def _no_fund_needs_pointer(self) -> SectorFondsen:
        # Without a fund the user still needs somewhere to go (cao, werkgever, SectorplanPlus).
        if not self.fondsen and not self.verwijzing:
            raise ValueError("zonder fonds is een 'verwijzing' nodig")
        return self


Telefoon = Annotated[str, Field(pattern=r"^(\+31|0)[0-9 -]{8,14}$")]


class Loket(_Strict):
    """A regional desk (WSP, Werkcentrum, leerwerkloket) and how to reach it.

    `bevestigd`: a stored page (`bron`) shows at least one way to reach this desk (`url`, `telefoon`
    or `adres`). Otherwise the desk is unconfirmed: it names no contact details of its own and points
    to the national site in `terugval`.
    """

    naam: NonEmpty
    url: Url | None = None
    telefoon: Telefoon | None = None
    adres: str | None = None
    bron: Url | None = None
    opmerking: str | None = None
    bevestigd: bool = False
    gecontroleerd: dt.date | None = None
    terugval: Url | None = None

    @model_validator(mode="after")
    def _contact_or_fallback(self) -> Loket:
        contact = self.url or self.telefoon or self.adres
        if self.bevestigd:
            if not (self.bron and contact):
                raise ValueError("een bevestigd loket vraagt om 'bron' en een url, telefoon of adres")
            if self.terugval:
                raise ValueError("een bevestigd loket heeft geen 'terugval' nodig")
        elif contact:
            raise ValueError("contactgegevens zonder bevestiging: zet 'bevestigd: true' met een 'bron'")
        elif not self.terugval:
            raise ValueError("een onbevestigd loket vraagt om 'terugval' (de landelijke site)")
        return self


class Regio(_Strict):
    """One arbeidsmarktregio with its regional loketten (knowledge/regios.yml)."""

    code: Annotated[str, Field(pattern=r"^AM\d{2}$")]
    naam: NonEmpty
    werkgeversservicepunt: Loket
    werkcentrum: Loket
    leerwerkloket: Loket | None = None


class Terugval(_Strict):
    """The national site an unconfirmed regional desk falls back to, with the page that names it."""

    naam: NonEmpty
    url: Url
    bron: Url


class RegiosFile(_Strict):
    """Top level of knowledge/regios.yml."""

    peildatum: dt.date
    zoek_via: Url
    bronnen: list[Url] = Field(min_length=1)
    # Per desk type ("werkgeversservicepunt", "werkcentrum", "leerwerkloket") the national fallback.
    terugval: dict[str, Terugval] = {}
    regios: list[Regio] = Field(min_length=1)
