"""What a plan says (issue 15), built from the intake and the knowledge base: pure functions.

The content is plain JSON (it is stored with every version): situatie, arrangeur (with the rule's
uitleg), loket, regelingen (what you get, conditions, how and where to apply, until when, source,
peildatum; an ended one only as "bestaat niet meer, kijk naar <opvolger>"), stappen and afspraken.
Only enumerated intake values and knowledge-base text go in; free text (afspraken) is redacted.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from bridge.knowledge.arrangeur import bepaal_arrangeur
from bridge.knowledge.dates import effective_status
from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.models import Behoefte, Regeling, Rol, Sector, Status, Uitkering
from bridge.knowledge.regios import resolve_gemeente
from bridge.knowledge.search import Intake, find_regelingen
from bridge.privacy.redaction import redact

MAX_REGELINGEN = 6
INTAKE_FIELDS = ("rol", "uitkering", "gemeente", "arbeidsmarktregio", "sector", "behoefte", "arrangeur")

ROL_ZIN = {"werkende": "U heeft werk.", "werkzoekende": "U zoekt werk.", "werkgever": "U bent werkgever."}
UITKERING_ZIN = {
    "ww": "U heeft een WW-uitkering.",
    "wia": "U heeft een WIA-uitkering.",
    "wajong": "U heeft een Wajong-uitkering.",
    "bijstand": "U heeft een bijstandsuitkering.",
    "geen": "U heeft geen uitkering.",
}
BEHOEFTE_TEKST = {
    "scholing": "een opleiding of cursus volgen",
    "ander_werk": "ander werk vinden",
    "werk_vinden": "werk vinden",
    "ontslag_dreigt": "hulp nu uw baan misschien stopt",
    "personeel_vinden": "personeel vinden",
    "loonkostensubsidie": "loonkostensubsidie voor een medewerker",
    "praktijkleren": "iemand opleiden in de praktijk",
    "hulp_schulden_zorg": "hulp bij schulden of zorgen",
    "aanpassing_werkplek": "een aangepaste werkplek",
    "inkomen": "weten waar u inkomen kunt krijgen",
}
SECTOR_TEKST = {
    "transport_logistiek": "transport en logistiek",
    "ict": "ICT",
    "zakelijke_dienstverlening": "zakelijke dienstverlening",
    "uitzend": "uitzendwerk",
}
ARRANGEUR_NAAM = {
    "uwv": "UWV",
    "gemeente": "Uw gemeente",
    "sociale_partners": "De sociale partners",
    "werkgeversservicepunt": "Het Werkgeversservicepunt",
}


def _enum(kind: type[Any], value: Any) -> Any:
    try:
        return kind(value) if value else None
    except ValueError:
        return None


def clean_intake(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Only the intake's plain facts (slot values), never contact details or free text."""
    intake: dict[str, Any] = {}
    for name in INTAKE_FIELDS:
        value = (raw or {}).get(name)
        if isinstance(value, str) and 0 < len(value) <= 100:
            intake[name] = value
    slugs = (raw or {}).get("regelingen")
    if isinstance(slugs, list):
        intake["regelingen"] = [s for s in slugs if isinstance(s, str) and len(s) <= 100]
    return intake


def has_advice(intake: dict[str, Any]) -> bool:
    """True once the bot has advised: the rol is known and the arrangeur or the regelingen were looked up."""
    return bool(intake.get("rol")) and (bool(intake.get("arrangeur")) or isinstance(intake.get("regelingen"), list))


def situatie(intake: dict[str, Any]) -> dict[str, Any]:
    """The situation in plain words, one sentence per fact."""
    rol = intake.get("rol")
    zinnen = [ROL_ZIN[rol]] if rol in ROL_ZIN else []
    if intake.get("uitkering") in UITKERING_ZIN and rol != "werkgever":
        zinnen.append(UITKERING_ZIN[intake["uitkering"]])
    if intake.get("gemeente"):
        waar = "Uw bedrijf zit in" if rol == "werkgever" else "U woont in"
        regio = f" (arbeidsmarktregio {intake['arbeidsmarktregio']})" if intake.get("arbeidsmarktregio") else ""
        zinnen.append(f"{waar} {intake['gemeente']}{regio}.")
    if intake.get("sector"):
        sector = SECTOR_TEKST.get(intake["sector"], intake["sector"])
        wie = "Uw bedrijf werkt" if rol == "werkgever" else "U werkt"
        zinnen.append(f"{wie} in de sector {sector}.")
    if intake.get("behoefte") in BEHOEFTE_TEKST:
        zinnen.append(f"U wilt: {BEHOEFTE_TEKST[intake['behoefte']]}.")
    return {"feiten": {k: intake.get(k) for k in INTAKE_FIELDS if k != "arrangeur"}, "zinnen": zinnen}


def _loket(besluit_loket: dict[str, Any] | None) -> dict[str, Any] | None:
    if not besluit_loket:
        return None
    werkcentrum = besluit_loket.get("werkcentrum") or None
    return {
        "organisatie": besluit_loket.get("organisatie"),
        "naam": besluit_loket.get("naam") or besluit_loket.get("organisatie"),
        "url": besluit_loket.get("url") or besluit_loket.get("terugval") or besluit_loket.get("zoek_via"),
        # How to reach the desk (issue 17): own phone/address when confirmed; else `url` is the national site.
        "telefoon": besluit_loket.get("telefoon"),
        "adres": besluit_loket.get("adres"),
        "bevestigd": bool(besluit_loket.get("bevestigd")),
        "toelichting": besluit_loket.get("toelichting"),
        "werkcentrum": {"naam": werkcentrum.get("naam"), "url": werkcentrum.get("url")} if werkcentrum else None,
    }


def _regeling(kb: KnowledgeBase, regeling: Regeling, today: dt.date) -> dict[str, Any]:
    status = effective_status(regeling, today)
    opvolger = kb.regelingen.get(regeling.opvolger) if regeling.opvolger else None
    return {
        "slug": regeling.slug,
        "naam": regeling.naam,
        "beeindigd": status is Status.beeindigd,
        "status": status.value,
        "opvolger": {"slug": opvolger.slug, "naam": opvolger.naam} if opvolger else None,
        "samenvatting": " ".join(regeling.samenvatting.split()),
        "wat_je_krijgt": [b.omschrijving for b in regeling.wat_je_krijgt],
        "voorwaarden": list(regeling.voor_wie.voorwaarden),
        "aanvragen": {
            "wie": regeling.aanvragen.wie,
            "waar": regeling.aanvragen.waar,
            "termijn": regeling.aanvragen.termijn,
        },
        "geldig_tot": regeling.geldig_tot.isoformat() if regeling.geldig_tot else None,
        "bron": str(regeling.bronnen[0]),
        "peildatum": regeling.peildatum.isoformat(),
    }


def _regelingen(kb: KnowledgeBase, intake: dict[str, Any], today: dt.date) -> list[dict[str, Any]]:
    """The regelingen the bot showed; when it showed none yet, the best matches for the intake."""
    slugs = [s for s in intake.get("regelingen") or [] if s in kb.regelingen]
    if not slugs:
        zoek = Intake(
            rol=_enum(Rol, intake.get("rol")),
            uitkering=_enum(Uitkering, intake.get("uitkering")),
            sector=_enum(Sector, intake.get("sector")),
            behoefte=_enum(Behoefte, intake.get("behoefte")),
        )
        slugs = [t.regeling.slug for t in find_regelingen(kb, zoek, None, today) if t.status is not Status.beeindigd]
    return [_regeling(kb, kb.regelingen[slug], today) for slug in slugs[:MAX_REGELINGEN]]


def stappen(loket: dict[str, Any] | None, regelingen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Next steps as a checklist (ids stay the same across versions, so ticks are kept)."""
    result: list[dict[str, Any]] = []
    if loket and loket.get("organisatie"):
        result.append({"id": "loket", "tekst": f"Neem contact op met {loket['organisatie']}.", "klaar": False})
    for regeling in regelingen:
        if regeling["beeindigd"]:
            continue
        result.append(
            {
                "id": f"regeling:{regeling['slug']}",
                "tekst": f"Kijk of {regeling['naam']} bij u past en vraag het aan: {regeling['aanvragen']['waar']}",
                "klaar": False,
            }
        )
    result.append({"id": "vragen", "tekst": "Schrijf uw vragen op voor het gesprek over uw plan.", "klaar": False})
    return result


def build(kb: KnowledgeBase, raw_intake: dict[str, Any] | None, today: dt.date) -> dict[str, Any]:
    """A fresh plan content (without afspraken) for this intake on `today`."""
    intake = clean_intake(raw_intake)
    besluit = bepaal_arrangeur(
        kb,
        rol=_enum(Rol, intake.get("rol")),
        uitkering=_enum(Uitkering, intake.get("uitkering")),
        gemeente=intake.get("gemeente"),
    )
    code = besluit.arrangeur.value if besluit.arrangeur else None
    if not intake.get("arbeidsmarktregio") and intake.get("gemeente"):
        plaats = resolve_gemeente(kb, intake["gemeente"])
        if plaats is not None:
            intake["gemeente"], intake["arbeidsmarktregio"] = plaats.gemeente, plaats.regio.naam
    loket = _loket(besluit.loket)
    regelingen = _regelingen(kb, intake, today)
    return {
        "gemaakt_op": today.isoformat(),
        "situatie": situatie(intake),
        "arrangeur": {"code": code, "naam": ARRANGEUR_NAAM.get(code or ""), "uitleg": besluit.uitleg} if code else None,
        "loket": loket,
        "regelingen": regelingen,
        "stappen": stappen(loket, regelingen),
        "afspraken": [],
    }


def carry_over(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """The new content keeps the ticks of steps that still exist, and every afspraak."""
    klaar = {s["id"] for s in old.get("stappen", []) if s.get("klaar")}
    for stap in new["stappen"]:
        stap["klaar"] = stap["id"] in klaar
    new["afspraken"] = list(old.get("afspraken", []))
    return new


def afspraak(
    *, nummer: int, wat: str, wie: str, wanneer: dt.date | None, organisatie: str, gemaakt_op: dt.datetime
) -> dict[str, Any]:
    """One afspraak as stored: plain text with BSN, IBAN and contact details masked."""
    return {
        "id": f"a{nummer}",
        "wat": redact(wat).text,
        "wie": redact(wie).text,
        "wanneer": wanneer.isoformat() if wanneer else None,
        "organisatie": organisatie,
        "gemaakt_op": gemaakt_op.isoformat(),
    }


def changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What changed from `old` to `new`, in Dutch, for the person."""
    if old is None:
        return ["Plan gemaakt."]
    result: list[str] = []
    if old.get("situatie", {}).get("zinnen") != new["situatie"]["zinnen"]:
        result.append("Uw situatie is aangepast.")
    if (old.get("arrangeur") or {}).get("code") != (new.get("arrangeur") or {}).get("code") and new.get("arrangeur"):
        result.append(f"Nieuw: {new['arrangeur']['naam']} helpt u verder.")
    oud = {r["slug"]: r["naam"] for r in old.get("regelingen", [])}
    nieuw = {r["slug"]: r["naam"] for r in new["regelingen"]}
    result += [f"Nieuwe regeling: {naam}." for slug, naam in nieuw.items() if slug not in oud]
    result += [f"Niet meer in uw plan: {naam}." for slug, naam in oud.items() if slug not in nieuw]
    was_klaar = {s["id"]: s.get("klaar") for s in old.get("stappen", [])}
    for stap in new["stappen"]:
        if stap["id"] in was_klaar and bool(was_klaar[stap["id"]]) != bool(stap["klaar"]):
            result.append(("Afgevinkt: " if stap["klaar"] else "Vinkje weggehaald: ") + stap["tekst"])
    oude_afspraken = {a["id"] for a in old.get("afspraken", [])}
    result += [f"Nieuwe afspraak: {a['wat']}" for a in new["afspraken"] if a["id"] not in oude_afspraken]
    return result
