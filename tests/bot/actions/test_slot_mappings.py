"""action_validate_slot_mappings: canonical values after every message; a set rol stays unless corrected."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from bot.actions.slot_mappings import ValidateSlotMappings
from tests.bot.actions.conftest import load_tracker, responses, run, slot_events


def test_opening_message_fills_every_slot_with_contract_values(domain):
    events, dispatcher = run(ValidateSlotMappings(), load_tracker("opening_werkzoekende"), domain)
    slots = slot_events(events)
    assert slots["rol"] == "werkzoekende"  # from the RolClassifier's entity
    assert slots["uitkering"] == "ww"
    assert slots["gemeente"] == "Almere"
    assert slots["arbeidsmarktregio"] == "Flevoland"
    assert slots["sector"] == "zorg"
    assert slots["behoefte"] == "scholing"
    assert responses(dispatcher) == []  # silent: the form asks the questions


def test_work_with_aanvullende_bijstand_is_werkende_with_bijstand(domain):
    events, _ = run(ValidateSlotMappings(), load_tracker("werk_met_aanvullende_bijstand"), domain)
    slots = slot_events(events)
    assert slots["rol"] == "werkende"
    assert slots["uitkering"] == "bijstand"


def test_ambiguous_place_leaves_gemeente_empty_and_keeps_the_choices(domain):
    events, dispatcher = run(ValidateSlotMappings(), load_tracker("opening_bergen_ambigu"), domain)
    slots = slot_events(events)
    assert slots["gemeente"] is None
    assert slots["arbeidsmarktregio"] is None
    assert slots["gemeente_keuzes"] == ["Bergen (L.)", "Bergen (NH.)"]
    assert slots["rol"] == "werkgever"
    assert responses(dispatcher) == []


def _later_answer(text: str, new_rol: str, requested_slot: str, reden: str = "werkgever-signaal") -> Tracker:
    """A werkende in the intake whose later message carries another rol entity."""
    parse = {
        "text": text,
        "intent": {"name": "inform", "confidence": 0.9},
        "entities": [{"entity": "rol", "value": new_rol, "extractor": "RolClassifier", "reden": reden}],
    }
    events = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "ik werk als kok", "parse_data": {"text": "ik werk als kok"}},
        {"event": "slot", "name": "rol", "value": "werkende"},
        {"event": "slot", "name": "requested_slot", "value": requested_slot},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text, "parse_data": parse},
        {"event": "slot", "name": "rol", "value": new_rol},
    ]
    slots = {"rol": new_rol, "requested_slot": requested_slot}
    return Tracker("t", slots, parse, events, False, None, {"name": "intake_form"}, "action_listen")


@pytest.mark.parametrize(
    ("text", "requested_slot", "expected"),
    [
        ("ik zoek een nieuwe baan", "behoefte", "werkende"),  # an answer does not move the person
        ("nee, ik ben werkgever", "behoefte", "werkgever"),  # a correction does
        ("ik ben werkgever", "rol", "werkgever"),  # so does an answer to the rol question
        ("/inform_werkgever", "behoefte", "werkgever"),  # and a button
    ],
)
def test_rol_once_set_changes_only_by_correction(domain, text, requested_slot, expected):
    events, _ = run(
        ValidateSlotMappings(),
        _later_answer(text, "werkgever" if expected == "werkgever" else "werkzoekende", requested_slot),
        domain,
    )
    assert slot_events(events)["rol"] == expected


def test_a_plain_no_with_a_model_guess_keeps_the_rol(domain):
    tracker = _later_answer("nee, geen uitkering", "werkzoekende", "uitkering", reden="model (0.85)")
    events, _ = run(ValidateSlotMappings(), tracker, domain)
    assert slot_events(events)["rol"] == "werkende"
