"""Dutch labels of contract values, as the staff console shows them."""

from __future__ import annotations

from typing import Any, Dict

# kind → value → label; a value without a label shows as itself with spaces ("werk_vinden" → "werk vinden").
LABELS: Dict[str, Dict[str, str]] = {
    "rol": {"werkende": "Werkende (heeft werk)", "werkzoekende": "Werkzoekende", "werkgever": "Werkgever"},
    "uitkering": {"ww": "WW", "wia": "WIA", "wajong": "Wajong", "bijstand": "Bijstand", "geen": "Geen uitkering"},
    "arrangeur": {
        "uwv": "UWV",
        "gemeente": "Gemeente",
        "sociale_partners": "Sociale partners",
        "werkgeversservicepunt": "Werkgeversservicepunt",
    },
    "reden": {
        "gevraagd": "Vroeg zelf om een medewerker",
        "crisis": "Mogelijk in nood (schulden, zorgen, uitzetting)",
        "frustratie": "Liep vast met de digitale assistent",
        "niet_begrepen": "De digitale assistent begreep de vraag niet",
        "storing": "De digitale assistent werkte even niet (storing)",
    },
    "status": {
        "wacht_op_medewerker": "Wacht op u",
        "medewerker": "In gesprek",
        "gesloten": "Afgesloten",
        "bot": "Bij de digitale assistent",
    },
}


def label(kind: str, value: Any, labels: Dict[str, Dict[str, str]] = LABELS) -> str:
    """Dutch label for a value of `kind`; "onbekend" when there is none."""
    if value in (None, "", []):
        return "onbekend"
    text = str(value)
    return labels.get(kind, {}).get(text, text.replace("_", " "))
