"""The contract's vocabulary (docs/contracts.md): its values and their Dutch labels, in one place.

Stdlib only and Python 3.10+, so the Rasa side (3.10) and the bridge (3.11) share it. How people
*name* these values is data in bot/lexicons; only the canonical values and labels live here.
"""

from contract.labels import LABELS, label
from contract.values import (
    ARRANGEURS,
    BEHOEFTEN,
    HANDOFF_INTAKE_SLOTS,
    INTAKE_SLOTS,
    KENMERKEN,
    REDENEN,
    ROLLEN,
    SECTOREN,
    SLOT_VALUES,
    STATUSES,
    UITKERINGEN,
    Arrangeur,
    Behoefte,
    Kenmerk,
    Reden,
    Rol,
    Sector,
    Uitkering,
)

__all__ = [
    "ARRANGEURS",
    "BEHOEFTEN",
    "HANDOFF_INTAKE_SLOTS",
    "INTAKE_SLOTS",
    "KENMERKEN",
    "LABELS",
    "REDENEN",
    "ROLLEN",
    "SECTOREN",
    "SLOT_VALUES",
    "STATUSES",
    "UITKERINGEN",
    "Arrangeur",
    "Behoefte",
    "Kenmerk",
    "Reden",
    "Rol",
    "Sector",
    "Uitkering",
    "label",
]
