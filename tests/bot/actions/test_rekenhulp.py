"""The loonkostensubsidie rekenhulp: parsing answers and showing the bridge's sum."""

from __future__ import annotations

import pytest

from bot.actions.rekenhulp import ActionRekenhulp, ValidateRekenhulpForm, euro, parse_getal
from tests.bot.actions.conftest import FakeBridge, load_tracker, responses, run

RESET = [
    {"event": "slot", "timestamp": None, "name": "loonwaarde", "value": None},
    {"event": "slot", "timestamp": None, "name": "uren_per_week", "value": None},
    {"event": "slot", "timestamp": None, "name": "brutoloon", "value": None},
]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("60%", 60.0),
        ("32 uur", 32.0),
        ("€ 2.300,50", 2300.5),
        ("2300.5", 2300.5),
        ("2.300", 2300.0),
        ("0,6", 0.6),
        ("ongeveer 1950 euro", 1950.0),
        ("geen idee", None),
    ],
)
def test_parse_getal(text, value):
    assert parse_getal(text) == value


def test_euro_format():
    assert euro(1234.5) == "1.234,50"


def test_invalid_loonwaarde_is_asked_again(domain):
    dispatcher_events = ValidateRekenhulpForm().validate_loonwaarde("150", *_args(domain))
    assert dispatcher_events == {"loonwaarde": None}
    assert ValidateRekenhulpForm().validate_loonwaarde("0,6", *_args(domain)) == {"loonwaarde": 60.0}


def _args(domain):
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher(), load_tracker("rekenhulp_compleet"), domain


def test_shows_the_amount_from_the_bridge(domain):
    bridge = FakeBridge(
        rekenhulp={
            "indicatie_per_maand": 1021.33,
            "waarschuwingen": ["Let op: loon onder WML."],
            "voorbehoud": "De gemeente beslist.",
        }
    )
    events, dispatcher = run(ActionRekenhulp(bridge), load_tracker("rekenhulp_compleet"), domain)
    assert bridge.calls == [
        ("rekenhulp", {"loonwaarde_procent": 60.0, "uren_per_week": 32.0, "brutoloon_per_maand": 2300.0})
    ]
    assert responses(dispatcher) == ["utter_rekenhulp_uitkomst"]
    assert dispatcher.messages[0]["subsidie"] == "1.021,33"
    assert dispatcher.messages[0]["uitleg"] == "Let op: loon onder WML."
    assert events == RESET


def test_age_named_in_the_conversation_is_sent_and_the_used_minimumloon_shown(domain):
    # Issue 17: "een 19-jarige" -> leeftijd 19 in the payload; the bridge's toelichting follows the warnings.
    tracker = load_tracker("rekenhulp_compleet")
    tracker.events.insert(0, {"event": "user", "text": "Ik wil een 19-jarige schoolverlater aannemen"})
    bridge = FakeBridge(
        rekenhulp={
            "indicatie_per_maand": 878.07,
            "waarschuwingen": [],
            "toelichting": ["Gerekend met het minimumjeugdloon voor 19 jaar."],
        }
    )
    _, dispatcher = run(ActionRekenhulp(bridge), tracker, domain)
    assert bridge.calls[0][1]["leeftijd"] == 19
    assert dispatcher.messages[0]["uitleg"] == "Gerekend met het minimumjeugdloon voor 19 jaar."


@pytest.mark.parametrize(
    ("tekst", "leeftijd"),
    [
        ("een 19-jarige", 19),
        ("hij is 18 jaar en komt van het praktijkonderwijs", 18),
        ("een jongen van 17 jaar", 17),
        ("ik ben 45 jaar en heb een bakkerij", None),  # the employer's own age
        ("hij werkt 32 uur", None),
        ("zij is 20 jaar in dienst", None),
    ],
)
def test_leeftijd_uit_gesprek(tekst, leeftijd):
    from rasa_sdk import Tracker

    from bot.actions.rekenhulp import leeftijd_uit_gesprek

    tracker = Tracker("t", {}, {}, [{"event": "user", "text": tekst}], False, None, {}, "action_listen")
    assert leeftijd_uit_gesprek(tracker) == leeftijd


def test_without_a_rekenhulp_endpoint_points_to_a_medewerker(domain):
    events, dispatcher = run(ActionRekenhulp(FakeBridge()), load_tracker("rekenhulp_compleet"), domain)
    assert responses(dispatcher) == ["utter_rekenhulp_niet_beschikbaar"]
    assert events == RESET
