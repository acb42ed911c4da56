"""The arrangeur data (arrangeur_regels.yml): benefits, signal phrases, the rule table and its sources.

One loader reads and checks the file once; a bad pattern, an unknown source or benefit key, or a rule
that cannot be answered fails with the file name and the field, like the knowledge base loader.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from bridge.knowledge.models import Arrangeur, Rol, Uitkering

RULES_FILE = Path(__file__).with_name("arrangeur_regels.yml")
ONBEKEND = "onbekend"  # condition value: the rol or the benefit is not known
GEEN = "geen"  # condition value: the person has said they have no benefit


class ArrangeurDataError(ValueError):
    """arrangeur_regels.yml is unreadable or inconsistent; the message names the field."""


class UitkeringData(BaseModel):
    """A benefit (or work provision) as people name it."""

    model_config = ConfigDict(extra="forbid")

    naam: str
    slot: Uitkering | None = None
    voorziening: bool = False  # beschut werk, Wsw: decide the arrangeur but are no income benefit
    patronen: list[re.Pattern[str]] = Field(min_length=1)  # pydantic compiles them; a bad one fails here


class RolSignaal(BaseModel):
    """A group of phrases that say who is writing; `signaal` names the group."""

    model_config = ConfigDict(extra="forbid")

    signaal: str
    rol: Rol
    patronen: list[re.Pattern[str]] = Field(min_length=1)


class Voorwaarde(BaseModel):
    """When a rule applies: every listed key must fit (a list means: any of these)."""

    model_config = ConfigDict(extra="forbid")

    rol: list[Literal["werkende", "werkzoekende", "werkgever", "onbekend"]] | None = None
    uitkering: list[str] | None = None
    signaal: list[str] = []


class Regel(BaseModel):
    """One row of the rule table."""

    model_config = ConfigDict(extra="forbid")

    id: str
    als: Voorwaarde
    arrangeur: Arrangeur | None
    reden: str = Field(min_length=10)
    bronnen: list[str] = Field(min_length=1)
    vraag: Literal["rol", "uitkering"] | None = None
    voorlopig: bool = False

    @model_validator(mode="after")
    def _answerable(self) -> Regel:
        # Without an arrangeur the rule must ask; a provisional answer must say what would change it.
        if self.arrangeur is None and self.vraag is None:
            raise ValueError("een regel zonder arrangeur moet een vraag hebben")
        if self.voorlopig != (self.arrangeur is not None and self.vraag is not None):
            raise ValueError("'voorlopig' hoort precies bij een arrangeur met een vraag")
        if self.vraag and not self.reden.rstrip().endswith("?"):
            raise ValueError("een reden met een vraag eindigt op de vraag")
        return self


class ArrangeurData(BaseModel):
    """The whole file, cross-checked."""

    model_config = ConfigDict(extra="forbid")

    bronnen: dict[str, str]
    uitkeringen: dict[str, UitkeringData]
    geen_uitkering: list[re.Pattern[str]]
    ontkenning_voor: list[re.Pattern[str]]
    ontkenning_na: list[re.Pattern[str]]
    rol_signalen: list[RolSignaal]
    regels: list[Regel] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ArrangeurData:
        for key, url in self.bronnen.items():
            if not url.startswith("https://"):
                raise ValueError(f"bron '{key}' is geen https-adres")
        signalen = {s.signaal for s in self.rol_signalen}
        benefit_values = set(self.uitkeringen) | {GEEN, ONBEKEND}
        ids: set[str] = set()
        for regel in self.regels:
            if regel.id in ids:
                raise ValueError(f"regel '{regel.id}' staat er twee keer in")
            ids.add(regel.id)
            for bron in regel.bronnen:
                if bron not in self.bronnen:
                    raise ValueError(f"regel '{regel.id}': onbekende bron '{bron}'")
            for value in regel.als.uitkering or []:
                if value not in benefit_values:
                    raise ValueError(f"regel '{regel.id}': onbekende uitkering '{value}'")
            for signaal in regel.als.signaal:
                if signaal not in signalen:
                    raise ValueError(f"regel '{regel.id}': onbekend signaal '{signaal}'")
        last = self.regels[-1].als
        if last.rol is not None or last.uitkering is not None or last.signaal:
            raise ValueError(f"de laatste regel ('{self.regels[-1].id}') moet altijd passen: 'als: {{}}'")
        slots = [u.slot for u in self.uitkeringen.values() if u.slot is not None]
        if sorted(s.value for s in slots) != sorted(u.value for u in Uitkering if u is not Uitkering.geen):
            raise ValueError("elke waarde van het slot 'uitkering' (behalve 'geen') hoort bij precies één uitkering")
        return self

    def slot_uitkering(self, slot: Uitkering) -> str:
        """The benefit key that a slot value (ww, wia, wajong, bijstand) stands for."""
        return next(key for key, u in self.uitkeringen.items() if u.slot is slot)


def load_arrangeur_data(path: Path = RULES_FILE) -> ArrangeurData:
    """Read and check the arrangeur data file."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ArrangeurDataError(f"{path}: kan bestand niet lezen: {exc}") from exc
    try:
        return ArrangeurData.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(
            f"veld '{'.'.join(str(p) for p in err['loc']) or '(bestand)'}': {err['msg']}" for err in exc.errors()
        )
        raise ArrangeurDataError(f"{path}: {problems}") from exc


@lru_cache(maxsize=1)
def get_arrangeur_data() -> ArrangeurData:
    """The arrangeur data of this checkout, loaded once per process."""
    return load_arrangeur_data()


__all__ = [
    "GEEN",
    "ONBEKEND",
    "ArrangeurData",
    "ArrangeurDataError",
    "Regel",
    "get_arrangeur_data",
    "load_arrangeur_data",
]
