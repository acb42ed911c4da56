"""validate_intake_form and action_ask_gemeente: ask only what is missing, per rol."""

from __future__ import annotations

import json

import pytest

from bot.actions.intake import required_intake_slots
from bot.actions.intake_form import ActionAskGemeente, ValidateIntakeForm
from tests.bot.actions.conftest import load_tracker, responses, run, slot_events


@pytest.mark.parametrize(
    ("rol", "overgeslagen", "expected"),
    [
        (None, False, ["rol"]),
        ("werkzoekende", False, ["rol", "uitkering", "gemeente", "behoefte"]),
        ("werkende", False, ["rol", "sector", "behoefte", "uitkering", "gemeente"]),
        ("werkgever", False, ["rol", "gemeente", "sector", "behoefte"]),
        ("werkgever", True, ["rol", "sector", "behoefte"]),
    ],
)
def test_questions_per_rol(rol, overgeslagen, expected):
    assert required_intake_slots(rol, overgeslagen) == expected


def test_bare_place_name_with_two_gemeenten_offers_a_choice(domain):
    events, _ = run(ValidateIntakeForm(), load_tracker("intake_gemeente_bergen"), domain)
    slots = slot_events(events)
    assert slots["gemeente"] is None
    assert slots["gemeente_keuzes"] == ["Bergen (L.)", "Bergen (NH.)"]
    assert slots["requested_slot"] == "gemeente"


def test_woonplaats_in_a_sentence_resolves_to_its_gemeente(domain):
    events, _ = run(ValidateIntakeForm(), load_tracker("intake_gemeente_sneek"), domain)
    slots = slot_events(events)
    assert slots["gemeente"] == "Súdwest-Fryslân"
    assert slots["arbeidsmarktregio"] == "Friesland"
    assert slots["requested_slot"] == "behoefte"


def test_unknown_place_counts_the_attempt_and_asks_again(domain):
    events, _ = run(ValidateIntakeForm(), load_tracker("intake_gemeente_onbekend"), domain)
    slots = slot_events(events)
    assert slots["gemeente_pogingen"] == 2.0
    assert slots["requested_slot"] == "gemeente"
    assert "gemeente" not in slots


def test_skipping_the_gemeente_moves_on_to_behoefte(domain):
    events, _ = run(ValidateIntakeForm(), load_tracker("intake_gemeente_overslaan"), domain)
    slots = slot_events(events)
    assert slots["gemeente_overgeslagen"] is True
    assert slots["requested_slot"] == "behoefte"


def test_question_about_a_regeling_is_not_read_as_an_answer(domain):
    # No slot of the form is filled, so the form rejects and the digression rule runs.
    events, _ = run(ValidateIntakeForm(), load_tracker("intake_vraag_regeling"), domain)
    assert {name for name in slot_events(events)} <= {"requested_slot"}


def test_ask_gemeente_plain_first(domain):
    tracker = load_tracker("intake_compleet")
    tracker.slots.update({"gemeente": None, "gemeente_pogingen": 0.0})
    _, dispatcher = run(ActionAskGemeente(), tracker, domain)
    assert responses(dispatcher) == ["utter_ask_gemeente"]


def test_ask_gemeente_with_buttons_per_candidate(domain):
    tracker = load_tracker("intake_gemeente_bergen")
    tracker.slots["gemeente_keuzes"] = ["Bergen (L.)", "Bergen (NH.)"]
    _, dispatcher = run(ActionAskGemeente(), tracker, domain)
    assert responses(dispatcher) == ["utter_kies_gemeente"]
    buttons = dispatcher.messages[0]["buttons"]
    assert [button["title"] for button in buttons] == ["Bergen (L.)", "Bergen (NH.)"]
    payload = buttons[1]["payload"]
    assert payload.startswith("/inform")
    assert json.loads(payload[len("/inform") :]) == {"gemeente": "Bergen (NH.)"}


@pytest.mark.parametrize(
    ("pogingen", "expected"),
    [(1.0, "utter_gemeente_onbekend"), (2.0, "utter_gemeente_overslaan")],
)
def test_ask_gemeente_after_misses(domain, pogingen, expected):
    tracker = load_tracker("intake_gemeente_onbekend")
    tracker.slots["gemeente_pogingen"] = pogingen
    _, dispatcher = run(ActionAskGemeente(), tracker, domain)
    assert responses(dispatcher) == [expected]


def test_a_regeling_named_as_the_need_answers_the_behoefte_question(domain):
    # "loonkostensubsidie" to "waar zoekt u hulp bij?": DIET may read a question about the regeling,
    # but it names the need; without this the form asked again and again (two employer personas).
    events, _ = run(ValidateIntakeForm(), load_tracker("intake_behoefte_als_regeling"), domain)
    assert slot_events(events)["behoefte"] == "loonkostensubsidie"
