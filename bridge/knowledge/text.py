"""Small text helpers shared by search and the arrangeur signals."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^a-z0-9]+")


def normalise(text: str) -> str:
    """Lowercase, strip accents and turn punctuation into single spaces ("No-riskpolis" -> "no riskpolis")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    ascii_text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", ascii_text).strip()


def tokens(text: str) -> list[str]:
    """Normalised words of `text`."""
    return normalise(text).split()
