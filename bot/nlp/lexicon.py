"""Dictionary of how people name benefits, sectors, needs and schemes, mapped to contract values.

The phrases live in bot/lexicons/{uitkering,sector,behoefte,regeling}.yml (canonical value →
list of phrases; each file's header says what belongs there). Stdlib + PyYAML only: used by the
spaCy pipeline builder (entity-ruler patterns), the synonym export and the Rasa gazetteer
component. Values are exactly the slot values in docs/contracts.md (regeling: the slugs in
knowledge/regelingen/).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from contract import SLOT_VALUES
from knowledge.places import normalise

LEXICON_DIR = Path(__file__).resolve().parents[1] / "lexicons"
ENTITIES = ("uitkering", "sector", "behoefte", "regeling")


def read_lexicon_file(name: str, directory: Path = LEXICON_DIR) -> Dict[str, Tuple[str, ...]]:
    """`<directory>/<name>.yml` as key → phrases, in file order: the one reader of bot/lexicons
    (the entity lexicons here, the rol cues in rol.py, the workplaces in eigenaar.py).

    Each file is a mapping of key → non-empty list of strings; anything else is an error that
    names the file (an unquoted `no` or `on` would otherwise turn into a boolean).
    """
    path = directory / f"{name}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not data:
        raise ValueError(f"{path}: expected a mapping of value → list of phrases")
    values: Dict[str, Tuple[str, ...]] = {}
    for value, phrases in data.items():
        if not isinstance(value, str) or not isinstance(phrases, list) or not phrases:
            raise ValueError(f"{path}: {value!r} must map to a non-empty list of phrases")
        bad = [p for p in phrases if not isinstance(p, str) or not p.strip()]
        if bad:
            raise ValueError(f"{path}: {value!r} has phrases that are not text: {bad!r} (quote them)")
        values[value] = tuple(phrases)
    return values


def load_lexicon(directory: Path = LEXICON_DIR) -> Dict[str, Dict[str, Tuple[str, ...]]]:
    """entity → canonical value → phrases, read from `<directory>/<entity>.yml`."""
    return {entity: read_lexicon_file(entity, directory) for entity in ENTITIES}


def check_contract_values(lexicon: Dict[str, Dict[str, Tuple[str, ...]]]) -> None:
    """Every slot entity's file names exactly the contract's values (contract/values.py), so a
    lexicon can neither invent a slot value nor leave one without phrases."""
    for entity, values in lexicon.items():
        expected = SLOT_VALUES.get(entity)
        if expected is not None and set(values) != set(expected):
            raise ValueError(
                f"bot/lexicons/{entity}.yml: values {sorted(set(values) ^ set(expected))} "
                "differ from the contract's (contract/values.py)"
            )


# entity → canonical value → phrases (written as users type them; matched after normalise()).
# Only phrases that mean this value in (almost) every sentence belong here; DIET learns the rest.
LEXICON: Dict[str, Dict[str, Tuple[str, ...]]] = load_lexicon()
check_contract_values(LEXICON)

# Regeling names that are also ordinary words ("de volgende stap", "slim"): only trusted in a
# span DIET already marked as a regeling, never from a free-text dictionary scan.
AMBIGUOUS_REGELING = {"stap", "slim", "beschut", "no risk", "levenlang leren", "leven lang leren"}


@dataclass(frozen=True)
class LexiconMatch:
    """One dictionary hit: entity type, canonical value, character span."""

    entity: str
    value: str
    start: int
    end: int
    surface: str


_TOKEN_RE = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)


@lru_cache(maxsize=1)
def _phrase_index() -> Dict[Tuple[str, ...], List[Tuple[str, str]]]:
    """Normalised token tuple → [(entity, value)] for all lexicon phrases."""
    index: Dict[Tuple[str, ...], List[Tuple[str, str]]] = {}
    for entity, values in LEXICON.items():
        for value, phrases in values.items():
            for phrase in phrases:
                key = tuple(normalise(phrase).split())
                if key and (entity, value) not in index.setdefault(key, []):
                    index[key].append((entity, value))
    return index


def phrases(entity: str) -> Dict[str, str]:
    """Flat phrase → value map for one entity (for entity-ruler patterns and synonyms)."""
    return {p: v for v, ps in LEXICON[entity].items() for p in ps}


def find_terms(text: str, entities: Optional[Tuple[str, ...]] = None) -> List[LexiconMatch]:
    """All lexicon hits in text, longest match first per entity type, no overlap within a type."""
    tokens = [(m.start(), m.end(), normalise(m.group(0))) for m in _TOKEN_RE.finditer(text)]
    tokens = [t for t in tokens if t[2]]
    index = _phrase_index()
    max_len = max(len(k) for k in index)
    out: List[LexiconMatch] = []
    taken: Dict[str, List[Tuple[int, int]]] = {}
    for i in range(len(tokens)):
        for n in range(min(max_len, len(tokens) - i), 0, -1):
            key = tuple(t[2] for t in tokens[i : i + n])
            # a phrase may cover several normalised tokens ("ww-uitkering" → "ww uitkering")
            flat = tuple(" ".join(key).split())
            hits = index.get(flat)
            if not hits:
                continue
            start, end = tokens[i][0], tokens[i + n - 1][1]
            for entity, value in hits:
                if entities is not None and entity not in entities:
                    continue
                spans = taken.setdefault(entity, [])
                if any(s < end and start < e for s, e in spans):
                    continue
                spans.append((start, end))
                out.append(LexiconMatch(entity, value, start, end, text[start:end]))
    return sorted(out, key=lambda m: (m.start, m.entity))


def canonical(entity: str, surface: str) -> Optional[str]:
    """Canonical value for an extracted span, if the span is (or contains exactly one) known phrase."""
    if surface in LEXICON.get(entity, {}):
        return surface
    values = {m.value for m in find_terms(surface, (entity,))}
    return values.pop() if len(values) == 1 else None


VALUES: Dict[str, Tuple[str, ...]] = {entity: tuple(vals) for entity, vals in LEXICON.items()}
