"""Build the Dutch spaCy pipeline for Rasa's SpacyNLP: blank "nl", lookup lemmatizer, gazetteer ruler.

Usage: python -m bot.nlp.build_spacy_model --out var/spacy-nl
No pretrained Dutch model can be downloaded here, so the pipeline is built from the
gazetteers: every gemeente/woonplaats/alias key and every lexicon phrase becomes an entity-ruler
pattern whose `id` is the canonical value (for ambiguous places: the names joined by "|").
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any, Dict, List, Set, Tuple

from bot.nlp import lexicon
from knowledge.places import context_required, normalise, surface_variants, variants


def ruler_patterns(nlp: Any) -> List[Dict[str, Any]]:
    """Entity-ruler patterns (LOWER token sequences, as typed and normalised) with canonical ids."""
    seen: Set[Tuple[str, Tuple[str, ...]]] = set()
    patterns: List[Dict[str, Any]] = []

    def add(label: str, phrase: str, ident: str) -> None:
        for form in {phrase.lower(), normalise(phrase)}:
            toks = tuple(t.lower_ for t in nlp.make_doc(form) if not t.is_space)
            if toks and (label, toks) not in seen:
                seen.add((label, toks))
                patterns.append({"label": label, "pattern": [{"LOWER": t} for t in toks], "id": ident})

    by_key = variants()
    for surface, names in surface_variants():
        if not context_required(normalise(surface)):  # "Best", "Heel": need context, not a ruler
            add("gemeente", surface, "|".join(names))
    for key, names in by_key.items():
        if not context_required(key):
            add("gemeente", key, "|".join(names))
    for entity in ("uitkering", "sector", "behoefte", "regeling"):
        for phrase, value in lexicon.phrases(entity).items():
            if entity == "regeling" and phrase in lexicon.AMBIGUOUS_REGELING:
                continue
            if entity == "behoefte" and " " not in phrase and len(phrase) < 6:
                continue  # "werk", "geld", "baan": too generic without context
            add(entity, phrase, value)
    return patterns


def build(out: Path) -> Dict[str, Any]:
    """Create the pipeline and write it to `out`; returns a few numbers for the log."""
    import spacy

    nlp = spacy.blank("nl")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    # initialise BEFORE adding patterns: initialising afterwards empties the ruler (spaCy W036)
    nlp.initialize()
    patterns = ruler_patterns(nlp)
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]  # nlp.add_pipe returns a plain Pipe
    out.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(out)
    return {"patterns": len(patterns), "pipes": nlp.pipe_names}


def main() -> None:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("var/spacy-nl"))
    args = parser.parse_args()
    start = time.monotonic()
    info = build(args.out)
    print(
        f"spaCy pipeline written to {args.out}: {info['patterns']} patterns, "
        f"pipes {info['pipes']}, {time.monotonic() - start:.1f} s"
    )


if __name__ == "__main__":
    main()
