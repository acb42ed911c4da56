"""Near-duplicates between the held-out first messages and the NLU training data.

    PYTHONPATH=. .venvs/app/bin/python -m bench.near_duplicates [--threshold 90] [--remove]

A held-out message that is nearly a training example measures memory, not understanding. The
similarity is RapidFuzz's `ratio` on normalised text (0-100); at or above the threshold a pair
counts as a near-duplicate. `--remove` deletes those messages from the held-out files (and
prints how many); tests/bot/test_heldout_sets.py keeps the sets apart from then on.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process

from bench.eval_first_messages import HELDOUT_DIR
from bridge.core.config import PROJECT_ROOT
from knowledge.places import normalise

NLU_DIR = PROJECT_ROOT / "bot" / "data" / "nlu"
THRESHOLD = 90.0
# The gate set and the fresh sets: all kept apart from the training data.
HELDOUT_PATTERNS = ("heldout_*.yml", "vers_*.yml")
# Rasa entity markup: [surface](entity:value), [surface](entity) or [surface]{"entity": ...}
_MARKUP = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def plain(text: str) -> str:
    """Training example text without Rasa's entity markup."""
    return _MARKUP.sub(r"\1", text)


def training_texts(directory: Path = NLU_DIR) -> Iterator[str]:
    """Every NLU example text (both the `examples: |` block and the list-with-metadata forms)."""
    for path in sorted(directory.rglob("*.yml")):
        for block in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu") or []:
            if "intent" not in block:
                continue  # synonyms, lookups and regexes are not messages
            examples = block.get("examples")
            if isinstance(examples, str):
                for line in examples.splitlines():
                    if line.strip().startswith("- "):
                        yield plain(line.strip()[2:])
            elif isinstance(examples, list):
                for example in examples:
                    yield plain(str(example.get("text") if isinstance(example, dict) else example))


def near_duplicates(
    heldout: Sequence[str], training: Sequence[str], threshold: float = THRESHOLD
) -> list[tuple[str, str, float]]:
    """(held-out text, closest training text, score) for every pair at or above the threshold."""
    choices = [normalise(t) for t in training]
    found = []
    for text in heldout:
        best = process.extractOne(normalise(text), choices, scorer=fuzz.ratio, score_cutoff=threshold)
        if best is not None:
            found.append((text, training[best[2]], float(best[1])))
    return found


def remove_from_heldout(texts: set[str], directory: Path = HELDOUT_DIR) -> int:
    """Delete these messages from the held-out files; returns how many were removed."""
    removed = 0
    for path in sorted(path for pattern in HELDOUT_PATTERNS for path in directory.glob(pattern)):
        rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        kept = [row for row in rows if row.get("text") not in texts]
        if len(kept) != len(rows):
            removed += len(rows) - len(kept)
            path.write_text(yaml.safe_dump(kept, allow_unicode=True, sort_keys=False, width=1000), encoding="utf-8")
    return removed


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threshold", type=float, default=THRESHOLD)
    parser.add_argument("--remove", action="store_true", help="delete the near-duplicates from the held-out files")
    args = parser.parse_args(argv)
    from bench.eval_first_messages import load_cases

    heldout = [case.text for pattern in HELDOUT_PATTERNS for case in load_cases(pattern=pattern)]
    training = list(training_texts())
    found = near_duplicates(heldout, training, args.threshold)
    for text, other, score in found:
        print(f"{score:5.1f}  «{text}»  ~  «{other}»")
    print(
        f"{len(found)} of {len(heldout)} held-out messages are within {args.threshold} of one of "
        f"{len(training)} training examples"
    )
    if args.remove and found:
        print(f"removed {remove_from_heldout({text for text, _, _ in found})} from {HELDOUT_DIR}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
