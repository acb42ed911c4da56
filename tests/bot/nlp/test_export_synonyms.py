"""bot/data/nlu/synonyms.yml is generated: it must be what its generator writes now (Rasa venv)."""

from __future__ import annotations

from pathlib import Path

from bot.nlp import export_synonyms

ROOT = Path(__file__).resolve().parents[3]


def test_committed_synonyms_are_what_the_generator_writes() -> None:
    committed = (ROOT / "bot" / "data" / "nlu" / "synonyms.yml").read_text(encoding="utf-8")
    # After editing bot/lexicons or the place aliases: python -m bot.nlp.export_synonyms
    assert export_synonyms.render() == committed
