"""Primary or secondary: the source domains of the knowledge base, checked against knowledge/bronnen-domeinen.yml.

Run `python -m bridge.knowledge.bronnen` for the report (sources per kind, the share of secondary ones and the
regelingen that break a rule); tests/knowledge/test_bronnen.py enforces the rules in the YAML file's header.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from bridge.knowledge.loader import KNOWLEDGE_DIR

DOMEINEN_FILE = KNOWLEDGE_DIR / "bronnen-domeinen.yml"
MAX_AANDEEL_SECUNDAIR = 0.10


class Soort(str, Enum):
    """What kind of source a URL is."""

    primair = "primair"
    secundair = "secundair"
    onbekend = "onbekend"


@dataclass(frozen=True)
class Domeinen:
    """The allow-list: primary domains (by group) and known secondary ones."""

    primair: frozenset[str]
    secundair: frozenset[str]


@lru_cache(maxsize=4)
def lees_domeinen(path: Path = DOMEINEN_FILE) -> Domeinen:
    """Read the allow-list (one place: knowledge/bronnen-domeinen.yml)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    groepen = raw.get("primair") or {}
    primair = {d.lower() for domeinen in groepen.values() for d in domeinen or []}
    secundair = {d.lower() for d in raw.get("secundair") or []}
    dubbel = primair & secundair
    if dubbel:
        raise ValueError(f"{path}: zowel primair als secundair: {sorted(dubbel)}")
    return Domeinen(frozenset(primair), frozenset(secundair))


def host(url: str) -> str:
    """The host of a URL, lower case, without a leading 'www.'."""
    name = (urlsplit(url).hostname or "").lower()
    return name[4:] if name.startswith("www.") else name


def _matches(name: str, domeinen: Iterable[str]) -> bool:
    return any(name == d or name.endswith("." + d) for d in domeinen)


def soort(url: str, domeinen: Domeinen | None = None) -> Soort:
    """Primary, secondary or unknown, by the URL's domain."""
    domeinen = domeinen or lees_domeinen()
    name = host(url)
    if _matches(name, domeinen.primair):
        return Soort.primair
    if _matches(name, domeinen.secundair):
        return Soort.secundair
    return Soort.onbekend


@dataclass
class Rapport:
    """Source counts over a set of entries (regelingen or funds) and the entries that break a rule."""

    aantal: dict[Soort, int] = field(default_factory=lambda: {s: 0 for s in Soort})
    onbekend: list[tuple[str, str]] = field(default_factory=list)  # (slug, url)
    zonder_primair: list[str] = field(default_factory=list)

    @property
    def totaal(self) -> int:
        return sum(self.aantal.values())

    @property
    def aandeel_secundair(self) -> float:
        return self.aantal[Soort.secundair] / self.totaal if self.totaal else 0.0

    def tekst(self) -> str:
        """One line for logs and test messages."""
        return (
            f"{self.totaal} bronnen: {self.aantal[Soort.primair]} primair, {self.aantal[Soort.secundair]} secundair "
            f"({self.aandeel_secundair:.1%}), {self.aantal[Soort.onbekend]} onbekend"
        )


def rapport(bronnen_per_slug: Mapping[str, Iterable[str]], domeinen: Domeinen | None = None) -> Rapport:
    """Classify every source of every entry."""
    domeinen = domeinen or lees_domeinen()
    uit = Rapport()
    for slug, bronnen in bronnen_per_slug.items():
        soorten = []
        for url in bronnen:
            s = soort(url, domeinen)
            soorten.append(s)
            uit.aantal[s] += 1
            if s is Soort.onbekend:
                uit.onbekend.append((slug, url))
        if Soort.primair not in soorten:
            uit.zonder_primair.append(slug)
    return uit


def main() -> None:  # pragma: no cover - a report for people
    from bridge.knowledge.loader import load_knowledge_base

    kb = load_knowledge_base()
    for naam, items in (("regelingen", kb.regelingen), ("O&O-fondsen", kb.fondsen)):
        r = rapport({slug: item.bronnen for slug, item in items.items()})
        print(f"{naam}: {r.tekst()}")
        for slug, url in r.onbekend:
            print(f"  onbekend domein: {slug}: {url}")
        for slug in r.zonder_primair:
            print(f"  geen primaire bron: {slug}")


if __name__ == "__main__":  # pragma: no cover
    main()
