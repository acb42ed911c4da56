"""Which organisation queue a handoff case belongs to, from arrangeur and region."""

from __future__ import annotations

from typing import Any

GENERAL_QUEUE = "Elke Deur algemeen"


def queue_for(intake: dict[str, Any]) -> str:
    """The organisation queue for an intake, e.g. "Gemeente Almere" or "UWV"."""
    arrangeur = intake.get("arrangeur")
    gemeente = intake.get("gemeente")
    regio = intake.get("arbeidsmarktregio")
    if arrangeur == "uwv":
        return "UWV"
    if arrangeur == "gemeente" and gemeente:
        return f"Gemeente {gemeente}"
    if arrangeur == "werkgeversservicepunt" and regio:
        return f"Werkgeversservicepunt {regio}"
    if arrangeur == "sociale_partners" and regio:
        return f"Sociale partners / Leerwerkloket {regio}"
    # Without a decided arrangeur and place, a general team triages the case.
    return GENERAL_QUEUE
