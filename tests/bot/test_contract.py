"""The contract vocabulary (contract/) in the Rasa environment: Python 3.10, and the bot's values are its values."""

from __future__ import annotations

import sys

import pytest

import contract
from bot.actions import arrangeur, intake
from bot.nlp import lexicon


def test_runs_on_the_rasa_python() -> None:
    assert sys.version_info[:2] == (3, 10)  # Rasa 3.6 does not install on 3.11: the shared module must not need it


def test_the_actions_use_the_contract_values() -> None:
    assert (intake.ROLLEN, intake.UITKERINGEN, intake.SECTOREN, intake.BEHOEFTEN, arrangeur.ARRANGEURS) == (
        contract.ROLLEN,
        contract.UITKERINGEN,
        contract.SECTOREN,
        contract.BEHOEFTEN,
        contract.ARRANGEURS,
    )
    assert tuple(intake.intake_from_slots({"arrangeur": "uwv"})) == contract.INTAKE_SLOTS


@pytest.mark.parametrize("entity", ["uitkering", "sector", "behoefte"])
def test_the_lexicon_names_exactly_the_contract_values(entity: str) -> None:
    assert set(lexicon.LEXICON[entity]) == set(contract.SLOT_VALUES[entity])


def test_a_lexicon_with_a_value_outside_the_contract_is_refused() -> None:
    with pytest.raises(ValueError, match="bot/lexicons/sector.yml.*beveiliging"):
        lexicon.check_contract_values({"sector": {**lexicon.LEXICON["sector"], "beveiliging": ("beveiliger",)}})
    with pytest.raises(ValueError, match="bot/lexicons/uitkering.yml.*'ww'"):
        lexicon.check_contract_values({"uitkering": {"wia": ("wga",)}})


def test_the_intake_keyword_tables_map_to_contract_values() -> None:
    # The action server's safety net for typed answers: each word must land on a slot value.
    for table, values in (
        (intake._UITKERING_WORDS, contract.UITKERINGEN),
        (intake._SECTOR_WORDS, contract.SECTOREN),
        (intake._BEHOEFTE_WORDS, contract.BEHOEFTEN),
    ):
        assert set(table.values()) <= set(values)
