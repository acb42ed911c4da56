"""Who may see which figures: a beheerder everything, a coördinator their own organisation and region."""

from __future__ import annotations

from dataclasses import dataclass

from bridge.knowledge.loader import KnowledgeBase
from bridge.knowledge.regios import resolve_gemeente
from bridge.models import StaffAccount, StaffRole

_REGIONAL_PREFIXES = ("Werkgeversservicepunt ", "Sociale partners / Leerwerkloket ")


class OutOfScope(Exception):
    """The filter asks for another organisation's or region's figures."""


def organisation_region(kb: KnowledgeBase, organisation: str) -> str | None:
    """The arbeidsmarktregio an organisation works in ("Gemeente Almere" -> "Flevoland"); None for national ones."""
    regios = {regio.naam for regio in kb.regios.values()}
    if organisation.startswith("Gemeente "):
        plaats = resolve_gemeente(kb, organisation.removeprefix("Gemeente "))
        return plaats.regio.naam if plaats is not None else None
    for prefix in _REGIONAL_PREFIXES:
        if organisation.startswith(prefix) and organisation.removeprefix(prefix) in regios:
            return organisation.removeprefix(prefix)
    return None


@dataclass(frozen=True)
class Scope:
    """What one staff member may filter on. `everything` for a beheerder."""

    everything: bool
    organisation: str
    region: str | None

    @classmethod
    def of(cls, staff: StaffAccount, kb: KnowledgeBase) -> Scope:
        name = staff.organisation.name
        return cls(staff.role == StaffRole.BEHEERDER, name, organisation_region(kb, name))

    def default_filter(self) -> tuple[str | None, str | None]:
        """(arbeidsmarktregio, organisation) of the first view."""
        return (None, None) if self.everything else (None, self.organisation)

    def check(self, arbeidsmarktregio: str | None, organisation: str | None) -> None:
        """Raise OutOfScope unless the figures are the own organisation's, or the own region's as a whole."""
        if self.everything or organisation == self.organisation:
            return
        if organisation is None and self.region is not None and arbeidsmarktregio == self.region:
            return
        raise OutOfScope


def may_use_monitor(staff: StaffAccount) -> bool:
    """Coördinatoren and beheerders; medewerkers work cases, not figures."""
    return staff.role in (StaffRole.COORDINATOR, StaffRole.BEHEERDER)
