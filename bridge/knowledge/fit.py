"""How well one regeling fits an intake, from the regeling's own conditions, and why (in one line).

The weights say what a counter worker weighs: a scheme made for the person's trait (an arbeidsbeperking,
an illness) or sector beats a general one; a scheme the person cannot apply for themselves, or whose
status is unsure, comes a little later; a scheme made for a trait nobody mentioned goes to the back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from bridge.knowledge.kenmerken import kenmerken_uit_behoefte, kenmerken_van
from bridge.knowledge.models import Behoefte, Kenmerk, Regeling, Rol, Sector, Status, Uitkering

BEHOEFTE_HOOFDDOEL = 8  # the intake's behoefte is the regeling's first (main) purpose
BEHOEFTE_OOK = 5  # one of its other purposes
DOELGROEP_HOOFD = 6  # made for the person's trait (its first doelgroep)
DOELGROEP_OOK = 4  # one of its other doelgroepen
DOELGROEP_PRECIES = 1  # per further doelgroep that also matches: the more specific scheme (LKV banenafspraak)
DOELGROEP_NIET_GENOEMD = -7  # made for a trait nobody mentioned (only werkgevers and unknown roles see these)
SECTOR = 4  # only for some sectors, and this is one of them
SECTOR_ONBEKEND = -3  # only for some sectors, and the intake does not say which one
UITKERING = 3
ROL = 2
NIET_ZELF_AANVRAGEN = -2  # someone else (usually the werkgever) applies
ALLEEN_EEN_UITKERING = -4  # only for one uitkering (Wajong), and the intake does not say which one the person has
ENKELE_UITKERINGEN = -1  # only for people with some uitkering, and the intake does not say which
ONZEKER = -1
ZELFDE_GROEP = -4  # a second regeling of a groep that does not stack (e.g. the LKV's)

_ROL_ZIN = {Rol.werkende: "u heeft werk", Rol.werkzoekende: "u zoekt werk", Rol.werkgever: "u bent werkgever"}
_BEHOEFTE_ZIN = {
    Behoefte.scholing: "u wilt een opleiding of cursus",
    Behoefte.ander_werk: "u wilt ander werk",
    Behoefte.werk_vinden: "u wilt aan het werk",
    Behoefte.ontslag_dreigt: "er dreigt ontslag",
    Behoefte.personeel_vinden: "u zoekt personeel",
    Behoefte.loonkostensubsidie: "u vraagt naar steun bij de loonkosten",
    Behoefte.praktijkleren: "u wilt leren in de praktijk",
    Behoefte.hulp_schulden_zorg: "u zoekt hulp",
    Behoefte.aanpassing_werkplek: "er is een aanpassing op het werk nodig",
    Behoefte.inkomen: "u heeft een vraag over inkomen",
}
_BEHOEFTE_ZIN_WERKGEVER = {
    Behoefte.scholing: "u wilt uw mensen laten leren",
    Behoefte.praktijkleren: "u wilt iemand in de praktijk opleiden",
}
_UITKERING_LABEL = {
    Uitkering.ww: "WW",
    Uitkering.wia: "WIA",
    Uitkering.wajong: "Wajong",
    Uitkering.bijstand: "bijstand",
    Uitkering.geen: "geen uitkering",
}
_UITKERING_NAAM = {
    Uitkering.ww: "een WW-uitkering",
    Uitkering.wia: "een WIA-uitkering",
    Uitkering.wajong: "Wajong",
    Uitkering.bijstand: "bijstand",
}
# (about the person themselves, about the employee a werkgever asks for)
_KENMERK_ZIN = {
    Kenmerk.arbeidsbeperking: ("u heeft een arbeidsbeperking", "de werknemer heeft een arbeidsbeperking"),
    Kenmerk.doelgroepregister: (
        "u hoort (misschien) bij de doelgroep banenafspraak",
        "de werknemer hoort bij de doelgroep banenafspraak",
    ),
    Kenmerk.zware_ondersteuning: ("u heeft veel begeleiding nodig", "de werknemer heeft veel begeleiding nodig"),
    Kenmerk.ziek: ("u bent ziek", "uw werknemer is ziek"),
    Kenmerk.psychische_klachten: ("u heeft psychische klachten", "de werknemer heeft psychische klachten"),
    Kenmerk.zzp: ("u werkt als zelfstandige", "u werkt als zelfstandige"),
    Kenmerk.ontslag: ("u verliest (misschien) uw baan", "er dreigt ontslag"),
}
_SECTOR_NAAM = {
    Sector.zorg: "de zorg",
    Sector.techniek: "de techniek",
    Sector.bouw: "de bouw",
    Sector.horeca: "de horeca",
    Sector.transport_logistiek: "transport en logistiek",
    Sector.ict: "de ICT",
    Sector.onderwijs: "het onderwijs",
    Sector.detailhandel: "de detailhandel",
    Sector.schoonmaak: "de schoonmaak",
    Sector.metaal: "de metaal",
    Sector.installatie: "de installatiebranche",
    Sector.kinderopvang: "de kinderopvang",
    Sector.overheid: "de overheid",
    Sector.landbouw: "de landbouw en het groen",
    Sector.zakelijke_dienstverlening: "de zakelijke dienstverlening",
    Sector.uitzend: "het uitzendwerk",
}
_MAX_REDENEN = 3  # the line stays one line


@dataclass(frozen=True)
class Intake:
    """The slots that steer the search (all optional), plus the traits of the situation."""

    rol: Rol | None = None
    uitkering: Uitkering | None = None
    sector: Sector | None = None
    behoefte: Behoefte | None = None
    kenmerken: frozenset[Kenmerk] = frozenset()  # stated (words, uitkering); see bridge/knowledge/kenmerken.py

    def kenmerken_voor_rol(self) -> frozenset[Kenmerk]:
        """Stated traits that count: a werkgever's "eigen bedrijf" does not make the employee a zzp'er."""
        if self.rol is Rol.werkgever:
            return self.kenmerken - {Kenmerk.zzp}
        return self.kenmerken

    def alle_kenmerken(self) -> frozenset[Kenmerk]:
        """Stated traits plus those the behoefte takes for granted."""
        return self.kenmerken_voor_rol() | kenmerken_uit_behoefte(self.behoefte)


def maak_intake(
    *,
    rol: Rol | None = None,
    uitkering: Uitkering | None = None,
    sector: Sector | None = None,
    behoefte: Behoefte | None = None,
    kenmerken: Iterable[Kenmerk] = (),
    teksten: Iterable[str | None] = (),
) -> Intake:
    """The intake as GET /api/regelingen builds it: slots plus the traits stated in the person's words."""
    gezegd = kenmerken_van(uitkering=uitkering, genoemd=kenmerken, teksten=teksten)
    return Intake(rol=rol, uitkering=uitkering, sector=sector, behoefte=behoefte, kenmerken=gezegd)


@dataclass
class Fit:
    """The score of one regeling for one intake, the reasons (for staff) and the clauses (for the line)."""

    score: int = 0
    waarom: list[str] = field(default_factory=list)
    redenen: list[str] = field(default_factory=list)  # most specific first
    niet_zelf: str | None = None  # who applies instead, when the person cannot


def uitgesloten(regeling: Regeling, intake: Intake) -> bool:
    """Hard exclusions from the regeling's own conditions (a name question skips these)."""
    voor_wie = regeling.voor_wie
    kenmerken = intake.alle_kenmerken()
    if intake.rol and intake.rol not in voor_wie.rollen:
        return True
    if intake.uitkering and voor_wie.uitkeringen and intake.uitkering not in voor_wie.uitkeringen:
        return True
    if intake.sector and voor_wie.sectoren and intake.sector not in voor_wie.sectoren:
        return True
    if voor_wie.zware_ondersteuning and Kenmerk.zware_ondersteuning not in kenmerken:
        return True  # beschut werk only when heavy support is said
    over_zichzelf = intake.rol in (Rol.werkende, Rol.werkzoekende)
    if over_zichzelf and voor_wie.doelgroepen and not set(voor_wie.doelgroepen) & kenmerken:
        return True  # about the person themselves: a scheme for a trait they do not have is not theirs
    return bool(set(voor_wie.uitgesloten) & kenmerken)


def _kenmerk_zin(kenmerk: Kenmerk, rol: Rol | None) -> str:
    zelf, werknemer = _KENMERK_ZIN[kenmerk]
    return werknemer if rol is Rol.werkgever else zelf


def _uitkering_zin(uitkering: Uitkering, rol: Rol | None) -> str:
    naam = _UITKERING_NAAM[uitkering]
    return f"de werknemer heeft {naam}" if rol is Rol.werkgever else f"u heeft {naam}"


def _behoefte_zin(behoefte: Behoefte, rol: Rol | None) -> str:
    if rol is Rol.werkgever and behoefte in _BEHOEFTE_ZIN_WERKGEVER:
        return _BEHOEFTE_ZIN_WERKGEVER[behoefte]
    return _BEHOEFTE_ZIN[behoefte]


def _niet_zelf_aanvragen(regeling: Regeling, rol: Rol | None) -> str | None:
    """Who applies instead of the person, when the regeling says the person cannot."""
    aanvragers = regeling.voor_wie.aanvragers
    if rol is None or aanvragers is None or rol in aanvragers:
        return None
    if Rol.werkgever in aanvragers:
        return "uw werkgever" if rol is Rol.werkende else "de werkgever die u aanneemt"
    if rol is Rol.werkgever and aanvragers:
        return "de werknemer zelf"
    # Someone outside the three roles ("De ggz-instelling.", "De loopbaanadviseur vraagt ... aan."): the name only.
    wie = re.split(r"[.,(]| vraagt", regeling.aanvragen.wie.strip(), maxsplit=1)[0].strip()
    return wie[:1].lower() + wie[1:]


def fit_regeling(regeling: Regeling, intake: Intake, status: Status) -> Fit:
    """Score `regeling` for `intake` from its behoeften, doelgroepen, uitkeringen, sectoren and rollen."""
    fit = Fit()
    voor_wie = regeling.voor_wie
    gezegd = intake.kenmerken_voor_rol()

    if voor_wie.doelgroepen:
        gedeeld = [k for k in voor_wie.doelgroepen if k in gezegd]
        if gedeeld:
            fit.score += DOELGROEP_HOOFD if gedeeld[0] is voor_wie.doelgroepen[0] else DOELGROEP_OOK
            fit.score += DOELGROEP_PRECIES * (len(gedeeld) - 1)
            fit.redenen.append(_kenmerk_zin(gedeeld[0], intake.rol))
            fit.waarom.append(f"Bedoeld voor: {gedeeld[0].value.replace('_', ' ')}.")
        elif not set(voor_wie.doelgroepen) & intake.alle_kenmerken():
            fit.score += DOELGROEP_NIET_GENOEMD
    if intake.uitkering and intake.uitkering in voor_wie.uitkeringen:
        fit.score += UITKERING
        if intake.uitkering in _UITKERING_NAAM:  # "u heeft geen uitkering" says nothing about the fit
            fit.redenen.append(_uitkering_zin(intake.uitkering, intake.rol))
        fit.waarom.append(f"Past bij uw uitkering: {_UITKERING_LABEL[intake.uitkering]}.")
    elif not intake.uitkering and voor_wie.uitkeringen and Uitkering.geen not in voor_wie.uitkeringen:
        fit.score += ALLEEN_EEN_UITKERING if len(voor_wie.uitkeringen) == 1 else ENKELE_UITKERINGEN
    if not intake.sector and voor_wie.sectoren:
        fit.score += SECTOR_ONBEKEND
    if intake.behoefte and intake.behoefte in regeling.behoeften:
        # The first listed behoefte is the regeling's main purpose.
        fit.score += BEHOEFTE_HOOFDDOEL if regeling.behoeften[0] is intake.behoefte else BEHOEFTE_OOK
        fit.redenen.append(_behoefte_zin(intake.behoefte, intake.rol))
        fit.waarom.append(f"Past bij uw vraag: {intake.behoefte.value.replace('_', ' ')}.")
    if intake.sector and intake.sector in voor_wie.sectoren:
        fit.score += SECTOR
        fit.redenen.append(f"het is er voor {_SECTOR_NAAM[intake.sector]}")
        fit.waarom.append(f"Bedoeld voor uw sector: {intake.sector.value.replace('_', ' ')}.")
    if intake.rol and intake.rol in voor_wie.rollen:
        fit.score += ROL
        # "u zoekt werk" would only repeat "u wilt aan het werk".
        if not (intake.rol is Rol.werkzoekende and intake.behoefte is Behoefte.werk_vinden):
            fit.redenen.append(_ROL_ZIN[intake.rol])
        fit.waarom.append(f"Past bij uw rol: {intake.rol.value}.")
    fit.niet_zelf = _niet_zelf_aanvragen(regeling, intake.rol)
    if fit.niet_zelf:
        fit.score += NIET_ZELF_AANVRAGEN
        fit.waarom.append(f"Aanvragen doet: {fit.niet_zelf}.")
    if status is Status.onzeker:
        fit.score += ONZEKER
    return fit


def past_bij_u(fit: Fit, extra: str | None = None) -> str | None:
    """One line, B1: why this regeling fits the person, and who applies when it is not them."""
    redenen = list(dict.fromkeys(([extra] if extra else []) + fit.redenen))  # once each ("er dreigt ontslag")
    zin = ""
    if redenen:
        delen = redenen[:_MAX_REDENEN]
        opsomming = delen[0] if len(delen) == 1 else f"{', '.join(delen[:-1])} en {delen[-1]}"
        zin = f"Past bij u: {opsomming}."
    if fit.niet_zelf:
        zin = f"{zin} U vraagt dit niet zelf aan; dat doet {fit.niet_zelf}.".strip()
    return zin or None
