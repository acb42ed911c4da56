"""bot/data/nlu/synonyms.yml is generated: it must be what its generator writes now (Rasa venv)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.nlp import export_synonyms

ROOT = Path(__file__).resolve().parents[3]


# Known drift: the file was last generated in issue 14, before the sector lexicon grew to 3,191 phrases
# and some phrases were dropped on purpose (private security names no sector). Regenerating changes
# the NLU training data, so it waits for a retrain with the first-message gates; then drop this mark.
@pytest.mark.xfail(strict=True, reason="synonyms.yml is stale since issue 14; regenerate with a retrain")
def test_committed_synonyms_are_what_the_generator_writes() -> None:
    committed = (ROOT / "bot" / "data" / "nlu" / "synonyms.yml").read_text(encoding="utf-8")
    # After editing bot/lexicons or the place aliases: python -m bot.nlp.export_synonyms
    assert export_synonyms.render() == committed
