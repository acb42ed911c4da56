"""action_fallback and action_go_back."""

from __future__ import annotations

from bot.actions.dialogue import ActionFallback, ActionGoBack
from tests.bot.actions.conftest import load_tracker, responses, run


def test_first_miss_explains_what_the_assistant_does(domain):
    events, dispatcher = run(ActionFallback(), load_tracker("een_keer_niet_begrepen"), domain)
    assert responses(dispatcher) == ["utter_default"]
    assert events == [{"event": "slot", "timestamp": None, "name": "fallback_aanbod", "value": False}]


def test_second_miss_in_a_row_offers_a_medewerker(domain):
    events, dispatcher = run(ActionFallback(), load_tracker("twee_keer_niet_begrepen"), domain)
    assert responses(dispatcher) == ["utter_fallback_medewerker"]
    assert events == [{"event": "slot", "timestamp": None, "name": "fallback_aanbod", "value": True}]


def test_go_back_in_the_form_clears_the_last_answer(domain):
    events, dispatcher = run(ActionGoBack(), load_tracker("intake_terug"), domain)
    assert responses(dispatcher) == ["utter_go_back"]
    assert events == [{"event": "slot", "timestamp": None, "name": "uitkering", "value": None}]


def test_go_back_after_the_outcome_clears_the_last_intake_answer(domain):
    events, _ = run(ActionGoBack(), load_tracker("terug_na_uitkomst"), domain)
    assert events == [{"event": "slot", "timestamp": None, "name": "behoefte", "value": None}]


def test_go_back_with_nothing_to_undo(domain):
    events, dispatcher = run(ActionGoBack(), load_tracker("crisis"), domain)
    assert responses(dispatcher) == ["utter_go_back_niets"]
    assert events == []
