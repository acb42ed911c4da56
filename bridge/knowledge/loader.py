"""Load and cross-check the YAML knowledge base; a bad file fails with its name and the field."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bridge.knowledge.models import OoFonds, Regeling, Regio, RegiosFile, Sector, SectorFondsen

KNOWLEDGE_DIR = Path(__file__).resolve().parents[2] / "knowledge"
SECTOR_MAPPING_FILE = "_sectoren.yml"

M = TypeVar("M", bound=BaseModel)


class KnowledgeLoadError(ValueError):
    """A knowledge file is missing, unreadable or invalid; the message names file and field."""


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything the bridge knows: regelingen, funds, sector mapping and regio's."""

    regelingen: Mapping[str, Regeling]
    fondsen: Mapping[str, OoFonds]
    sectoren: Mapping[Sector, SectorFondsen]
    regios: Mapping[str, Regio]
    zoek_via: str


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeLoadError(f"{path}: kan bestand niet lezen: {exc}") from exc


def _validate(model: type[M], data: Any, path: Path, prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"veld '{'.'.join([prefix, *(str(p) for p in err['loc'])] if prefix else [str(p) for p in err['loc']]) or '(bestand)'}'"
            f": {err['msg']}"
            for err in exc.errors()
        )
        raise KnowledgeLoadError(f"{path}: {problems}") from exc


def _load_dir(directory: Path, model: type[M], slug_of: Callable[[M], str]) -> dict[str, M]:
    if not directory.is_dir():
        raise KnowledgeLoadError(f"{directory}: map ontbreekt")
    items: dict[str, M] = {}
    for path in sorted(directory.glob("*.yml")):
        if path.name.startswith("_"):
            continue  # underscore files hold mappings, not entries
        item = _validate(model, _read_yaml(path), path)
        # The file name is the public slug; a mismatch would make GET /{slug} lie.
        if slug_of(item) != path.stem:
            raise KnowledgeLoadError(f"{path}: veld 'slug': '{slug_of(item)}' hoort gelijk te zijn aan de bestandsnaam")
        items[path.stem] = item
    return items


def _load_sectoren(path: Path, fondsen: Mapping[str, OoFonds]) -> dict[Sector, SectorFondsen]:
    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise KnowledgeLoadError(f"{path}: verwacht een lijst per sector")
    sectoren: dict[Sector, SectorFondsen] = {}
    for key, value in raw.items():
        try:
            sector = Sector(key)
        except ValueError as exc:
            raise KnowledgeLoadError(f"{path}: veld '{key}': onbekende sector") from exc
        sectoren[sector] = _validate(SectorFondsen, value, path, prefix=sector.value)
    missing = [s.value for s in Sector if s not in sectoren]
    if missing:
        raise KnowledgeLoadError(f"{path}: sectoren ontbreken: {', '.join(missing)}")
    for sector, entry in sectoren.items():
        for slug in entry.fondsen:
            if slug not in fondsen:
                raise KnowledgeLoadError(f"{path}: veld '{sector.value}.fondsen': onbekend fonds '{slug}'")
        sub_slugs = {slug for sub in entry.subsectoren for slug in sub.fondsen}
        for slug in sorted(sub_slugs):
            if slug not in fondsen:
                raise KnowledgeLoadError(f"{path}: veld '{sector.value}.subsectoren': onbekend fonds '{slug}'")
        # Both directions must agree, so a fund is never silently missing from its sector
        # (a sub-sector's fund names the sector it sits in).
        declared = {slug for slug, f in fondsen.items() if sector in f.sectoren}
        if declared != set(entry.fondsen) | sub_slugs:
            raise KnowledgeLoadError(
                f"{path}: veld '{sector.value}.fondsen': {sorted(set(entry.fondsen) | sub_slugs)} klopt niet met de "
                f"fondsen die deze sector noemen: {sorted(declared)}"
            )
    return sectoren


def _expected_regios() -> dict[str, str]:
    """AM code -> region name from the gemeente gazetteer (knowledge/places.py)."""
    from knowledge import places  # imported lazily: no file reads at import time

    return {g.arbeidsmarktregio_code: g.arbeidsmarktregio for g in places.gemeenten()}


def load_knowledge_base(root: Path = KNOWLEDGE_DIR, expected_regios: Mapping[str, str] | None = None) -> KnowledgeBase:
    """Read every knowledge file under `root`, validate it and check cross-references."""
    regelingen = _load_dir(root / "regelingen", Regeling, lambda r: r.slug)
    for slug, regeling in regelingen.items():
        if regeling.opvolger is not None and regeling.opvolger not in regelingen:
            raise KnowledgeLoadError(
                f"{root / 'regelingen' / (slug + '.yml')}: veld 'opvolger': regeling '{regeling.opvolger}' bestaat niet"
            )
    fondsen = _load_dir(root / "oo-fondsen", OoFonds, lambda f: f.slug)
    sectoren = _load_sectoren(root / "oo-fondsen" / SECTOR_MAPPING_FILE, fondsen)

    regios_path = root / "regios.yml"
    regios_file = _validate(RegiosFile, _read_yaml(regios_path), regios_path)
    regios = {r.code: r for r in regios_file.regios}
    expected = dict(expected_regios) if expected_regios is not None else _expected_regios()
    found = {c: r.naam for c, r in regios.items()}
    if found != expected:
        wrong = sorted(set(found.items()) ^ set(expected.items()))[:5]
        raise KnowledgeLoadError(f"{regios_path}: veld 'regios': codes/namen wijken af van de gemeentelijst: {wrong}")
    return KnowledgeBase(regelingen, fondsen, sectoren, regios, regios_file.zoek_via)


@lru_cache(maxsize=1)
def get_knowledge_base() -> KnowledgeBase:
    """The knowledge base of this checkout, loaded once per process."""
    return load_knowledge_base()
