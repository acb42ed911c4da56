"""action_validate_slot_mappings: canonical values and rol inference after every message."""

from __future__ import annotations

from bot.actions.slot_mappings import ValidateSlotMappings

from tests.bot.actions.conftest import load_tracker, responses, run, slot_events


def test_opening_message_fills_every_slot_with_contract_values(domain):
    events, dispatcher = run(ValidateSlotMappings(), load_tracker("opening_werkzoekende"), domain)
    slots = slot_events(events)
    assert slots["rol"] == "werkzoekende"  # WW without work → werkzoekende
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
